import Foundation
import Testing
import TenureCore

@Suite("Transaction summaries and Gamma-Gamma spend")
struct SummaryAndSpendTests {
    @Test("summary statistics follow lifetimes' semantics on a hand-made example")
    func handMadeSummary() throws {
        // Given customer 7: purchases on days 10 (two orders, 5 + 7), 17 and 24; customer 3: one purchase on
        // day 20 and one after the observation end; customer 9: only after the end.
        let customers = [7, 7, 7, 7, 3, 3, 9]
        let days = [10, 10, 17, 24, 20, 40, 35]
        let values = [5.0, 7, 10, 20, 8, 100, 50]
        // When summarised in weeks up to day 31
        let summary = try CustomerRFMSummary(
            customers: customers, days: days, values: values, observationEndDay: 31, unit: .weeks)
        // Then
        #expect(summary.customers == [3, 7])
        #expect(summary.frequency == [0, 2])
        #expect(summary.recency == [0, 2])
        #expect(summary.age == [11.0 / 7, 3])
        #expect(summary.monetaryValue == [0, 15])  // (10 + 20) / 2: the first day (12) is excluded

        let split = try CalibrationHoldoutSummary(
            customers: customers, days: days, values: values, calibrationEndDay: 17, observationEndDay: 40, unit: .days)
        #expect(split.calibration.customers == [7])  // customer 3 first bought after the calibration end
        #expect(split.calibration.frequency == [1] && split.calibration.recency == [7] && split.calibration.age == [7])
        #expect(split.holdoutFrequency == [1] && split.holdoutMonetaryValue == [20] && split.holdoutDuration == 23)
    }

    /// The CDNOW summary published with Fader, Hardie & Lee (2005) (cdnow_customers_summary.csv, as
    /// shipped with lifetimes) is reproduced from the raw CDNOW sample transactions, 39-week calibration,
    /// in weeks, and the monetary values match `zbar` of cdnow_customers_summary_with_transactions.csv.
    @Test("reproduces the CDNOW calibration summary from raw transactions",
          BTYDReferenceData.available("cdnow/CDNOW_sample.txt"))
    func cdnowSummary() throws {
        let sample = try CDNOWSample.load()
        let split = try CalibrationHoldoutSummary(
            customers: sample.customers, days: sample.days, values: sample.dollars,
            calibrationEndDay: CDNOWSample.calibrationEnd, observationEndDay: CDNOWSample.observationEnd, unit: .weeks)
        let published = try BTYDReferenceData.cdnowSummary()
        let zbar = try BTYDReferenceData.csvRows("cdnow/cdnow_customers_summary_with_transactions.csv").map { Double($0[4])! }
        let cal = split.calibration
        #expect(cal.count == 2357)
        var mismatches = 0
        for i in 0..<cal.count {
            let id = cal.customers[i] - 1
            if cal.frequency[i] != published.frequency[id] || abs(cal.recency[i] - published.recency[id]) > 0.006
                || abs(cal.age[i] - published.age[id]) > 0.006 || abs(cal.monetaryValue[i] - zbar[id]) > 0.006
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(abs(split.holdoutDuration - 39) < 1e-12)
        // Holdout purchases exist only for calibration customers and are counted per distinct day.
        #expect(split.holdoutFrequency.reduce(0, +) > 1000)
    }

    /// Fader, Hardie & Lee (2005), "The Gamma-Gamma Model of Monetary Value" (note): p = 6.25, q = 3.74,
    /// γ = 15.44 on the 946 CDNOW repeat buyers; lifetimes 0.11.3: p = 6.24880, q = 3.74459,
    /// γ = 15.44775, −log L = 4.28745 × 946 = 4055.9.
    @Test("reproduces the published Gamma-Gamma fit on CDNOW", BTYDReferenceData.available("cdnow/CDNOW_sample.txt"))
    func gammaGammaCDNOW() throws {
        let sample = try CDNOWSample.load()
        let summary = try CustomerRFMSummary(
            customers: sample.customers, days: sample.days, values: sample.dollars,
            observationEndDay: CDNOWSample.calibrationEnd, unit: .weeks)
        let fit = try GammaGammaModel.fit(frequency: summary.frequency, monetaryValue: summary.monetaryValue)
        #expect(fit.customerCount == 946)
        #expect(fit.warnings.map(\.kind) == [.rowsExcluded])
        #expect(fit.status.isConverged)
        #expect(abs(fit.model.p - 6.25) < 0.005 && abs(fit.model.q - 3.74) < 0.005 && abs(fit.model.gamma - 15.44) < 0.01)
        #expect(abs(fit.logLikelihood - -4055.9) < 0.1)
        print("Gamma-Gamma CDNOW:", fit.parameters, fit.logLikelihood, "SE", fit.standardErrors ?? [])
        // CDNOW customer 1: x = 2 repeat purchases averaging $22.35.
        let m = fit.model.conditionalExpectedAverageSpend(frequency: 2, monetaryValue: 22.35)
        let closedForm = fit.model.p * (fit.model.gamma + 2 * 22.35) / (fit.model.p * 2 + fit.model.q - 1)
        #expect(abs(m - closedForm) < 1e-12)
        // Population mean pγ/(q−1) lies between the customer's mean and the prior mean: shrinkage.
        #expect(m > 22.35 && m < fit.model.meanTransactionValue)
    }

    @Test("Gamma-Gamma rejects data without repeat buyers with a clear error")
    func gammaGammaNoRepeatBuyers() {
        #expect(throws: BTYDError.noRepeatBuyers(customers: 3)) {
            try GammaGammaModel.fit(frequency: [0, 0, 0], monetaryValue: [0, 0, 0])
        }
        #expect(throws: BTYDError.self) {
            try GammaGammaModel.fit(frequency: [1, 2], monetaryValue: [10, -5])
        }
    }
}
