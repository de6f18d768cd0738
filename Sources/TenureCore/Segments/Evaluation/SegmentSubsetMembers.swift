/// Segments' members among some customers, as ``SegmentLiveMembership/evaluate(customers:threads:)``
/// finds them: bit `i` of each is customer `customers[i]`.
public struct SegmentSubsetMembers: Sendable {
    /// Snapshot indices, ascending.
    public var customers: [Int]
    /// Local members by segment name.
    public var members: [String: SegmentMembers]
}
