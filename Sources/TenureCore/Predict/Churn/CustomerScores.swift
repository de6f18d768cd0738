/// Every scored customer's churn risk, P(alive), 52-week CLV and expected loss, in columns indexed
/// like the snapshot (NaN where a customer was not scored, or has no purchase for P(alive)):
/// what segments test (`churn_risk >= 0.6`), kept beside the ranking, which lists only the top.
/// 32 bytes a customer.
public struct CustomerScores: Sendable, Equatable {
    /// The day the scores describe.
    public var asOf: Int32
    public var churnRisk: [Double]
    public var probabilityAlive: [Double]
    public var clv: [Double]
    public var expectedLoss: [Double]

    /// No customer scored yet, among `customerCount`.
    public init(asOf: Int32, customerCount: Int) {
        self.asOf = asOf
        let none = [Double](repeating: .nan, count: customerCount)
        churnRisk = none
        probabilityAlive = none
        clv = none
        expectedLoss = none
    }

    public var customerCount: Int { churnRisk.count }

    /// Equal when every column holds the same values to the bit, so that two unscored customers
    /// (NaN) compare equal, as two copies of the same scores must.
    public static func == (a: CustomerScores, b: CustomerScores) -> Bool {
        func same(_ x: [Double], _ y: [Double]) -> Bool { x.map(\.bitPattern) == y.map(\.bitPattern) }
        return a.asOf == b.asOf && same(a.churnRisk, b.churnRisk) && same(a.probabilityAlive, b.probabilityAlive)
            && same(a.clv, b.clv) && same(a.expectedLoss, b.expectedLoss)
    }

    /// Customers with a churn risk.
    public var scoredCount: Int { churnRisk.reduce(0) { $1.isNaN ? $0 : $0 + 1 } }
}
