/// The result of a ``CustomerLifetimeQuery``: survival curves of customer lifetimes, in days.
public struct CustomerLifetimeReport: Sendable, Hashable, Codable {
    public struct Group: Sendable, Hashable, Codable {
        /// Cohort label (`2024-03`) or plan name.
        public var label: String
        public var curve: SurvivalCurve
    }

    public var definition: ChurnDefinition
    public var inactivityWindow: InactivityWindow?
    public var asOf: Int32
    public var overall: SurvivalCurve
    /// Per cohort or per plan, sorted by label; empty without grouping.
    public var groups: [Group]
}
