import Foundation
import Testing
import TenureCore

/// Word labels with a positive value, and leaky columns left out of `ChurnTableTraining`.
@Suite("Churn table labels and leakage")
struct ChurnTableLeakageTests {
    static let fastTrees = GradientBoostedTreesModel.Options(trees: 30, learningRate: 0.1, maxDepth: 2)

    /// A BankChurners-like table: `Attrition_Flag` is `Attrited Customer` / `Existing Customer`,
    /// churn driven by transactions and inactivity. Returns the CSV and how many rows churned.
    static func bankChurners(rows: Int, seed: UInt64) -> (csv: String, churned: Int) {
        var generator = SeededGenerator(seed: seed)
        var lines = ["CLIENTNUM,Attrition_Flag,Customer_Age,Total_Trans_Ct,Months_Inactive"]
        var churned = 0
        for i in 0..<rows {
            let transactions = 10 + Int(generator.nextUnitInterval() * 120)
            let inactive = Int(generator.nextUnitInterval() * 6)
            let age = 26 + Int(generator.nextUnitInterval() * 45)
            let p = 1 / (1 + exp(-(1.5 - 0.04 * Double(transactions) + 0.5 * Double(inactive))))
            let attrited = generator.nextUnitInterval() < p
            if attrited { churned += 1 }
            // Spacing and case vary, as in hand-edited exports.
            let flag = attrited ? (i % 7 == 0 ? " attrited customer " : "Attrited Customer") : "Existing Customer"
            lines.append("\(700_000 + i),\(flag),\(age),\(transactions),\(inactive)")
        }
        return (lines.joined(separator: "\n"), churned)
    }

    /// Honest features (`tenure`, `plan`, plus an unrelated continuous `score` whose values are all
    /// distinct and a `user_ref` identifier), and leaks: `status` (1 for churners, 0 otherwise:
    /// determined by the label), `days_since_login` (almost separates: single-feature AUC ≈ 0.999)
    /// and `cancel_reason` (one of three reasons for churners, blank otherwise).
    static func leakyTable(rows: Int, seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        var lines = ["id,tenure,plan,score,user_ref,status,days_since_login,cancel_reason,churned"]
        for i in 0..<rows {
            let tenure = Int(generator.nextUnitInterval() * 60)
            let plan = ["basic", "pro"][Int(generator.nextUnitInterval() * 2)]
            let score = generator.nextStandardNormal()
            let p = 1 / (1 + exp(-(0.5 - Double(tenure) / 20 + (plan == "basic" ? 0.8 : -0.8))))
            let churned = generator.nextUnitInterval() < p
            let days = churned ? 30 + generator.nextUnitInterval() * 60 : generator.nextUnitInterval() * 32
            let reason = churned ? ["price", "service", "moved"][Int(generator.nextUnitInterval() * 3)] : ""
            lines.append("c\(i),\(tenure),\(plan),\(score),u\(i)x,\(churned ? 1 : 0),\(days),\(reason),\(churned ? "yes" : "no")")
        }
        return lines.joined(separator: "\n")
    }

    @Test func wordLabelsWithAPositiveValue() throws {
        let (csv, churned) = Self.bankChurners(rows: 300, seed: 5)
        let table = try CustomerTable(csv: CSVTable(parsing: csv), label: "Attrition_Flag", positive: "Attrited Customer", id: "CLIENTNUM")
        let labels = try #require(table.labels)
        #expect(labels.count == 300)
        // The trimmed, case-insensitive match counts " attrited customer " too.
        #expect(labels.filter { $0 }.count == churned)
        #expect(churned > 30 && churned < 270)
        #expect(table.features.features.map(\.name) == ["Customer_Age", "Total_Trans_Ct", "Months_Inactive"])

        let report = try ChurnTableTraining.train(
            csv: csv, options: .init(labelColumn: "Attrition_Flag", positiveLabel: "attrited customer", idColumn: "CLIENTNUM",
                                     folds: 3, boostedTrees: Self.fastTrees, fitFinalModel: false))
        #expect(report.churned == churned)
        #expect(report.logisticRegression.meanAUC > 0.7 && report.logisticRegression.meanAUC < 0.99)
        #expect(report.excludedLeakyColumns.isEmpty)
    }

