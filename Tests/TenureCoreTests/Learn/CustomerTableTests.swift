import Foundation
import Testing
import TenureCore

@Suite("Customer tables")
struct CustomerTableTests {
    @Test func parsesRFC4180Quoting() throws {
        let text = "id,name,note\r\n1,\"Smith, Jane\",\"said \"\"hi\"\"\"\r\n2,Bob,\"two\nlines\"\r\n3,,\r\n"
        let table = try CSVTable(parsing: text)
        #expect(table.header == ["id", "name", "note"])
        #expect(table.rows == [["1", "Smith, Jane", "said \"hi\""], ["2", "Bob", "two\nlines"], ["3", "", ""]])
    }

    @Test func reportsMalformedCSV() {
        #expect(throws: TableError.self) { try CSVTable(parsing: "a,b\n1,\"open\n") }
        #expect(throws: TableError.malformedCSV(line: 3, reason: "the record has 3 fields but the header has 2")) {
            try CSVTable(parsing: "a,b\n1,2\n1,2,3\n")
        }
        #expect(throws: TableError.emptyTable) { try CSVTable(parsing: "") }
    }

    @Test func detectsKindsLabelsAndMissingValues() throws {
        let text = """
            customerID,tenure,Contract,TotalCharges,Churn
            a1,1,Month-to-month,29.85,Yes
            a2,34,One year, ,No
            a3,2,Month-to-month,108.15,yes
            a4,45,Two year,1840.75,NO
            """
        let table = try CustomerTable(csv: CSVTable(parsing: text), label: "Churn", id: "customerID")
        #expect(table.ids == ["a1", "a2", "a3", "a4"])
        #expect(table.labels == [true, false, true, false])
        let x = table.features
        #expect(x.features.map(\.name) == ["tenure", "Contract", "TotalCharges"])
        #expect(x.features[0].kind == .numeric)
        #expect(x.features[1].kind == .categorical(levels: ["Month-to-month", "One year", "Two year"]))
        #expect(x.features[2].kind == .numeric)
        #expect(x[1, 2].isNaN)
        #expect(x.displayValue(row: 3, feature: 1) == "Two year")
        // Scoring a new file reuses the training dictionary; unseen levels become missing.
        let scoring = try CustomerTable(csv: CSVTable(parsing: "customerID,Contract,tenure,TotalCharges\nz,Two year,3,1\ny,Lifetime,4,\n"),
                                        features: x.features, id: "customerID")
        #expect(scoring.features[0, 1] == 2)
        #expect(scoring.features[1, 1].isNaN)
        #expect(scoring.features[1, 2].isNaN)
    }

    @Test func rejectsUnknownLabelsAndColumns() {
        #expect(throws: TableError.unrecognizedLabels(
            column: "Churn", values: .init(shown: [.init(value: "Yes", count: 2), .init(value: "maybe", count: 1)], distinct: 2))) {
            try CustomerTable(csv: CSVTable(parsing: "x,Churn\n1,maybe\n2,Yes\n3, Yes \n4,\n"), label: "Churn")
        }
        #expect(throws: TableError.missingColumn("Churned", available: ["x", "Churn"])) {
            try CustomerTable(csv: CSVTable(parsing: "x,Churn\n1,Yes\n"), label: "Churned")
        }
    }

    @Test func trainsBothModelsAndExcludesLeakage() throws {
        // Churn depends on tenure and plan; "cancel_reason" is filled in only for churners (leakage).
        var generator = SeededGenerator(seed: 17)
        var lines = ["id,tenure,plan,cancel_reason,churned"]
        for i in 0..<600 {
            let tenure = Int(generator.nextUnitInterval() * 60)
            let plan = ["basic", "pro"][Int(generator.nextUnitInterval() * 2)]
            let p = 1 / (1 + exp(-(1.0 - Double(tenure) / 15 + (plan == "basic" ? 0.8 : -0.8))))
            let churned = generator.nextUnitInterval() < p
            lines.append("c\(i),\(tenure),\(plan),\(churned ? "\"price, too high\"" : ""),\(churned ? 1 : 0)")
        }
        let report = try ChurnTableTraining.train(
            csv: lines.joined(separator: "\n"),
            options: .init(labelColumn: "churned", idColumn: "id", folds: 3,
                           boostedTrees: .init(trees: 30, learningRate: 0.1, maxDepth: 2)))
        #expect(report.rows == 600)
        // The leak is left out of the models and named; the honest features still predict well.
        #expect(report.columns.map(\.name) == ["tenure", "plan"])
        #expect(report.excludedLeakyColumns.map(\.column) == ["cancel_reason"])
        #expect(report.excludedLeakyColumns.first?.reason == .determinedByLabel)
        #expect(report.leakageWarnings.isEmpty)
        #expect(report.logisticRegression.foldAUCs.count == 3)
        #expect(report.logisticRegression.meanAUC > 0.8 && report.logisticRegression.meanAUC < 0.99)
        #expect(report.boostedTrees.meanAUC > 0.8 && report.boostedTrees.meanAUC < 0.99)
        #expect(!report.perfectSeparation)
        #expect(report.finalModel != nil)
        // The report is Codable (the CLI prints it as JSON).
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ChurnTrainingReport.self, from: json) == report)
    }
}
