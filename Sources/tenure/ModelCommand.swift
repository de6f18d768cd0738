import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Churn models.", subcommands: [Train.self, Score.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train churn models on the event log (default) or cross-validate them on a CSV table of customers.",
            discussion: """
                Event log: tenure model train --database tenure.sqlite --save churn-model.json
                  trains on the latest fully observed horizon (features one horizon before the last day, labels after \
                  it), backtests boosted trees and logistic regression one horizon earlier, and saves a versioned model \
                  file for `tenure model score` and `tenure serve --model`.
                Table:     tenure model train --table Customer_Churn.csv --label Churn --id customerID
                           tenure model train --table BankChurners.csv --label Attrition_Flag --positive "Attrited Customer"
                  columns that leak the label (single-feature AUC above --leakage-threshold, or determined by the \
                  label) are left out and named; --allow-leaky-features keeps them. --save refuses a model whose \
                  cross-validated AUC is 1.000 unless --allow-leaky-features is given.
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(help: "A customers CSV (header row; blanks are missing values) instead of the event log.") var table: String?
        @Option(help: "With --table: the label column (Yes/No, 1/0, true/false, or any values with --positive).") var label: String?
        @Option(help: "With --table: the label value of a churned customer (spaces trimmed, case ignored); every other value is retained.")
        var positive: String?
        @Option(help: "With --table: an id column to leave out of the features.") var id: String?
        @Option(help: "With --table: columns to leave out (comma separated).") var exclude: String?
        @Option(help: "With --table: cross-validation folds.") var folds = 5
        @Option(help: "With --table: a column whose single-feature AUC is above this is left out as leakage (1: only columns the label determines).")
        var leakageThreshold = ChurnTableTraining.defaultLeakageThreshold
        @Flag(help: "With --table: keep leaky columns (only warn) and allow saving a model with cross-validated AUC 1.000.")
        var allowLeakyFeatures = false
        @Option(help: "Random seed for the folds and the trees.") var seed: UInt64 = 42
        @Option(help: "Event log: churn horizon in days.") var horizon: Int32 = 90
        @Option(help: "Event log: what churn means within the horizon: no-activity (no event of any kind) or no-purchase.")
        var definition: ChurnLabel.Definition = .standard
        @Option(help: "Event log: boosted-trees or logistic-regression.") var learner: ChurnModelFile.Learner = .boostedTrees
        @Option(help: "Save the model (JSON) here: the event-log model file, or with --table the better table model.") var save: String?
        @Flag(help: "Print the full report as JSON.") var json = false

        func run() async throws {
            if let table {
                try trainTable(table)
            } else {
                try await trainEventLog()
            }
        }

        func trainEventLog() async throws {
            let store = try database.open()
            let snapshot = try await store.activitySnapshot()
            let attributes = try await store.customerAttributes(of: snapshot)
            var trees = ChurnBacktest.defaultOptions
            trees.seed = seed
            let file: ChurnModelFile
            do {
                file = try ChurnModelFile.train(
                    on: snapshot.activity, attributes: attributes, label: definition.label(horizonDays: horizon), learner: learner,
                    boostedTrees: trees)
            } catch {
                throw ValidationError("cannot train a churn model on \(database.database): \(error)")
            }
            if let save { try file.jsonData().write(to: URL(fileURLWithPath: save)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(file.backtest), as: UTF8.self))
                return
            }
            print("\(file.model.kindName) trained on \(ProgressLine.grouped(file.trainCount)) customers (\(ProgressLine.grouped(file.trainPositives)) churned: \(definition.rawValue)) as of \(DayNumber.isoString(file.trainCutoffDay)), horizon \(horizon) days")
            if let backtest = file.backtest {
                print("backtest: trained \(DayNumber.isoString(backtest.trainCutoffDay)), tested on \(ProgressLine.grouped(backtest.test.count)) customers as of \(DayNumber.isoString(backtest.testCutoffDay))")
                let rows = [("boosted-trees", backtest.test), ("logistic-regression", backtest.logisticRegressionTest)].map { name, m in
                    [name, String(format: "%.4f", m.rocAUC), String(format: "%.4f", m.averagePrecision),
                     String(format: "%.2f", m.liftTopDecile), String(format: "%.4f", m.brierScore)]
                } + [["recency alone", String(format: "%.4f", backtest.recencyBaselineAUC), "", "", ""]]
                print(TextTable(header: ["model", "AUC", "PR-AUC", "lift@10%", "Brier"], rows: rows).text(), terminator: "")
            } else {
                print("backtest: skipped (needs two horizons of history)")
            }
            if let save { print("saved to \(save)") }
        }

        func trainTable(_ table: String) throws {
            guard let label else { throw ValidationError("--table needs --label, the churn label column") }
            guard let data = FileManager.default.contents(atPath: table) else { throw ValidationError("cannot read \(table)") }
            let options = ChurnTableTraining.Options(
                labelColumn: label, positiveLabel: positive, idColumn: id,
                excludedColumns: exclude?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [],
                folds: folds, seed: seed, leakageThreshold: leakageThreshold, allowLeakyFeatures: allowLeakyFeatures,
                fitFinalModel: save != nil)
            let report: ChurnTrainingReport
            do {
                report = try ChurnTableTraining.train(data: data, options: options)
            } catch {
                throw ValidationError("\(table): \(error)")
            }
            // A refused save still prints the report, then fails without writing the file.
            var refusal: TableError?
            if let save {
                do {
                    try report.modelToSave().jsonData().write(to: URL(fileURLWithPath: save))
                } catch let error as TableError {
                    refusal = error
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                printTableReport(report, saved: refusal == nil ? save : nil)
            }
            if let refusal { throw ValidationError("\(table): \(refusal)") }
        }

        func printTableReport(_ report: ChurnTrainingReport, saved: String?) {
            let churned = positive.map { " (\(label ?? "label") = \($0))" } ?? ""
            print("\(ProgressLine.grouped(report.rows)) customers, \(ProgressLine.grouped(report.churned)) churned\(churned), \(report.columns.count) feature columns, \(report.folds)-fold stratified cross-validation (seed \(report.seed))")
            for leak in report.excludedLeakyColumns {
                print("excluded \(leak.column) as leakage: \(leak.message); it is probably recorded after the outcome — pass --allow-leaky-features to keep it if it is known before churn")
            }
            for warning in report.leakageWarnings {
                print("warning: \(warning.message); it is probably recorded after the outcome (leakage) or an identifier — exclude it unless it is known before churn")
            }
            let rows = [report.logisticRegression, report.boostedTrees].map { m in
                [m.name, String(format: "%.4f", m.meanAUC), String(format: "%.4f", m.stdAUC), String(format: "%.4f", m.outOfFold.averagePrecision),
                 String(format: "%.2f", m.outOfFold.liftTopDecile), String(format: "%.4f", m.outOfFold.brierScore)]
            }
            print(TextTable(header: ["model", "AUC", "± sd", "PR-AUC", "lift@10%", "Brier"], rows: rows).text(), terminator: "")
            print("better model: \(report.betterModel)" + (saved.map { ", saved to \($0)" } ?? (save == nil ? "" : ", not saved")))
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score today's customers with a saved event-log churn model (no training).",
            discussion: "Example: tenure model score --model churn-model.json --top 20 --format csv")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "A model file written by `tenure model train --save`.") var model: String
        @Option(help: "How many customers to list, riskiest first (0: all).") var top = 50
        @Option(help: "table, csv or json.") var format: ReportCommand.Format = .table

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: model) else { throw ValidationError("cannot read \(model)") }
            let file: ChurnModelFile
            do {
                file = try ChurnModelFile(jsonData: data)
            } catch {
                throw ValidationError("\(model): \(error)")
            }
            let store = try database.open()
            let snapshot = try await store.activitySnapshot()
            let attributes = try await store.customerAttributes(of: snapshot)
            let scores: ChurnScores
            do {
                scores = try file.score(snapshot.activity, attributes: attributes)
            } catch {
                throw ValidationError("cannot score: \(error)")
            }
            var order = Array(scores.customers.indices)
            order.sort { (scores.scored.probabilities[$0], scores.customers[$1]) > (scores.scored.probabilities[$1], scores.customers[$0]) }
            if top > 0 { order = Array(order.prefix(top)) }
            let userIds = try await store.userIds(of: order.map { snapshot.customerIds[scores.customers[$0]] })
            let rows = zip(order, userIds).map { row, user in
                ScoredRow(customer: user ?? "#\(scores.customers[row])", churnRisk: scores.scored.probabilities[row],
                          reasons: scores.scored.reasons(row: row, in: scores.features))
            }
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            case .csv, .table:
                let table = TextTable(header: ["customer", "risk", "top reasons"], rows: rows.map { r in
                    [r.customer, String(format: "%.3f", r.churnRisk), r.reasons.map { "\($0.feature)=\($0.value ?? "missing")" }.joined(separator: "; ")]
                })
                print(format == .csv ? table.csv() : table.text(), terminator: "")
                if format == .table {
                    print("scored \(ProgressLine.grouped(scores.customers.count)) customers as of \(DayNumber.isoString(scores.cutoffDay)) with a \(file.model.kindName) model trained as of \(DayNumber.isoString(file.trainCutoffDay))")
                }
            }
        }
    }
}

/// One customer's churn risk with its reasons.
struct ScoredRow: Encodable {
    var customer: String
    var churnRisk: Double
    var reasons: [FeatureContributions.Reason]
}

extension ChurnModelFile.Learner: ExpressibleByArgument {}
extension ChurnLabel.Definition: ExpressibleByArgument {}
