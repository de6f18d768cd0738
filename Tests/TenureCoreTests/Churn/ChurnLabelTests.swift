import Foundation
import Testing
import TenureCore

@Suite("Churn labels")
struct ChurnLabelTests {
    @Test("non-contractual: no purchase within the horizon, among recent buyers")
    func nonContractual() {
        let outcomes = ChurnLabel.noPurchase(horizonDays: 30, lookbackDays: 365).outcomes(in: handSnapshot(), cutoffDay: churnCutoff)
        #expect(outcomes == [false, nil, nil, true, nil, true, nil, nil])
    }

    @Test("contractual: a cancellation within the horizon, among active subscribers")
    func contractual() {
        let label = ChurnLabel.cancellation(horizonDays: 30)
        #expect(label.outcomes(in: handSnapshot(), cutoffDay: churnCutoff) == [true, nil, nil, nil, nil, nil, false, false])
        #expect(label.eligibility(in: handSnapshot(), cutoffDay: churnCutoff) == [true, false, false, false, false, false, true, true])
    }

    @Test("a horizon past the data is refused")
    func unobservedHorizon() {
        #expect(throws: ChurnPredictionError.horizonNotObserved(cutoffDay: 1000, horizonDays: 90, lastDay: 1040)) {
            try ChurnTrainingSet(snapshot: handSnapshot(), cutoffDay: 1000, label: .noPurchase(horizonDays: 90))
        }
    }
}
