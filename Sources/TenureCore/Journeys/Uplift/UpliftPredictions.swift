import Foundation

/// An uplift model's predictions, one entry per row (customer) of the matrix it scored, in
/// contiguous arrays.
public struct UpliftPredictions: Sendable, Equatable {
    /// P(outcome | treated), 0…1.
    public let ifTreated: [Double]
    /// P(outcome | control), 0…1.
    public let ifControl: [Double]
    /// `ifTreated − ifControl`, −1…1: the predicted change in the outcome's probability that
    /// treating the customer causes.
    public let uplift: [Double]

    /// `ifTreated` and `ifControl` must have the same length (extra entries of the longer are dropped).
    public init(ifTreated: [Double], ifControl: [Double]) {
        let n = min(ifTreated.count, ifControl.count)
        self.ifTreated = Array(ifTreated.prefix(n))
        self.ifControl = Array(ifControl.prefix(n))
        self.uplift = (0..<n).map { ifTreated[$0] - ifControl[$0] }
    }

    public var count: Int { uplift.count }

    /// Row indices by predicted uplift, largest first (ties by row, NaN last), at most `limit` of
    /// them: the "top N by uplift" a journey targets.
    public func topRows(_ limit: Int) -> [Int] {
        Array(order(tiesBy: <).prefix(max(0, limit)))
    }

    /// The top `limit` customers by predicted uplift, largest first; `customers[i]` is the
    /// customer (e.g. the snapshot customer index) of row `i`, and ties go to the smaller customer.
    public func top(_ limit: Int, customers: [Int]) throws(UpliftModelError) -> [RankedUpliftCustomer] {
        guard customers.count == count else { throw .countMismatch(rows: count, of: "customer ids", count: customers.count) }
        return order(tiesBy: { customers[$0] < customers[$1] }).prefix(max(0, limit)).map { i in
            RankedUpliftCustomer(customer: customers[i], uplift: uplift[i], ifTreated: ifTreated[i], ifControl: ifControl[i])
        }
    }

    /// All rows by uplift, largest first, NaN last, ties by `isBefore` (a strict order).
    private func order(tiesBy isBefore: (Int, Int) -> Bool) -> [Int] {
        let uplift = self.uplift
        return uplift.indices.sorted { a, b in
            switch (uplift[a].isNaN, uplift[b].isNaN) {
            case (false, false): uplift[a] != uplift[b] ? uplift[a] > uplift[b] : isBefore(a, b)
            case (false, true): true
            case (true, false): false
            case (true, true): isBefore(a, b)
            }
        }
    }
}

/// One customer of an uplift ranking.
public struct RankedUpliftCustomer: Sendable, Codable, Equatable {
    /// The customer (as the caller numbered them, e.g. a snapshot customer index).
    public var customer: Int
    /// Predicted uplift, P(outcome | treated) − P(outcome | control), −1…1.
    public var uplift: Double
    /// P(outcome | treated), 0…1.
    public var ifTreated: Double
    /// P(outcome | control), 0…1.
    public var ifControl: Double

    public init(customer: Int, uplift: Double, ifTreated: Double, ifControl: Double) {
        self.customer = customer
        self.uplift = uplift
        self.ifTreated = ifTreated
        self.ifControl = ifControl
    }
}
