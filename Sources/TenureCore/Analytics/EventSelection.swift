/// Which events a metric looks at: all of them, or those of the listed type ids (see
/// ``EventTypeTable``).
public enum EventSelection: Sendable, Hashable, Codable {
    case any
    case types([UInt16])

    /// Purchases: `Order Completed`.
    public static let purchases = EventSelection.types([EventTypeTable.orderCompleted])

    /// The selection of the named event types; names the table does not know are ignored
    /// (no event can match them).
    public static func named(_ names: [String], in table: EventTypeTable) -> EventSelection {
        .types(names.compactMap { table.id(of: $0) })
    }

    /// A 65,536-entry membership table, one byte read per event in hot loops.
    func mask() -> EventTypeMask { EventTypeMask(self) }
}

/// Membership of every possible `UInt16` type id in an ``EventSelection``.
struct EventTypeMask: Sendable {
    let all: Bool
    let member: [Bool]

    init(_ selection: EventSelection) {
        switch selection {
        case .any:
            all = true
            member = []
        case .types(let ids):
            all = false
            var m = [Bool](repeating: false, count: 65_536)
            for id in ids { m[Int(id)] = true }
            member = m
        }
    }

    @inline(__always)
    func contains(_ type: UInt16) -> Bool { all || member[Int(type)] }
}
