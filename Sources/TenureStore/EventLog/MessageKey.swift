/// A 128-bit key for deduplication: MurmurHash3 (x64, 128-bit) of a message id or an order id,
/// each in its own domain so a message id can never collide with an order id by construction.
/// At 128 bits two different ids meet by chance with probability ~n²/2¹²⁹ (about 10⁻²⁴ for ten
/// million ids), so equal keys are treated as the same message.
struct MessageKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    enum Domain: UInt8 {
        case message = 1
        case order = 2
        /// User ids and aliases (`CustomerIdIndex`).
        case identity = 3
        /// The records of an imported file, for their message ids (`FileImporter.messageId`).
        case importedRecord = 4
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(_ id: String, domain: Domain = .message) {
        var text = id
        self = text.withUTF8 { Self.murmur3(UnsafeRawBufferPointer($0), seed: UInt64(domain.rawValue)) }
    }

    init(utf8 bytes: UnsafeRawBufferPointer, domain: Domain = .message) {
        self = Self.murmur3(bytes, seed: UInt64(domain.rawValue))
    }

    /// The all-zero key marks an empty slot in `MessageKeySet`; a real key is never zero.
    var isZero: Bool { high == 0 && low == 0 }
    /// The all-zero key, for "no key" in a column of keys.
    static let zero = MessageKey(high: 0, low: 0)

    static func murmur3(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> MessageKey {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        var h1 = seed
        var h2 = seed
        let count = bytes.count
        let blocks = count / 16
        for i in 0..<blocks {
            var k1 = bytes.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self).littleEndian
            var k2 = bytes.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self).littleEndian
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blocks * 16
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        let rest = count & 15
        if rest > 8 {
            for i in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(bytes[tail + i]) << (UInt64(i - 8) * 8) }
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(bytes[tail + i]) << (UInt64(i) * 8) }
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        }
        h1 ^= UInt64(count)
        h2 ^= UInt64(count)
        h1 &+= h2
        h2 &+= h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 &+= h2
        h2 &+= h1
        if h1 == 0 && h2 == 0 { h2 = 1 }
        return MessageKey(high: h1, low: h2)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}

/// Every stored message and order key, loaded from the event log when the store first writes,
/// so a duplicate is found without touching the disk.
struct MessageKeySet: Sendable {
    private var table: KeyedSlots<Void>

    init(minimumCapacity: Int = 1024) {
        table = KeyedSlots(minimumCapacity: minimumCapacity, empty: ())
    }

    var count: Int { table.count }

    func contains(_ key: MessageKey) -> Bool { table.value(key) != nil }

    /// Loads the key's slot (to bring it into the cache before a probe); returns part of it.
    func touch(_ key: MessageKey) -> Int64 { table.touch(key) }

    /// Makes room for `additional` more keys without growing on the way.
    mutating func reserve(_ additional: Int) { table.reserve(additional) }

    /// Adds the key; returns false when it was already there.
    @discardableResult
    mutating func insert(_ key: MessageKey) -> Bool { table.set(key, ()) }
}
