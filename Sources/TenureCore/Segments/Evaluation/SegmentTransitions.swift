/// Who joined and who left a segment between two evaluations, in the store's own customer ids.
///
/// The previous members are read through the merges made since (an id merged into another counts
/// as that other customer), so a customer merged by `identify` or `alias` keeps one membership:
/// no exit for the old id, no second entry for the surviving one.
public struct SegmentTransitions: Sendable, Equatable {
    /// Customers who are members now and were not.
    public var entered: [Int64]
    /// Customers who were members and are not now.
    public var exited: [Int64]

    public init(entered: [Int64], exited: [Int64]) {
        self.entered = entered
        self.exited = exited
    }

    /// The changes from `previous` to `current` (both ascending store ids); `mergedInto` maps an
    /// id merged away to the id it now belongs to.
    public init(previous: [Int64], current: [Int64], mergedInto: [Int64: Int64] = [:]) {
        let before = Set(previous.map { mergedInto[$0] ?? $0 })
        let now = Set(current)
        entered = current.filter { !before.contains($0) }
        exited = before.subtracting(now).sorted()
    }

    public var isEmpty: Bool { entered.isEmpty && exited.isEmpty }
}
