import Foundation

/// One row of a calibration table.
public struct CalibrationBin: Sendable, Codable, Equatable {
    /// Customers in the bin.
    public var count: Int
    /// Mean predicted churn probability in the bin.
    public var meanPredicted: Double
    /// Fraction of the bin's customers who churned.
    public var observedRate: Double
    /// Smallest and largest predicted probability in the bin.
    public var minPredicted: Double
    public var maxPredicted: Double
}

/// The usual metrics of a churn model on one set of customers.
public struct ClassificationReport: Sendable, Codable, Equatable {
    public var count: Int
    public var positives: Int
    public var rocAUC: Double
    public var averagePrecision: Double
    /// Churn rate in the top 10 % by risk ÷ overall churn rate.
    public var liftTopDecile: Double
    public var brierScore: Double
    /// Mean log loss in nats.
    public var logLoss: Double
    /// Deciles of predicted probability.
    public var calibration: [CalibrationBin]
}
