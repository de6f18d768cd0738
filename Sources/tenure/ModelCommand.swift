import ArgumentParser
import Foundation
import TenureCore

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Churn models.", subcommands: [Train.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train and cross-validate churn models on a CSV table of customers (one row each, a churn label column).",
            discussion: "Example: tenure model train --table Customer_Churn.csv --label Churn --id customerID")

        @Option(help: "The customers CSV (header row; blanks are missing values).") var table: String
        @Option(help: "The label column (Yes/No, 1/0, true/false).") var label: String
        @Option(help: "An id column to leave out of the features.") var id: String?
        @Option(help: "Columns to leave out (comma separated).") var exclude: String?
        @Option(help: "Cross-validation folds.") var folds = 5
        @Option(help: "Random seed for the folds and the trees.") var seed: UInt64 = 42
        @Option(help: "Save the better model (JSON) here.") var save: String?
        @Flag(help: "Print the full report as JSON.") var json = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: table) else { throw ValidationError("cannot read \(table)") }
            let options = ChurnTableTraining.Options(
                labelColumn: label, idColumn: id,
                excludedColumns: exclude?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [],
                folds: folds, seed: seed, fitFinalModel: save != nil)
            let report: ChurnTrainingReport
            do {
                report = try ChurnTableTraining.train(data: data, options: options)
            } catch {
                throw ValidationError("\(table): \(error)")
            }
            if let save, let model = report.finalModel {
                try model.jsonData().write(to: URL(fileURLWithPath: save))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print("\(ProgressLine.grouped(report.rows)) customers, \(ProgressLine.grouped(report.churned)) churned, \(report.columns.count) feature columns, \(report.folds)-fold stratified cross-validation (seed \(report.seed))")
            for warning in report.leakageWarnings { print("warning: \(warning.message)") }
            let rows = [report.logisticRegression, report.boostedTrees].map { m in
                [m.name, String(format: "%.4f", m.meanAUC), String(format: "%.4f", m.stdAUC), String(format: "%.4f", m.outOfFold.averagePrecision),
                 String(format: "%.2f", m.outOfFold.liftTopDecile), String(format: "%.4f", m.outOfFold.brierScore)]
            }
            print(TextTable(header: ["model", "AUC", "± sd", "PR-AUC", "lift@10%", "Brier"], rows: rows).text(), terminator: "")
            print("better model: \(report.betterModel)" + (save.map { ", saved to \($0)" } ?? ""))
        }
    }
}
