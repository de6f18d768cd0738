import Foundation

/// One group's continuous outcome, such as revenue per customer over the measurement window:
/// the number of customers, the mean and the sample variance, all that Welch's t interval needs.
///
/// Every customer of the group counts, including those with a zero outcome (a customer who
/// bought nothing has revenue 0, not a missing value): the mean is per customer in the group, not
/// per buyer.
public struct MeanOutcomeSummary: Sendable, Codable, Equatable, Hashable {
    /// Customers in the group (≥ 0).
    public var customers: Int
    /// The mean outcome per customer, in the outcome's unit (e.g. the shop's currency); 0 for an
    /// empty group.
    public var mean: Double
    /// The sample variance with the n − 1 (Bessel) denominator, in the outcome's unit squared; 0
    /// for fewer than two customers.
    public var variance: Double

    public init(customers: Int, mean: Double, variance: Double) {
        self.customers = customers
        self.mean = mean
        self.variance = variance
    }

    /// Summarizes one value per customer in a single pass (Welford's update, stable for large
    /// means). A NaN or infinite value makes the mean or variance non-finite, which an
    /// ``UpliftEstimate`` reports as not available rather than as a number.
    public init(values: some Sequence<Double>) {
        var n = 0, mean = 0.0, m2 = 0.0
        for value in values {
            n += 1
            let delta = value - mean
            mean += delta / Double(n)
            m2 += delta * (value - mean)
        }
        self.init(customers: n, mean: mean, variance: n > 1 ? m2 / Double(n - 1) : 0)
    }

    /// The sample standard deviation, in the outcome's unit.
    public var standardDeviation: Double { variance.squareRoot() }
}
