import Foundation
import Testing
import TenureCore

/// `tenure model train` on a customers table, as a user runs it.
@Suite struct ModelTrainCommandTests {
    struct Report: Decodable {
        struct Evaluation: Decodable { var meanAUC: Double }
        struct Warning: Decodable { var column: String }
        var rows: Int
        var churned: Int
        var logisticRegression: Evaluation
        var boostedTrees: Evaluation
        var leakageWarnings: [Warning]
    }

    @Test func trainsCrossValidatesAndFlagsLeakage() throws {
        let folder = TemporaryFolder()
        var generator = SeededGenerator(seed: 3)
        var lines = ["id,tenure_months,plan,support_calls,Churn,cancel_reason"]
        for i in 0..<400 {
            let tenure = Int(generator.next() % 60)
            let calls = Int(generator.next() % 6)
            let plan = ["basic", "plus", "pro"][Int(generator.next() % 3)]
            let risk = 1 / (1 + exp(-(-1.5 - 0.06 * Double(tenure) + 0.7 * Double(calls) + (plan == "basic" ? 0.8 : 0))))
            let churned = generator.nextUnitInterval() < risk
            // `cancel_reason` is only filled for churners: a leak.
            lines.append("c\(i),\(tenure),\(plan),\(i % 17 == 0 ? "" : String(calls)),\(churned ? "Yes" : "No"),\(churned ? "price" : "")")
        }
        let path = folder.path + "/customers.csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8))
        let output = try TenureBinary.run(["model", "train", "--table", path, "--label", "Churn", "--id", "id", "--json", "--folds", "3"])
        let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
        #expect(report.rows == 400 && report.churned > 40)
        #expect(report.leakageWarnings.map(\.column) == ["cancel_reason"])
        let clean = try TenureBinary.run(["model", "train", "--table", path, "--label", "Churn", "--id", "id", "--exclude", "cancel_reason", "--json", "--folds", "3"])
        let honest = try JSONDecoder().decode(Report.self, from: Data(clean.utf8))
        #expect(honest.leakageWarnings.isEmpty)
        #expect(honest.logisticRegression.meanAUC > 0.7 && honest.logisticRegression.meanAUC < 0.99)
        #expect(throws: (any Error).self) { try TenureBinary.run(["model", "train", "--table", path, "--label", "NoSuchColumn"]) }
    }
}
