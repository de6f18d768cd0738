/// BG/NBD and Gamma-Gamma fitted once on a population's purchases (weeks as the time unit), kept
/// to score customers again later without refitting: segment metric columns score the customers
/// new events touched with the models fitted for the evaluation day.
struct LifetimeModels: Sendable {
    let bgnbd: BGNBDModel
    /// Nil when Gamma-Gamma could not be fitted (too few repeat buyers with a positive spend).
    let gammaGamma: GammaGammaModel?

    init(fittedOn summary: CustomerRFMSummary) throws(BTYDError) {
        bgnbd = try BGNBDModel.fit(summary.patterns()).model
        // Repeat buyers with a zero or negative mean spend (refunds, free orders) cannot be fitted
        // by Gamma-Gamma; they count as one-time buyers for the fit only.
        let spendFrequency = zip(summary.frequency, summary.monetaryValue).map { $1 > 0 && $1.isFinite ? $0 : 0 }
        gammaGamma = try? GammaGammaModel.fit(frequency: spendFrequency, monetaryValue: summary.monetaryValue).model
    }
}
