import Foundation

extension UpliftEstimate {
    /// Compares the share of customers with a binary outcome (conversion, retained at day 30,
    /// 60 or 90) in the treatment and control groups.
    ///
    /// - Uplift: p_t − p_c, the difference of the two rates (shares 0…1).
    /// - Interval: Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
    ///   difference between independent proportions", Statistics in Medicine 17:873–890, method
    ///   10; statsmodels' `confint_proportions_2indep(method="newcomb")`) by default: with the
    ///   Wilson score intervals (l_t, u_t) and (l_c, u_c) of each rate, it is
    ///   [d − √((p_t − l_t)² + (u_c − p_c)²), d + √((u_t − p_t)² + (p_c − l_c)²)]. It behaves
    ///   for small groups and for 0 or all successes, where the Wald interval collapses. Pass
    ///   `.wald` for the textbook normal interval.
    /// - p-value: the pooled two-proportion z-test (equal to Pearson's χ² test without
    ///   continuity correction), z = d / √(p̄(1 − p̄)(1/n_t + 1/n_c)) with p̄ the pooled rate.
    ///   When p̄ is 0 or 1 both groups have the same rate, z is 0 and the p-value 1.
    ///
    /// Not available (no interval, no p-value) when either group is empty or the counts are
    /// invalid; 0 or all successes are fine.
    public static func proportions(
        treatment: BinaryOutcomeCounts, control: BinaryOutcomeCounts, confidenceLevel: Double = 0.95,
        method: ProportionMethod = .newcombe
    ) -> UpliftEstimate {
        let (uplift, relative) = differences(treatment: treatment.rate, control: control.rate)
        var estimate = UpliftEstimate(
            method: method.method, confidenceLevel: confidenceLevel,
            treatment: Group(customers: treatment.customers, value: treatment.rate),
            control: Group(customers: control.customers, value: control.rate),
            uplift: uplift, relativeUplift: relative)
        guard treatment.isValid, control.isValid else {
            estimate.unavailable = .invalidCounts
            return estimate
        }
        guard treatment.customers > 0 else {
            estimate.unavailable = .emptyTreatment
            return estimate
        }
        guard control.customers > 0 else {
            estimate.unavailable = .emptyControl
            return estimate
        }
        guard isValidLevel(confidenceLevel) else {
            estimate.unavailable = .invalidConfidenceLevel
            return estimate
        }
        let x1 = Double(treatment.successes), n1 = Double(treatment.customers)
        let x2 = Double(control.successes), n2 = Double(control.customers)
        let p1 = x1 / n1, p2 = x2 / n2, d = p1 - p2
        let z = StandardNormal.quantile(0.5 + confidenceLevel / 2)

        switch method {
        case .newcombe:
            let (l1, u1) = wilsonInterval(successes: x1, customers: n1, z: z)
            let (l2, u2) = wilsonInterval(successes: x2, customers: n2, z: z)
            let below = ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
            let above = ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
            estimate.interval = Interval(lower: max(-1, d - below), upper: min(1, d + above))
        case .wald:
            let se = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2).squareRoot()
            estimate.interval = Interval(lower: max(-1, d - z * se), upper: min(1, d + z * se))
        }

        let pooled = (x1 + x2) / (n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        estimate.standardError = se
        if se > 0 {
            let statistic = d / se
            estimate.testStatistic = statistic
            estimate.pValue = min(1, 2 * StandardNormal.survival(abs(statistic)))
        } else {
            // All customers of both groups share one outcome: the rates are equal.
            estimate.testStatistic = 0
            estimate.pValue = 1
        }
        return estimate
    }

    /// Wilson's score interval for one rate x/n (no continuity correction): the bounds are exactly
    /// 0 with no successes and 1 with all successes.
    static func wilsonInterval(successes x: Double, customers n: Double, z: Double) -> (lower: Double, upper: Double) {
        let p = x / n, z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        let lower = x == 0 ? 0 : max(0, center - half)
        let upper = x == n ? 1 : min(1, center + half)
        return (lower, upper)
    }
}
