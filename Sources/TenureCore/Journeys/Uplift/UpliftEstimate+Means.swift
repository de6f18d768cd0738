import Foundation

extension UpliftEstimate {
    /// Compares the mean of a continuous outcome (revenue per customer, in the shop's currency,
    /// or any other unit) in the treatment and control groups, with Welch's unequal-variance t
    /// interval and test (statsmodels' `CompareMeans.tconfint_diff(usevar="unequal")`, R's
    /// `t.test(var.equal = FALSE)`).
    ///
    /// - Uplift: m_t − m_c, in the outcome's unit.
    /// - Standard error: √(s_t²/n_t + s_c²/n_c), with sample variances (n − 1 denominator).
    /// - Degrees of freedom (Welch–Satterthwaite):
    ///   ν = (s_t²/n_t + s_c²/n_c)² / ((s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1)).
    /// - Interval: uplift ± t_{ν, (1 + level)/2} · SE; p-value 2·P(T_ν > |uplift| / SE).
    ///
    /// Not available when either group is empty or has fewer than two customers, when both
    /// groups have zero variance, or when a mean or variance is not finite; the means and the
    /// uplift are still given when they exist.
    public static func means(
        treatment: MeanOutcomeSummary, control: MeanOutcomeSummary, confidenceLevel: Double = 0.95
    ) -> UpliftEstimate {
        func value(_ s: MeanOutcomeSummary) -> Double? { s.customers > 0 && s.mean.isFinite ? s.mean : nil }
        let (uplift, relative) = differences(treatment: value(treatment), control: value(control))
        var estimate = UpliftEstimate(
            method: .welch, confidenceLevel: confidenceLevel,
            treatment: Group(customers: treatment.customers, value: value(treatment)),
            control: Group(customers: control.customers, value: value(control)),
            uplift: uplift?.isFinite == true ? uplift : nil, relativeUplift: relative?.isFinite == true ? relative : nil)
        func unavailable(_ reason: Unavailability) -> UpliftEstimate {
            estimate.unavailable = reason
            return estimate
        }
        guard treatment.customers >= 0, control.customers >= 0 else { return unavailable(.invalidCounts) }
        guard treatment.customers > 0 else { return unavailable(.emptyTreatment) }
        guard control.customers > 0 else { return unavailable(.emptyControl) }
        for s in [treatment, control] where !(s.mean.isFinite && s.variance.isFinite && s.variance >= 0) {
            return unavailable(.invalidValues)
        }
        guard treatment.customers >= 2, control.customers >= 2 else { return unavailable(.tooFewCustomers) }
        guard isValidLevel(confidenceLevel) else { return unavailable(.invalidConfidenceLevel) }
        guard let d = estimate.uplift else { return unavailable(.invalidValues) }

        let n1 = Double(treatment.customers), n2 = Double(control.customers)
        let v1 = treatment.variance / n1, v2 = control.variance / n2
        let variance = v1 + v2
        guard variance.isFinite else { return unavailable(.invalidValues) }
        guard variance > 0 else { return unavailable(.noVariance) }
        let se = variance.squareRoot()
        // Shares of the variance from each group keep ν free of underflow for tiny variances.
        let w1 = v1 / variance, w2 = v2 / variance
        let nu = 1 / (w1 * w1 / (n1 - 1) + w2 * w2 / (n2 - 1))
        let t = StudentTDistribution(degreesOfFreedom: nu)
        let margin = t.quantile(0.5 + confidenceLevel / 2) * se
        let statistic = d / se
        estimate.standardError = se
        estimate.degreesOfFreedom = nu
        estimate.testStatistic = statistic
        estimate.interval = Interval(lower: d - margin, upper: d + margin)
        estimate.pValue = min(1, 2 * t.survival(abs(statistic)))
        return estimate
    }
}
