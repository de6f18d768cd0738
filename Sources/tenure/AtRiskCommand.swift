import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct AtRiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "at-risk",
        abstract: "Valuable customers most likely to leave: churn risk × predicted CLV, with reasons and a suggested action.",
        discussion: """
            Trains gradient-boosted trees on the snapshot as it was one horizon ago (labels: no activity within the \
            horizon, or no purchase with --definition no-purchase), scores today's active customers, and values them with BG/NBD + Gamma-Gamma (undiscounted CLV \
            over --clv-weeks). Also prints the backtest quality of the same model one horizon earlier.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "How many customers to list.") var top = 50
    @Option(help: "Churn horizon in days.") var horizon: Int32 = 90
    @Option(help: "What churn means within the horizon: no-activity (no event of any kind) or no-purchase.")
    var definition: ChurnLabel.Definition = .standard
    @Option(help: "CLV horizon in weeks.") var clvWeeks: Double = 52
    @Option(help: "table, csv or json.") var format: ReportCommand.Format = .table
    @Option(help: "Rank with this saved churn model (`tenure model train --save`) instead of training now.") var model: String?

    func run() async throws {
        let store = try database.open()
        let snapshot = try await store.activitySnapshot()
        let attributes = try await store.customerAttributes(of: snapshot)
        let report: AtRiskReport
        do {
            let ranking = AtRiskRanking(label: definition.label(horizonDays: horizon), clvHorizonWeeks: clvWeeks, limit: top)
            if let model {
                guard let data = FileManager.default.contents(atPath: model) else { throw ValidationError("cannot read \(model)") }
                report = try ranking.rank(snapshot.activity, attributes: attributes, using: ChurnModelFile(jsonData: data))
            } else {
                report = try ranking.run(on: snapshot.activity, attributes: attributes)
            }
        } catch {
            throw ValidationError("cannot rank customers: \(error)")
        }
        let userIds = try await store.userIds(of: report.customers.map { snapshot.customerIds[$0.customer] })
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(AtRiskListing(report: report, userIds: userIds)), as: UTF8.self))
        case .csv, .table:
            let table = TextTable(
                header: ["customer", "risk", "P(alive)", "CLV", "expected loss", "top reasons", "suggested action"],
                rows: zip(report.customers, userIds).map { c, user in
                    [user ?? "#\(c.customer)", String(format: "%.2f", c.churnRisk), c.probabilityAlive.map { String(format: "%.2f", $0) } ?? "-",
                     String(format: "%.2f", c.predictedCLV), String(format: "%.2f", c.expectedLoss),
                     c.reasons.map { "\($0.feature)=\($0.value ?? "missing")" }.joined(separator: "; "), c.action.rawValue]
                })
            print(format == .csv ? table.csv() : table.text(), terminator: "")
            if format == .table {
                print("scored \(ProgressLine.grouped(report.scoredCount)) active customers; model trained on \(ProgressLine.grouped(report.trainCount)) customers as of \(DayNumber.isoString(report.trainCutoffDay))")
            }
        }
    }
}

/// The at-risk report with each customer's own id.
struct AtRiskListing: Encodable {
    var report: AtRiskReport
    var userIds: [String?]
}
