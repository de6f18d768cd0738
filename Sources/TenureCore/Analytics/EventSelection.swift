import Foundation

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

    /// The selection a user typed: `any` (every event), `purchase` or `purchases`
    /// (`Order Completed`), or comma-separated event names, e.g. `Session Started` or
    /// `Order Completed,Subscription Renewed`. `nil` when a name is not in `table` (no such event
    /// has been received), so the caller can say so instead of reporting zeros.
    public static func parse(_ text: String, in table: EventTypeTable) -> EventSelection? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "any", "all": return .any
        case "purchase", "purchases": return .purchases
        default: break
        }
        var ids: [UInt16] = []
        for name in trimmed.split(separator: ",") {
            guard let id = table.id(of: name.trimmingCharacters(in: .whitespaces)) else { return nil }
            ids.append(id)
        }
        return ids.isEmpty ? nil : .types(ids)
    }

    /// A 65,536-entry membership table, one byte read per event in hot loops.
    func mask() -> EventTypeMask { EventTypeMask(self) }
}

/// Membership of every possible `UInt16` type id in an ``EventSelection``: a 64 KB table of 0/1
/// bytes, so hot loops can test membership without a branch (`count += mask[t]`).
///
/// `@unchecked Sendable` is safe: the table is written only in `init` and read-only afterwards,
/// and freed only when the last reference goes away.
final class EventTypeMask: @unchecked Sendable {
    let flags: UnsafeMutablePointer<UInt8>

    init(_ selection: EventSelection) {
        flags = .allocate(capacity: 65_536)
        switch selection {
        case .any:
            flags.initialize(repeating: 1, count: 65_536)
        case .types(let ids):
            flags.initialize(repeating: 0, count: 65_536)
            for id in ids { flags[Int(id)] = 1 }
        }
    }

    deinit { flags.deallocate() }

    /// 1 when `type` is selected, else 0.
    @inline(__always)
    subscript(type: UInt16) -> UInt8 { flags[Int(type)] }

    @inline(__always)
    func contains(_ type: UInt16) -> Bool { flags[Int(type)] != 0 }
}
