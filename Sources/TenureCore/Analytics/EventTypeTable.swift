/// The interned event-type names of a snapshot: each distinct name (`Order Completed`, `page`,
/// `identify`…) gets a small integer id, stored per event as a `UInt16`. Ids are stable once
/// given: appending data never renumbers existing names.
public struct EventTypeTable: Sendable, Hashable, Codable {
    public private(set) var names: [String]
    private var ids: [String: UInt16]

    /// Ids given to well-known names by ``standard``, so tests and callers can refer to them
    /// without a lookup.
    public static let orderCompleted: UInt16 = 0
    public static let subscriptionStarted: UInt16 = 1
    public static let subscriptionRenewed: UInt16 = 2
    public static let subscriptionCancelled: UInt16 = 3
    public static let applicationOpened: UInt16 = 4
    public static let page: UInt16 = 5
    public static let screen: UInt16 = 6
    public static let identify: UInt16 = 7

    /// A table pre-filled with the standard names at the fixed ids above (`page`, `screen` and
    /// `identify` stand for messages of those kinds).
    public static var standard: EventTypeTable {
        var t = EventTypeTable()
        for name in [
            StandardEvent.orderCompleted, StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed,
            StandardEvent.subscriptionCancelled, StandardEvent.applicationOpened, "page", "screen", "identify",
        ] {
            _ = t.intern(name)
        }
        return t
    }

    /// An empty table.
    public init() {
        names = []
        ids = [:]
    }

    /// A table with `names` at ids 0, 1, 2…; duplicate names keep their first id.
    public init(names: [String]) {
        self.init()
        for n in names { _ = intern(n) }
    }

    /// The id of `name`, adding it when new. Traps past 65,536 distinct names.
    public mutating func intern(_ name: String) -> UInt16 {
        if let id = ids[name] { return id }
        precondition(names.count < Int(UInt16.max) + 1, "more than 65,536 distinct event names")
        let id = UInt16(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    /// The id of `name`, or `nil` if no event of that name was seen.
    public func id(of name: String) -> UInt16? { ids[name] }

    /// The name for `id`, or `nil` for an unknown id.
    public func name(of id: UInt16) -> String? { Int(id) < names.count ? names[Int(id)] : nil }

    public var count: Int { names.count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(names: try container.decode([String].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}
