/// Which notion of "active customer" a churn or lifetime figure uses.
public enum ChurnDefinition: String, Sendable, Hashable, Codable {
    /// Active while holding a subscription; lost when the last one ends (or is cancelled).
    case contractual
    /// Active while the last qualifying activity is within the inactivity window.
    case nonContractual
}
