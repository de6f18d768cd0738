import Foundation
import Testing
import TenureCore

/// `tenure model train` on a customers table, as a user runs it.
@Suite struct ModelTrainCommandTests {
    struct Report: Decodable {
        struct Evaluation: Decodable { var meanAUC: Double }
        struct Leak: Decodable {
            var column: String
            var reason: String
            var singleColumnAUC: Double
        }
        struct Column: Decodable { var name: String }
        var rows: Int
        var churned: Int
        var columns: [Column]
        var logisticRegression: Evaluation
        var boostedTrees: Evaluation
        var excludedLeakyColumns: [Leak]
        var leakageWarnings: [Leak]
        var perfectSeparation: Bool
    }

    /// How a run of the binary ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tenure args…` and keeps its exit status and both outputs (``TenureBinary/run(_:)``
    /// drops standard error and throws on failure).
    static func run(_ args: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TenureBinary.path)
        process.arguments = args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func write(_ lines: [String], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8))
    }

    /// Churn from tenure, support calls and plan; `cancel_reason` is filled for churners only (a leak).
    static func customersWithLeak(at path: String) {
        var generator = SeededGenerator(seed: 3)
        var lines = ["id,tenure_months,plan,support_calls,Churn,cancel_reason"]
        for i in 0..<400 {
            let tenure = Int(generator.next() % 60)
            let calls = Int(generator.next() % 6)
            let plan = ["basic", "plus", "pro"][Int(generator.next() % 3)]
            let risk = 1 / (1 + exp(-(-1.5 - 0.06 * Double(tenure) + 0.7 * Double(calls) + (plan == "basic" ? 0.8 : 0))))
            let churned = generator.nextUnitInterval() < risk
            let reason = churned ? ["price", "service", "moved"][Int(generator.next() % 3)] : ""
            lines.append("c\(i),\(tenure),\(plan),\(i % 17 == 0 ? "" : String(calls)),\(churned ? "Yes" : "No"),\(reason)")
        }
        write(lines, to: path)
    }

    @Test func excludesALeakingColumnAndSavesTheHonestModel() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/customers.csv", modelPath = folder.path + "/model.json"
        Self.customersWithLeak(at: path)
        let base = ["model", "train", "--table", path, "--label", "Churn", "--id", "id", "--folds", "3"]
        let output = try TenureBinary.run(base + ["--json", "--save", modelPath])
        let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
        #expect(report.rows == 400 && report.churned > 40)
        #expect(report.excludedLeakyColumns.map(\.column) == ["cancel_reason"])
        #expect(report.excludedLeakyColumns.first?.reason == "single-feature-auc")
        #expect(report.excludedLeakyColumns.first?.singleColumnAUC ?? 0 > 0.98)
        #expect(report.columns.map(\.name) == ["tenure_months", "plan", "support_calls"])
        #expect(report.leakageWarnings.isEmpty)
        #expect(report.logisticRegression.meanAUC > 0.7 && report.logisticRegression.meanAUC < 0.99)
        #expect(report.boostedTrees.meanAUC < 0.99)
        // The saved model reads only the honest columns.
        let saved = try #require(FileManager.default.contents(atPath: modelPath))
        let model = try ChurnModel(jsonData: saved)
        #expect(model.features.map(\.name) == ["tenure_months", "plan", "support_calls"])

        let text = try TenureBinary.run(base)
        #expect(text.contains("excluded cancel_reason as leakage"))
        #expect(text.contains("--allow-leaky-features"))
        #expect(throws: (any Error).self) { try TenureBinary.run(["model", "train", "--table", path, "--label", "NoSuchColumn"]) }
    }

    @Test func allowLeakyFeaturesKeepsTheColumnWarnsAndSaves() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/customers.csv", modelPath = folder.path + "/model.json"
        Self.customersWithLeak(at: path)
        let output = try TenureBinary.run(["model", "train", "--table", path, "--label", "Churn", "--id", "id", "--folds", "3",
                                           "--allow-leaky-features", "--json", "--save", modelPath])
        let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
        #expect(report.excludedLeakyColumns.isEmpty)
        #expect(report.leakageWarnings.map(\.column) == ["cancel_reason"])
        #expect(report.perfectSeparation)
        // The flag is the user's word that the leak is wanted, so the AUC-1.000 model is written.
        let saved = try #require(FileManager.default.contents(atPath: modelPath))
        #expect(try ChurnModel(jsonData: saved).features.map(\.name).contains("cancel_reason"))
    }

    @Test func refusesToSaveAModelWithCrossValidatedAUCOne() throws {
        let folder = TemporaryFolder()
        // Genuine features that separate perfectly together: churn = basic plan AND monthly contract.
        var generator = SeededGenerator(seed: 8)
        var lines = ["id,plan,contract,age,churned"]
        for i in 0..<300 {
            let plan = generator.next() % 2 == 0 ? "basic" : "pro"
            let contract = generator.next() % 2 == 0 ? "monthly" : "yearly"
            lines.append("c\(i),\(plan),\(contract),\(20 + generator.next() % 50),\(plan == "basic" && contract == "monthly" ? 1 : 0)")
        }
        let perfect = folder.path + "/perfect.csv", modelPath = folder.path + "/model.json"
        Self.write(lines, to: perfect)
        let args = ["model", "train", "--table", perfect, "--label", "churned", "--id", "id", "--folds", "3", "--save", modelPath]
        let refused = try Self.run(args)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refusing to save"))
        #expect(refused.stderr.contains("1.000"))
        #expect(refused.stdout.contains("not saved"))
        #expect(!FileManager.default.fileExists(atPath: modelPath))

        // A leaky column kept by turning the AUC rule off (--leakage-threshold 1) hits the same refusal.
        let leaky = folder.path + "/customers.csv"
        Self.customersWithLeak(at: leaky)
        let kept = try Self.run(["model", "train", "--table", leaky, "--label", "Churn", "--id", "id", "--folds", "3",
                                 "--leakage-threshold", "1", "--save", modelPath])
        #expect(kept.status != 0)
        #expect(kept.stderr.contains("refusing to save"))
        #expect(!FileManager.default.fileExists(atPath: modelPath))

        let allowed = try Self.run(args + ["--allow-leaky-features"])
        #expect(allowed.status == 0)
        #expect(allowed.stdout.contains("saved to \(modelPath)"))
        #expect(FileManager.default.fileExists(atPath: modelPath))
    }

    @Test func trainsOnWordLabelsWithPositive() throws {
        let folder = TemporaryFolder()
        // BankChurners-like: Attrition_Flag is "Attrited Customer" or "Existing Customer".
        var generator = SeededGenerator(seed: 4)
        var lines = ["CLIENTNUM,Attrition_Flag,Customer_Age,Gender,Total_Trans_Ct,Months_Inactive_12_mon"]
        var attritedCount = 0
        for i in 0..<400 {
            let transactions = 10 + Int(generator.next() % 120)
            let inactive = Int(generator.next() % 6)
            let risk = 1 / (1 + exp(-(1.5 - 0.04 * Double(transactions) + 0.5 * Double(inactive))))
            let attrited = generator.nextUnitInterval() < risk
            if attrited { attritedCount += 1 }
            lines.append("\(708_000_000 + i),\(attrited ? "Attrited Customer" : "Existing Customer"),\(26 + generator.next() % 45),\(generator.next() % 2 == 0 ? "F" : "M"),\(transactions),\(inactive)")
        }
        let path = folder.path + "/BankChurners.csv"
        Self.write(lines, to: path)
        let base = ["model", "train", "--table", path, "--label", "Attrition_Flag", "--id", "CLIENTNUM", "--folds", "3"]
        let output = try TenureBinary.run(base + ["--positive", "Attrited Customer", "--json"])
        let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
        #expect(report.rows == 400)
        #expect(report.churned == attritedCount)
        #expect(report.excludedLeakyColumns.isEmpty)
        #expect(report.logisticRegression.meanAUC > 0.7 && report.logisticRegression.meanAUC < 0.99)

        let failed = try Self.run(base)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("\"Existing Customer\" (\(400 - attritedCount) rows)"))
        #expect(failed.stderr.contains("\"Attrited Customer\" (\(attritedCount) rows)"))
        #expect(failed.stderr.contains("--positive"))

        let missing = try Self.run(base + ["--positive", "Churned"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("\"Churned\""))
        #expect(missing.stderr.contains("\"Attrited Customer\""))
    }
}
