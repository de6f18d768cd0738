/// An open-addressing hash table keyed by 128-bit `MessageKey`s (already hashes, so a key's low
/// bits pick its home slot): linear probing, backward-shift deletion, at most 70 % full. The
/// writer's dedupe set (`Value == Void`, 16 bytes a slot) and its customer index (`Int64`, 24
/// bytes) are both one; a probe touches one cache line, and the all-zero key marks an empty slot.
struct KeyedSlots<Value: Sendable>: Sendable {
    private struct Slot {
        var key: MessageKey
        var value: Value
    }

    private var slots: [Slot]
    private(set) var count = 0
    private var mask: Int
    private let empty: Value

    /// `empty` fills unused slots' values (never returned).
    init(minimumCapacity: Int = 1024, empty: Value) {
        var size = 1024
        while size * 7 / 10 < minimumCapacity { size <<= 1 }
        slots = [Slot](repeating: Slot(key: MessageKey(high: 0, low: 0), value: empty), count: size)
        mask = size - 1
        self.empty = empty
    }

    func value(_ key: MessageKey) -> Value? {
        slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: key.low) & mask
            while true {
                if slots[slot].key == key { return slots[slot].value }
                if slots[slot].key.isZero { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Loads the key's home slot (to bring it into the cache before a probe); returns part of it.
    func touch(_ key: MessageKey) -> Int64 {
        slots.withUnsafeBufferPointer { Int64(truncatingIfNeeded: $0[Int(truncatingIfNeeded: key.low) & mask].key.high) }
    }

    /// Makes room for `additional` more keys without growing on the way.
    mutating func reserve(_ additional: Int) {
        if (count + additional) * 10 > slots.count * 7 { rehash(minimumCapacity: count + additional) }
    }

    /// Sets the key's value; returns false when the key was already there (its value replaced).
    @discardableResult
    mutating func set(_ key: MessageKey, _ value: Value) -> Bool {
        if (count + 1) * 10 > slots.count * 7 { rehash(minimumCapacity: slots.count) }
        let mask = self.mask
        let added = slots.withUnsafeMutableBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: key.low) & mask
            while true {
                if slots[slot].key == key {
                    slots[slot].value = value
                    return false
                }
                if slots[slot].key.isZero {
                    slots[slot] = Slot(key: key, value: value)
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
        if added { count += 1 }
        return added
    }

    mutating func remove(_ key: MessageKey) {
        let (mask, empty) = (self.mask, self.empty)
        let removed = slots.withUnsafeMutableBufferPointer { slots in
            var hole = Int(truncatingIfNeeded: key.low) & mask
            while slots[hole].key != key {
                if slots[hole].key.isZero { return false }
                hole = (hole + 1) & mask
            }
            // Shift later members of the probe run back so none is left behind the hole.
            var next = (hole + 1) & mask
            while !slots[next].key.isZero {
                let home = Int(truncatingIfNeeded: slots[next].key.low) & mask
                // `next` may move to `hole` unless its home lies cyclically in (hole, next].
                let homeAfterHole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
                if !homeAfterHole {
                    slots[hole] = slots[next]
                    hole = next
                }
                next = (next + 1) & mask
            }
            slots[hole] = Slot(key: MessageKey(high: 0, low: 0), value: empty)
            return true
        }
        if removed { count -= 1 }
    }

    private mutating func rehash(minimumCapacity: Int) {
        var bigger = KeyedSlots(minimumCapacity: minimumCapacity, empty: empty)
        for slot in slots where !slot.key.isZero { bigger.set(slot.key, slot.value) }
        self = bigger
    }
}
