/// Repeat-purchase data collapsed into weighted unique (frequency, recency, age) patterns, the
/// input of every BTYD fit.
///
/// - `frequency` x: repeat purchases (purchases on distinct periods minus one).
/// - `recency` t_x: time from the first to the last purchase, in the caller's time unit.
/// - `age` T: time from the first purchase to the end of observation, same unit.
/// - `weight`: how many customers share the pattern.
///
/// For the discrete-time BG/BB model, recency is the opportunity of the last transaction and age
/// is the number of opportunities n (both whole numbers).
///
/// Customers with identical (x, t_x, T) contribute identical likelihood terms, so fitting costs
/// grow with the number of patterns, not customers: day-level data on a million customers
/// typically collapses to a few tens of thousands of patterns. Collapsing uses exact equality of
/// the values and keeps patterns in order of first appearance.
public struct RFMPatterns: Sendable {
    public let frequency: [Int]
    public let recency: [Double]
    public let age: [Double]
    public let weight: [Double]

    /// Σ weight: the number of customers represented.
    public let customerCount: Double
    /// Σ weight over patterns with a repeat purchase.
    public let repeatBuyerCount: Double

    // Distinct values and per-pattern indices into them, so that likelihoods evaluate
    // x-only and T-only terms once per distinct value.
    let distinctFrequency: [Int]
    let frequencyIndex: [Int32]
    let distinctRecency: [Double]
    let recencyIndex: [Int32]
    let distinctAge: [Double]
    let ageIndex: [Int32]

    public var count: Int { frequency.count }

    /// Validates and collapses per-customer rows. `weights` defaults to one per row; rows with
    /// zero weight are dropped.
    ///
    /// Rows must satisfy x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0, all finite; weights ≥ 0.
    public init(frequency: [Int], recency: [Double], age: [Double], weights: [Double]? = nil) throws(BTYDError) {
        let n = frequency.count
        guard recency.count == n, age.count == n, weights.map({ $0.count == n }) ?? true else {
            throw .mismatchedLengths(
                "frequency \(n), recency \(recency.count), age \(age.count)"
                    + (weights.map { ", weights \($0.count)" } ?? ""))
        }
        for i in 0..<n {
            let x = frequency[i], t = recency[i], T = age[i]
            if x < 0 || x > Int(Int32.max) { throw .invalidRow(index: i, reason: "frequency \(x) is negative or too large") }
            if !t.isFinite || !T.isFinite {
                throw .invalidRow(index: i, reason: "recency \(t) and age \(T) must be finite")
            }
            if t < 0 { throw .invalidRow(index: i, reason: "recency \(t) is negative") }
            if t > T { throw .invalidRow(index: i, reason: "recency \(t) is larger than age \(T)") }
            if x == 0 && t != 0 {
                throw .invalidRow(
                    index: i, reason: "recency is \(t) but frequency is 0; one-time buyers have recency 0")
            }
            if let w = weights?[i], !(w >= 0 && w.isFinite) {
                throw .invalidRow(index: i, reason: "weight \(w) must be finite and non-negative")
            }
        }
        try self.init(validatedFrequency: frequency, recency: recency, age: age, weights: weights)
    }

