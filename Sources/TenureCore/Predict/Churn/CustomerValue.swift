import Foundation

/// BG/NBD + Gamma-Gamma fitted on the purchases up to a cutoff (weeks as the time unit), giving
/// P(alive), undiscounted CLV and the mean gap between purchases per snapshot customer.
struct CustomerValue: Sendable {
    /// BG/NBD and Gamma-Gamma as fitted (possibly on an earlier day's purchases).
    let models: LifetimeModels
    let bgnbd: BGNBDModel
    let gammaGamma: GammaGammaModel?
    let summary: CustomerRFMSummary
    let horizonWeeks: Double
    /// Snapshot customer → row of `summary`, -1 without a purchase.
    let rowOfCustomer: [Int]

    /// Fits both models on every snapshot customer's purchases up to `cutoffDay`.
    init(snapshot: ActivitySnapshot, cutoffDay: Int32, purchases: EventSelection, horizonWeeks: Double) throws(ChurnPredictionError) {
        let summary = try Self.summary(snapshot, ranges: [0..<snapshot.customerCount], cutoffDay: cutoffDay, purchases: purchases)
        let models: LifetimeModels
        do throws(BTYDError) {
            models = try LifetimeModels(fittedOn: summary)
        } catch {
            throw .lifetimeModel(error)
        }
        self.init(models: models, summary: summary, customerCount: snapshot.customerCount, horizonWeeks: horizonWeeks)
    }

    /// Scores only `customers` (ascending snapshot indices) with models fitted before, on their
    /// purchases up to `cutoffDay`: the others have no row.
    init(
        models: LifetimeModels, snapshot: ActivitySnapshot, customers: [Int], cutoffDay: Int32, purchases: EventSelection, horizonWeeks: Double
    ) throws(ChurnPredictionError) {
        let summary = try Self.summary(snapshot, ranges: customers.lazy.filter { $0 >= 0 && $0 < snapshot.customerCount }.map { $0..<($0 + 1) }, cutoffDay: cutoffDay, purchases: purchases)
        self.init(models: models, summary: summary, customerCount: snapshot.customerCount, horizonWeeks: horizonWeeks)
    }

    private init(models: LifetimeModels, summary: CustomerRFMSummary, customerCount: Int, horizonWeeks: Double) {
        self.models = models
        bgnbd = models.bgnbd
        gammaGamma = models.gammaGamma
        self.summary = summary
        var rows = [Int](repeating: -1, count: customerCount)
        for (row, c) in summary.customers.enumerated() { rows[c] = row }
        rowOfCustomer = rows
        self.horizonWeeks = horizonWeeks
    }

    /// The purchases of the customers in `ranges` up to `cutoffDay`, summarized in weeks.
    private static func summary(
        _ snapshot: ActivitySnapshot, ranges: some Sequence<Range<Int>>, cutoffDay: Int32, purchases: EventSelection
    ) throws(ChurnPredictionError) -> CustomerRFMSummary {
        let mask = purchases.mask()
        var ids: [Int] = [], days: [Int] = [], values: [Double] = []
        for range in ranges {
            snapshot.scan(range) { c, ev in
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    if ev.days[i] > cutoffDay { break }
                    ids.append(c)
                    days.append(Int(ev.days[i]))
                    values.append(Double(ev.values[i]))
                }
            }
        }
        do throws(BTYDError) {
            return try CustomerRFMSummary(customers: ids, days: days, values: values, observationEndDay: Int(cutoffDay), unit: .weeks)
        } catch {
            throw .lifetimeModel(error)
        }
    }

    func probabilityAlive(of customer: Int) -> Double? {
        let r = rowOfCustomer[customer]
        guard r >= 0 else { return nil }
        return bgnbd.probabilityAlive(frequency: summary.frequency[r], recency: summary.recency[r], age: summary.age[r])
    }

    /// Expected purchases over the horizon × expected spend per purchase; 0 without a purchase.
    /// Falls back to the customer's own mean spend when Gamma-Gamma could not be fitted or has no
    /// finite mean.
    func clv(of customer: Int) -> Double {
        clvs(of: [customer])[0]
    }

    /// ``clv(of:)`` of many customers, the same values: E[purchases over the horizon | alive] depends
    /// only on a customer's (frequency, age), and a shop of a million customers has a few thousand
    /// such pairs, so each is computed once.
    func clvs(of customers: [Int]) -> [Double] {
        var futures: [SIMD2<UInt64>: Double] = [:]
        return customers.map { customer in
            let r = rowOfCustomer[customer]
            guard r >= 0 else { return 0 }
            let x = summary.frequency[r], m = summary.monetaryValue[r], age = summary.age[r], xx = Double(x)
            let key = SIMD2(UInt64(x), age.bitPattern)
            let future = futures[key] ?? {
                let value = BetaGeometricFamily.expectedPurchases(t: horizonWeeks, r: bgnbd.r + xx, alpha: bgnbd.alpha + age, a: bgnbd.a, b: bgnbd.b + xx)
                futures[key] = value
                return value
            }()
            // As BGNBDModel.conditionalExpectedPurchases: P(alive) × E[X(t)] of the updated process.
            let purchases = bgnbd.probabilityAlive(frequency: x, recency: summary.recency[r], age: age) * future
            var spend = gammaGamma?.conditionalExpectedAverageSpend(frequency: x, monetaryValue: max(m, 0)) ?? m
            if !spend.isFinite { spend = m }
            let value = purchases * spend
            return value.isFinite ? max(value, 0) : 0
        }
    }

    /// Mean days between purchase days; nil without a repeat purchase.
    func meanPurchaseGapDays(of customer: Int) -> Double? {
        let r = rowOfCustomer[customer]
        guard r >= 0, summary.frequency[r] > 0 else { return nil }
        return summary.recency[r] * summary.unit.days / Double(summary.frequency[r])
    }
}
