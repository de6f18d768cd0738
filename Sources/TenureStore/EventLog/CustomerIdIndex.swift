/// User ids (or aliases) → store customer ids, kept by the writer so that resolving a customer
/// never asks the disk. Keyed like the dedupe keys by the 128-bit MurmurHash3 of the id (in its
/// own domain), so no `String` is stored or hashed again: the bulk importer hashes ids on its
/// parser threads and the writer touches one slot. Open addressing with linear probing and
/// backward-shift deletion; 24 bytes a slot, at most 70 % full.
struct CustomerIdIndex: Sendable {
    private struct Slot {
        var key: MessageKey
        var id: Int64
    }

    private var slots: [Slot]
    private(set) var count = 0
    private var mask: Int

    init(minimumCapacity: Int = 1024) {
        var size = 1024
        while size * 7 / 10 < minimumCapacity { size <<= 1 }
        slots = [Slot](repeating: Slot(key: MessageKey(high: 0, low: 0), id: 0), count: size)
        mask = size - 1
    }

    /// The key an id is known by.
    static func key(_ id: String) -> MessageKey { MessageKey(id, domain: .identity) }

    static func key(utf8 bytes: UnsafeRawBufferPointer) -> MessageKey { MessageKey(utf8: bytes, domain: .identity) }

    subscript(_ id: String) -> Int64? {
        get { self[key: Self.key(id)] }
        set { self[key: Self.key(id)] = newValue }
    }

    subscript(key key: MessageKey) -> Int64? {
        get {
            slots.withUnsafeBufferPointer { slots in
                var slot = Int(truncatingIfNeeded: key.low) & mask
                while true {
                    if slots[slot].key == key { return slots[slot].id }
                    if slots[slot].key.isZero { return nil }
                    slot = (slot + 1) & mask
                }
            }
        }
        set {
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    /// Loads the key's first slot (to bring it into the cache before a lookup); returns part of it.
    func touch(_ key: MessageKey) -> Int64 {
        slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: key.low) & mask].id }
    }

    private mutating func insert(_ key: MessageKey, _ id: Int64) {
        if (count + 1) * 10 > slots.count * 7 { rehash() }
        let mask = self.mask
        let added = slots.withUnsafeMutableBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: key.low) & mask
            while true {
                if slots[slot].key == key {
                    slots[slot].id = id
                    return false
                }
                if slots[slot].key.isZero {
                    slots[slot] = Slot(key: key, id: id)
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
        if added { count += 1 }
    }

    private mutating func remove(_ key: MessageKey) {
        let mask = self.mask
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
            slots[hole] = Slot(key: MessageKey(high: 0, low: 0), id: 0)
            return true
        }
        if removed { count -= 1 }
    }

    private mutating func rehash() {
        var bigger = CustomerIdIndex(minimumCapacity: slots.count)
        for slot in slots where !slot.key.isZero { bigger.insert(slot.key, slot.id) }
        self = bigger
    }
}