    /// Collapse without validation (callers that built valid rows).
    init(validatedFrequency frequency: [Int], recency: [Double], age: [Double], weights: [Double]?) throws(BTYDError) {
        let n = frequency.count
        // Open addressing with linear probing over 32-byte slots that hold the key and the running
        // weight (one cache miss per row). The table starts small — patterns are usually far fewer
        // than rows — and doubles at half load.
        var capacity = 1 << 12
        var mask = capacity - 1
        var table = [Slot](repeating: Slot(), count: capacity)
        var keys: [PatternKey] = []
        frequency.withUnsafeBufferPointer { xs in
        recency.withUnsafeBufferPointer { ts in
        age.withUnsafeBufferPointer { ages in
            for i in 0..<n {
                let w = weights?[i] ?? 1
                if w == 0 { continue }
                // + 0.0 folds −0.0 into 0.0 so that equal values have equal bits.
                let key = PatternKey(x: Int32(xs[i]), t: (ts[i] + 0.0).bitPattern, age: (ages[i] + 0.0).bitPattern)
                var h = key.hash & mask
                while true {
                    if table[h].index < 0 {
                        table[h] = Slot(key: key, index: Int32(keys.count), weight: w)
                        keys.append(key)
                        if 2 * keys.count > capacity {
                            let old = table
                            capacity <<= 1
                            mask = capacity - 1
                            table = [Slot](repeating: Slot(), count: capacity)
                            for slot in old where slot.index >= 0 {
                                var g = slot.key.hash & mask
                                while table[g].index >= 0 { g = (g + 1) & mask }
                                table[g] = slot
                            }
                        }
                        break
                    }
                    if table[h].key == key {
                        table[h].weight += w
                        break
                    }
                    h = (h + 1) & mask
                }
            }
        }}}
        var pw = [Double](repeating: 0, count: keys.count)
        for slot in table where slot.index >= 0 { pw[Int(slot.index)] = slot.weight }
        let px = keys.map { Int($0.x) }, pt = keys.map { Double(bitPattern: $0.t) }, pT = keys.map { Double(bitPattern: $0.age) }
        guard !px.isEmpty else { throw .emptyData }
        self.frequency = px
        self.recency = pt
        self.age = pT
        self.weight = pw
        var total = 0.0, repeaters = 0.0
        for i in 0..<px.count {
            total += pw[i]
            if px[i] > 0 { repeaters += pw[i] }
        }
        customerCount = total
        repeatBuyerCount = repeaters
        (distinctFrequency, frequencyIndex) = Self.intern(px.map { UInt64(bitPattern: Int64($0)) }) { Int(Int64(bitPattern: $0)) }
        (distinctRecency, recencyIndex) = Self.intern(pt.map(\.bitPattern)) { Double(bitPattern: $0) }
        (distinctAge, ageIndex) = Self.intern(pT.map(\.bitPattern)) { Double(bitPattern: $0) }
    }

    struct Slot {
        var key = PatternKey(x: 0, t: 0, age: 0)
        var index: Int32 = -1
        var weight = 0.0
    }

    struct PatternKey: Equatable {
        var t: UInt64
        var age: UInt64
        var x: Int32

        init(x: Int32, t: UInt64, age: UInt64) {
            self.x = x
            self.t = t
            self.age = age
        }

        @inline(__always) var hash: Int {
            Int(truncatingIfNeeded: RFMPatterns.mix(UInt64(UInt32(bitPattern: x)), t, age))
        }
    }

    /// Distinct keys in order of first appearance, and each element's index among them.
    static func intern<Value>(_ keys: [UInt64], value: (UInt64) -> Value) -> ([Value], [Int32]) {
        var capacity = 16
        while capacity < 2 * keys.count { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var distinct: [UInt64] = []
        var index = [Int32](repeating: 0, count: keys.count)
        for (i, key) in keys.enumerated() {
            var h = Int(truncatingIfNeeded: mix(key, 0, 0)) & mask
            while true {
                let slot = slots[h]
                if slot < 0 {
                    slots[h] = Int32(distinct.count)
                    index[i] = Int32(distinct.count)
                    distinct.append(key)
                    break
                }
                if distinct[Int(slot)] == key {
                    index[i] = slot
                    break
                }
                h = (h + 1) & mask
            }
        }
        return (distinct.map(value), index)
    }

    /// A fast 64-bit mixer (the xxHash/murmur finalizer) over three words.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var h = a &* 0x9E37_79B9_7F4A_7C15
        h ^= b &+ 0xC2B2_AE3D_27D4_EB4F &+ (h << 6) &+ (h >> 2)
        h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        h ^= c &+ 0x1656_67B1_9E37_79F9 &+ (h << 6) &+ (h >> 2)
        h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
