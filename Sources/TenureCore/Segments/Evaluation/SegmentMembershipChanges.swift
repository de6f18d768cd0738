/// Who entered and who left one segment in an incremental refresh, as snapshot indices
/// (ascending); ``SegmentTransitions`` says the same in store ids once recorded.
public struct SegmentMembershipChanges: Sendable, Equatable {
    public var entered: [Int] = []
    public var exited: [Int] = []

    public init(entered: [Int] = [], exited: [Int] = []) {
        self.entered = entered
        self.exited = exited
    }

    public var isEmpty: Bool { entered.isEmpty && exited.isEmpty }
    /// Entries plus exits.
    public var count: Int { entered.count + exited.count }
}
