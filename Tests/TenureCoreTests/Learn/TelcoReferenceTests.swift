import Foundation
import Testing
import TenureCore

/// IBM Telco Customer Churn (7,043 customers, 26.5 % churn), fetched by scripts/fetch-reference-data.sh.
/// Reference: scikit-learn's LogisticRegression (standardized numerics + one-hot) reaches a 5-fold
/// stratified CV AUC of 0.845 and HistGradientBoostingClassifier 0.835 on it.
@Suite("Telco churn reference")
struct TelcoReferenceTests {
    @Test func crossValidatedAUCReachesScikitLearn() throws {
        guard let data = LearnTestSupport.referenceFile("telco/Customer_Churn.csv") else { return }
        let report = try ChurnTableTraining.train(
            data: data, options: .init(labelColumn: "Churn", idColumn: "customerID", folds: 5, seed: 42, fitFinalModel: false))
        print("telco: LR mean AUC \(report.logisticRegression.meanAUC) (folds \(report.logisticRegression.foldAUCs)), GBT mean AUC \(report.boostedTrees.meanAUC) (folds \(report.boostedTrees.foldAUCs))")
        print("telco: LR AP \(report.logisticRegression.outOfFold.averagePrecision) lift \(report.logisticRegression.outOfFold.liftTopDecile) brier \(report.logisticRegression.outOfFold.brierScore); GBT AP \(report.boostedTrees.outOfFold.averagePrecision) lift \(report.boostedTrees.outOfFold.liftTopDecile) brier \(report.boostedTrees.outOfFold.brierScore)")
        #expect(report.rows == 7_043)
        #expect(report.churned == 1_869)
        let totalCharges = try #require(report.columns.first { $0.name == "TotalCharges" })
        #expect(totalCharges.kind == "numeric")
        #expect(totalCharges.missing == 11)
        #expect(report.columns.first { $0.name == "Contract" }?.kind == "categorical")
        // No Telco column leaks, so none is left out and the reference AUCs are unchanged.
        #expect(report.leakageWarnings.isEmpty)
        #expect(report.excludedLeakyColumns.isEmpty)
        #expect(report.columns.count == 19)
        #expect(max(report.logisticRegression.meanAUC, report.boostedTrees.meanAUC) >= 0.845)
        #expect(report.boostedTrees.meanAUC >= 0.835)
    }
}
