/// The computed metrics a segment can test, named after what the analytics and the models
/// compute. A customer lacking a metric (no purchase yet, so no recency, scores or P(alive); no
/// churn model) fails every condition on it, `!=` included.
///
/// All of them are measured on the evaluation day (the segment's "as of" day, days since
/// 1970-01-01 UTC).
public enum SegmentMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Days from the last purchase to the evaluation day (``RFMReport/recencyDays``).
    case recency
    /// Number of purchases (``RFMReport/frequency``).
    case frequency
    /// Total purchase value, in the currency of the event values (``RFMReport/monetary``).
    case monetary
    /// The named RFM segment (``RFMSegment/displayName``: `"Champions"`, `"At risk"`, …).
    case rfm
    /// Recency quintile score, 1 (longest ago) to 5 (``RFMReport/recencyScores``).
    case rScore = "r_score"
    /// Frequency quintile score, 1 to 5 (``RFMReport/frequencyScores``).
    case fScore = "f_score"
    /// Monetary quintile score, 1 to 5 (``RFMReport/monetaryScores``).
    case mScore = "m_score"
    /// Lifecycle state in the current period, with ``LifecycleQuery``'s (PostHog's) definitions:
    /// `"new"`, `"returning"`, `"resurrecting"` or `"dormant"`. A customer inactive for two
    /// periods or more has none.
    case lifecycle
    /// Days from the customer's first-seen day (``ActivitySnapshot/firstSeenDays``) to the evaluation day.
    case daysSinceSignup = "days_since_signup"
    /// Probability (0…1) of churning within the churn model's horizon (``AtRiskCustomer/churnRisk``).
    case churnRisk = "churn_risk"
    /// BG/NBD probability (0…1) that the customer is still active (``AtRiskCustomer/probabilityAlive``).
    case pAlive = "p_alive"
    /// Undiscounted expected revenue over the next 52 weeks, in the currency of the event values
    /// (``AtRiskCustomer/predictedCLV`` at ``AtRiskRanking/clvHorizonWeeks`` = 52).
    case clv52w = "clv_52w"
    /// churn_risk × clv_52w, in the currency of the event values (``AtRiskCustomer/expectedLoss``).
    case expectedLoss = "expected_loss"

    /// The name in the text and JSON forms (`churn_risk`).
    public var name: String { rawValue }

    /// What the metric yields.
    public var valueType: SegmentValueType {
        switch self {
        case .rfm, .lifecycle: .string
        default: .number
        }
    }

    /// The only values a categorical metric takes (compared exactly); `nil` for the others.
    public var allowedValues: [String]? {
        switch self {
        case .rfm: Self.rfmSegmentNames
        case .lifecycle: Self.lifecycleStates
        default: nil
        }
    }

    /// The closed range of a bounded numeric metric; literals outside it are refused.
    public var valueRange: ClosedRange<Double>? {
        switch self {
        case .churnRisk, .pAlive: 0...1
        case .rScore, .fScore, .mScore: 1...5
        default: nil
        }
    }

    /// Whether the metric only takes whole values (literals with a fraction are refused).
    public var isWholeNumber: Bool {
        switch self {
        case .rScore, .fScore, .mScore: true
        default: false
        }
    }

    /// The RFM segment names, in ``RFMSegment/allCases`` order.
    public static let rfmSegmentNames: [String] = RFMSegment.allCases.map(\.displayName)

    /// The lifecycle states of ``LifecycleQuery`` (the fields of ``LifecycleReport/Row``).
    public static let lifecycleStates = ["new", "returning", "resurrecting", "dormant"]

    /// Every metric name, for messages and completion.
    public static let names: [String] = allCases.map(\.rawValue)

    /// "RFM segment" / "lifecycle state": what a categorical metric's values are called.
    var valueNoun: String {
        switch self {
        case .rfm: "RFM segment"
        case .lifecycle: "lifecycle state"
        default: "value"
        }
    }
}
