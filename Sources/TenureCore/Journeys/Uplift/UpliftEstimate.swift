import Foundation

/// Treatment against control (holdout) for one outcome of a journey: each group's rate or mean,
/// the absolute uplift (treatment − control), its confidence interval, a two-sided p-value and
/// whether the uplift is significant.
///
/// Build one with ``proportions(treatment:control:confidenceLevel:method:)`` for a binary outcome
/// (conversion rate, retained at 30/60/90 days; values are shares 0…1, so an uplift of 0.03 is 3
/// percentage points) or with ``means(treatment:control:confidenceLevel:)`` for a continuous one
/// (revenue per customer; values are in the outcome's unit, e.g. the shop's currency).
///
/// An estimate is never NaN: when the data cannot support it (an empty group, invalid counts,
/// fewer than two customers for a variance, no variance at all) ``unavailable`` says why, the
/// numbers that cannot be computed are `nil`, and ``isSignificant`` is `false`.
public struct UpliftEstimate: Sendable, Codable, Equatable {
    /// How the interval and the p-value were computed.
    public enum Method: String, Sendable, Codable, Equatable, CaseIterable {
        /// Proportions: Newcombe's hybrid score interval (1998, method 10) from the two Wilson
        /// score intervals; p-value from the pooled two-proportion z-test.
        case newcombe
        /// Proportions: the Wald interval, difference ± z·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂) clipped to
        /// [−1, 1]; p-value from the pooled two-proportion z-test.
        case wald
        /// Means: Welch's t interval and test, with Welch–Satterthwaite degrees of freedom.
        case welch
    }

    /// The interval methods for a difference of proportions.
    public enum ProportionMethod: String, Sendable, Codable, Equatable, CaseIterable {
        /// Newcombe's hybrid score interval (method 10): keeps close to its nominal coverage for
        /// small groups and rates near 0 or 1, and never leaves [−1, 1]. The default.
        case newcombe
        /// The Wald interval: the textbook normal approximation, too narrow for small groups and
        /// rates near 0 or 1 (it has zero width when both groups have no successes).
        case wald

        var method: Method { self == .newcombe ? .newcombe : .wald }
    }

    /// Why an estimate could not be computed; each description says what to change.
    public enum Unavailability: String, Sendable, Codable, Equatable, CaseIterable, CustomStringConvertible {
        case emptyTreatment
        case emptyControl
        /// Negative counts, or more successes than customers.
        case invalidCounts
        /// A mean outcome's group has fewer than two customers, so its variance is unknown.
        case tooFewCustomers
        /// Both groups of a mean outcome have zero variance, so the standard error is 0.
        case noVariance
        /// A mean or variance is NaN, infinite or negative.
        case invalidValues
        /// The confidence level is not strictly between 0 and 1.
        case invalidConfidenceLevel

        public var description: String {
            switch self {
            case .emptyTreatment: "the treatment group has no customers yet; wait for customers to enter the journey"
            case .emptyControl: "the control group has no customers; give the journey a holdout share above 0 and wait for entries"
            case .invalidCounts: "a group has negative counts or more successes than customers; count each customer once"
            case .tooFewCustomers: "a group has fewer than 2 customers, too few to estimate the spread of a mean; wait for more entries"
            case .noVariance: "every customer in both groups has the same value, so there is no spread to build an interval from"
            case .invalidValues: "a group's mean or variance is not a finite, non-negative number; check the outcome values for NaN or infinity"
            case .invalidConfidenceLevel: "the confidence level must be strictly between 0 and 1 (e.g. 0.95)"
            }
        }
    }

    /// One group's size and outcome.
    public struct Group: Sendable, Codable, Equatable {
        /// Customers in the group.
        public var customers: Int
        /// The group's rate (0…1) or mean (outcome unit); `nil` when the group is empty or invalid.
        public var value: Double?

        public init(customers: Int, value: Double?) {
            self.customers = customers
            self.value = value
        }
    }

    /// A confidence interval for the uplift, in the uplift's unit.
    public struct Interval: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double

        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }

        /// Whether `value` lies inside the interval (bounds included).
        public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
    }

    public var method: Method
    /// The interval's nominal coverage, e.g. 0.95.
    public var confidenceLevel: Double
    public var treatment: Group
    public var control: Group
    /// Treatment − control: a difference of shares (0.03 = 3 percentage points) or of means
    /// (outcome unit). `nil` when either group has no value.
    public var uplift: Double?
    /// Uplift relative to control, (treatment − control) / control (0.25 = +25 %): a point
    /// estimate only, `nil` when the control value is 0 or missing.
    public var relativeUplift: Double?
    /// The confidence interval for ``uplift`` at ``confidenceLevel``.
    public var interval: Interval?
    /// The test statistic: z (pooled) for proportions, Welch's t for means.
    public var testStatistic: Double?
    /// The standard error behind ``testStatistic``: pooled for proportions, unpooled for means.
    public var standardError: Double?
    /// Welch–Satterthwaite degrees of freedom (means only).
    public var degreesOfFreedom: Double?
    /// The two-sided p-value of "no difference".
    public var pValue: Double?
    /// Why the interval or p-value could not be computed; `nil` when the estimate is available.
    public var unavailable: Unavailability?

    public init(
        method: Method, confidenceLevel: Double, treatment: Group, control: Group, uplift: Double? = nil,
        relativeUplift: Double? = nil, interval: Interval? = nil, testStatistic: Double? = nil,
        standardError: Double? = nil, degreesOfFreedom: Double? = nil, pValue: Double? = nil,
        unavailable: Unavailability? = nil
    ) {
        self.method = method
        self.confidenceLevel = confidenceLevel
        self.treatment = treatment
        self.control = control
        self.uplift = uplift
        self.relativeUplift = relativeUplift
        self.interval = interval
        self.testStatistic = testStatistic
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = pValue
        self.unavailable = unavailable
    }

    /// Whether the estimate has its interval and p-value.
    public var isAvailable: Bool { unavailable == nil && interval != nil }

    /// Whether the interval excludes 0 at ``confidenceLevel`` (for Welch and Wald, the same as
    /// p < 1 − level; for Newcombe the interval and the z-test can rarely disagree near the
    /// boundary, and the interval decides). `false` when not available.
    public var isSignificant: Bool {
        guard isAvailable, let interval else { return false }
        return interval.lower > 0 || interval.upper < 0
    }

    /// The treatment and control values, their difference and the relative difference.
    static func differences(treatment: Double?, control: Double?) -> (uplift: Double?, relative: Double?) {
        guard let treatment, let control else { return (nil, nil) }
        let uplift = treatment - control
        return (uplift, control != 0 ? uplift / control : nil)
    }

    /// Whether `level` is strictly between 0 and 1.
    static func isValidLevel(_ level: Double) -> Bool { level > 0 && level < 1 }
}
