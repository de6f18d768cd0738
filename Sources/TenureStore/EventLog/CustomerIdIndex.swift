/// User ids (or aliases) → store customer ids, kept by the writer so that resolving a customer
/// never asks the disk. Keyed like the dedupe keys by the 128-bit MurmurHash3 of the id (in its
/// own domain), so no `String` is stored or hashed again: the bulk importer hashes ids on its
/// parser threads and the writer touches one slot.
struct CustomerIdIndex: Sendable {
    private var table = KeyedSlots<Int64>(empty: 0)

    var count: Int { table.count }

    /// The key an id is known by.
    static func key(_ id: String) -> MessageKey { MessageKey(id, domain: .identity) }

    static func key(utf8 bytes: UnsafeRawBufferPointer) -> MessageKey { MessageKey(utf8: bytes, domain: .identity) }

    subscript(_ id: String) -> Int64? {
        get { self[key: Self.key(id)] }
        set { self[key: Self.key(id)] = newValue }
    }

    subscript(key key: MessageKey) -> Int64? {
        get { table.value(key) }
        set {
            if let newValue { table.set(key, newValue) } else { table.remove(key) }
        }
    }

    /// Loads the key's slot (to bring it into the cache before a lookup); returns part of it.
    func touch(_ key: MessageKey) -> Int64 { table.touch(key) }
}
