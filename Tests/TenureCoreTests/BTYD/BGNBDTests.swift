import Foundation
import Testing
import TenureCore

@Suite("BG/NBD")
struct BGNBDTests {
    /// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2),
    /// p. 280: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 on the CDNOW 39-week
    /// calibration sample (2,357 customers, weeks). lifetimes 0.11.3 gives r = 0.24259, α = 4.41353,
    /// a = 0.79289, b = 2.42575.
    @Test("reproduces the published CDNOW fit", BTYDReferenceData.available("cdnow/cdnow_customers_summary.csv"))
    func cdnowFit() throws {
        let data = try BTYDReferenceData.cdnowSummary()
        let fit = try BGNBDModel.fit(frequency: data.frequency, recency: data.recency, age: data.age)
        #expect(fit.status.isConverged)
        #expect(fit.warnings.isEmpty, "\(fit.warnings)")
        #expect(abs(fit.model.r - 0.243) < 0.0005)
        #expect(abs(fit.model.alpha - 4.414) < 0.0005)
        #expect(abs(fit.model.a - 0.793) < 0.0005)
        #expect(abs(fit.model.b - 2.426) < 0.0005)
        #expect(abs(fit.logLikelihood - -9582.4) < 0.05)
        #expect(abs(fit.model.r - 0.24259) < 2e-5 && abs(fit.model.alpha - 4.41353) < 2e-4)
        let se = try #require(fit.standardErrors)
        #expect(se.allSatisfy { $0 > 0 && $0.isFinite })
        print("BG/NBD CDNOW:", fit.parameters, fit.logLikelihood, "SE", se, "iterations", fit.iterations)

        // FHL 2005, p. 281 (and lifetimes): x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in the next
        // 39 weeks.
        let expected = fit.model.conditionalExpectedPurchases(in: 39, frequency: 2, recency: 30.43, age: 38.86)
        #expect(abs(expected - 1.226) < 0.0005)
    }
}
