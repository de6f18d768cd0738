import Foundation

/// BG/NBD + Gamma-Gamma fitted on the purchases up to a cutoff (weeks as the time unit), giving
/// P(alive), undiscounted CLV and the mean gap between purchases per snapshot customer.
struct CustomerValue: Sendable {
    let bgnbd: BGNBDModel
    let gammaGamma: GammaGammaModel?
    let summary: CustomerRFMSummary
    let horizonWeeks: Double
    /// Snapshot customer → row of `summary`, -1 without a purchase.
    let rowOfCustomer: [Int]

    init(snapshot: ActivitySnapshot, cutoffDay: Int32, purchases: EventSelection, horizonWeeks: Double) throws(ChurnPredictionError) {
        let mask = purchases.mask()
        var ids: [Int] = [], days: [Int] = [], values: [Double] = []
        snapshot.scan(0..<snapshot.customerCount) { c, ev in
            for i in 0..<ev.count where mask.contains(ev.types[i]) {
                if ev.days[i] > cutoffDay { break }
                ids.append(c)
                days.append(Int(ev.days[i]))
                values.append(Double(ev.values[i]))
            }
        }
        do throws(BTYDError) {
            summary = try CustomerRFMSummary(
                customers: ids, days: days, values: values, observationEndDay: Int(cutoffDay), unit: .weeks)
            bgnbd = try BGNBDModel.fit(summary.patterns()).model
            // Repeat buyers with a zero or negative mean spend (refunds, free orders) cannot be fitted
            // by Gamma-Gamma; they count as one-time buyers for the fit only.
            let spendFrequency = zip(summary.frequency, summary.monetaryValue).map { $1 > 0 && $1.isFinite ? $0 : 0 }
            gammaGamma = try? GammaGammaModel.fit(frequency: spendFrequency, monetaryValue: summary.monetaryValue).model
        } catch {
            throw .lifetimeModel(error)
        }
        var rows = [Int](repeating: -1, count: snapshot.customerCount)
        for (row, c) in summary.customers.enumerated() { rows[c] = row }
        rowOfCustomer = rows
        self.horizonWeeks = horizonWeeks
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