    @Test func wordLabelsWithoutAPositiveValueListTheDistinctValues() throws {
        let csv = "id,x,Attrition_Flag\n1,1,Existing Customer\n2,2,Attrited Customer\n3,3,Existing Customer\n4,4,\n5,5, Existing Customer\n"
        let expected = TableError.LabelValues(
            shown: [.init(value: "Existing Customer", count: 3), .init(value: "Attrited Customer", count: 1)], distinct: 2)
        #expect(throws: TableError.unrecognizedLabels(column: "Attrition_Flag", values: expected)) {
            try CustomerTable(csv: CSVTable(parsing: csv), label: "Attrition_Flag")
        }
        let message = TableError.unrecognizedLabels(column: "Attrition_Flag", values: expected).description
        #expect(message.contains("\"Existing Customer\" (3 rows), \"Attrited Customer\" (1 row)"))
        #expect(message.contains("--positive"))

        // A column with many values lists the ten most frequent and says how many more there are.
        let many = (["id,x,grade"] + (0..<60).map { "\($0),\($0),G\($0 % 12)" }).joined(separator: "\n")
        let error = try #require(throws: TableError.self) { try CustomerTable(csv: CSVTable(parsing: many), label: "grade") }
        guard case .unrecognizedLabels(let column, let values) = error else {
            Issue.record("expected unrecognized labels, got \(error)")
            return
        }
        #expect(column == "grade")
        #expect(values.distinct == 12)
        #expect(values.shown.count == 10)
        #expect(values.shown.allSatisfy { $0.count == 5 })
        #expect(values.listed.hasSuffix(" and 2 more"))
    }

    @Test func aPositiveValueThatNeverOccursNamesTheValuesThatDo() throws {
        let csv = "x,Attrition_Flag\n1,Existing Customer\n2,Attrited Customer\n3,Existing Customer\n"
        #expect(throws: TableError.positiveLabelNotFound(
            "Churned", column: "Attrition_Flag",
            values: .init(shown: [.init(value: "Existing Customer", count: 2), .init(value: "Attrited Customer", count: 1)], distinct: 2))) {
            try CustomerTable(csv: CSVTable(parsing: csv), label: "Attrition_Flag", positive: "Churned")
        }
        // A positive value that every row holds leaves no retained customers; the values are listed as written.
        #expect(throws: TableError.singleClassLabel(
            column: "flag", churned: true, values: .init(shown: [.init(value: "GONE", count: 1), .init(value: "gone", count: 1)], distinct: 2))) {
            try CustomerTable(csv: CSVTable(parsing: "x,flag\n1,gone\n2,GONE\n"), label: "flag", positive: "Gone")
        }
        #expect(throws: TableError.blankLabels(column: "flag")) {
            try CustomerTable(csv: CSVTable(parsing: "x,flag\n1,\n2, \n"), label: "flag")
        }
    }

    @Test func excludesColumnsAboveTheSingleFeatureAUCAndThoseTheLabelDetermines() throws {
        let report = try ChurnTableTraining.train(
            csv: Self.leakyTable(rows: 600, seed: 11),
            options: .init(labelColumn: "churned", idColumn: "id", folds: 3, boostedTrees: Self.fastTrees))
        let excluded = Dictionary(uniqueKeysWithValues: report.excludedLeakyColumns.map { ($0.column, $0) })
        #expect(report.excludedLeakyColumns.map(\.column) == ["status", "days_since_login", "cancel_reason"])
        #expect(excluded["status"]?.reason == .determinedByLabel)
        #expect(excluded["status"]?.message.contains("status = 1") == true)
        #expect(excluded["days_since_login"]?.reason == .singleFeatureAUC)
        #expect((excluded["days_since_login"]?.singleColumnAUC ?? 0) > 0.98)
        #expect((excluded["days_since_login"]?.singleColumnAUC ?? 1) < 1)
        // Several reasons among churners: the label does not determine it, but its out-of-fold AUC is 1.
        #expect(excluded["cancel_reason"]?.reason == .singleFeatureAUC)
        #expect(excluded["cancel_reason"]?.singleColumnAUC == 1)
        // A continuous column with all-distinct values and an identifier-like text column stay.
        #expect(report.columns.map(\.name) == ["tenure", "plan", "score", "user_ref"])
        #expect(report.leakageWarnings.isEmpty)
        #expect(report.leakageThreshold == 0.98)
        #expect(report.better.meanAUC > 0.75 && report.better.meanAUC < 0.99)
        #expect(!report.perfectSeparation)
        let model = try report.modelToSave()
        #expect(model.features.map(\.name) == ["tenure", "plan", "score", "user_ref"])
    }

    @Test func theLabelDeterminedRuleHoldsWithTheAUCRuleOff() throws {
        let report = try ChurnTableTraining.train(
            csv: Self.leakyTable(rows: 400, seed: 12),
            options: .init(labelColumn: "churned", idColumn: "id", excludedColumns: ["cancel_reason"], folds: 3,
                           boostedTrees: Self.fastTrees, leakageThreshold: 1, fitFinalModel: false))
        #expect(report.excludedLeakyColumns.map(\.column) == ["status"])
        #expect(report.columns.map(\.name) == ["tenure", "plan", "score", "user_ref", "days_since_login"])
        #expect(throws: TableError.invalidLeakageThreshold(0.5)) {
            try ChurnTableTraining.train(csv: Self.leakyTable(rows: 50, seed: 1),
                                         options: .init(labelColumn: "churned", leakageThreshold: 0.5))
        }
    }

    @Test func allowLeakyFeaturesKeepsAndWarnsAboutThem() throws {
        let report = try ChurnTableTraining.train(
            csv: Self.leakyTable(rows: 400, seed: 13),
            options: .init(labelColumn: "churned", idColumn: "id", folds: 3, boostedTrees: Self.fastTrees, allowLeakyFeatures: true))
        #expect(report.excludedLeakyColumns.isEmpty)
        #expect(report.leakageWarnings.map(\.column) == ["status", "days_since_login", "cancel_reason"])
        #expect(report.columns.count == 7)
        // The kept leak makes the model perfect; allowed, it is still fitted for saving.
        #expect(report.perfectSeparation)
        #expect(report.finalModel != nil)
    }

    @Test func aModelWithCrossValidatedAUCOneIsNotFittedToSave() throws {
        // Genuine features that separate perfectly together (churn = basic plan AND monthly
        // contract) while each alone stays well below the leakage threshold.
        var generator = SeededGenerator(seed: 21)
        var lines = ["plan,contract,age,churn"]
        for _ in 0..<400 {
            let plan = generator.nextUnitInterval() < 0.5 ? "basic" : "pro"
            let contract = generator.nextUnitInterval() < 0.5 ? "monthly" : "yearly"
            let age = 20 + Int(generator.nextUnitInterval() * 50)
            lines.append("\(plan),\(contract),\(age),\(plan == "basic" && contract == "monthly")")
        }
        let csv = lines.joined(separator: "\n")
        let options = ChurnTableTraining.Options(labelColumn: "churn", folds: 3, boostedTrees: Self.fastTrees)
        let report = try ChurnTableTraining.train(csv: csv, options: options)
        #expect(report.excludedLeakyColumns.isEmpty)
        #expect(report.perfectSeparation)
        #expect(report.finalModel == nil)
        #expect(throws: TableError.perfectSeparation(model: report.betterModel, auc: report.better.meanAUC)) {
            try report.modelToSave()
        }
        var allowed = options
        allowed.allowLeakyFeatures = true
        #expect(try ChurnTableTraining.train(csv: csv, options: allowed).modelToSave().features.count == 3)
    }
}
