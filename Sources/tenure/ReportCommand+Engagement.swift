import ArgumentParser
import Foundation
import TenureCore
import TenureStore

extension ReportCommand {
    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retention rate per period: customers active at its start and still active at its end.",
            discussion: "Non-contractual by default (active = bought within the inactivity window); --contractual uses subscriptions.")
        @OptionGroup var common: Common
        @Option(help: "Inactivity window in days (default: derived from the data's inter-purchase times).") var window: Int32?
        @Flag(help: "Subscription retention: customers with a subscription at the period's start who kept one.") var contractual = false

        func run() async throws {
            let (snapshot, range) = try await common.load()
            if let window, window < 1 { throw ValidationError("--window must be a number of days, 1 or more") }
            let report = common.churnReport(snapshot, range, window: window, contractual: contractual)
            try common.emit(report) {
                TextTable(
                    header: ["period", "active at start", "retained", "retention", "churn rate", "complete"],
                    rows: report.rows.map {
                        [$0.period.label, String($0.activeAtStart), String($0.activeAtStart - $0.lost), String(format: "%.2f%%", $0.retentionRate * 100),
                         String(format: "%.2f%%", $0.churnRate * 100), $0.incomplete ? "no" : "yes"]
                    })
            }
        }
    }

    struct RFMMovement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rfm-movement",
            abstract: "How customers moved between RFM segments from --from to --to.",
            discussion: "Table and CSV list the non-empty (from, to) pairs, largest first; JSON has the full segment × segment table.")
        @OptionGroup var common: Common
        @Option(help: "Second scoring date, YYYY-MM-DD (default: the last event's day).") var to: String?
        @Option(help: "Only purchases this many days before each scoring date count (default: all history).") var lookback: Int32?

        struct Movement: Encodable {
            var from: String
            var to: String
            var labels: [String]
            var counts: [[Int]]
        }

        func run() async throws {
            guard let fromText = common.from else { throw ValidationError("--from (the first scoring date) is required") }
            if let lookback, lookback < 1 { throw ValidationError("--lookback must be a number of days, 1 or more") }
            let (snapshot, range) = try await common.load()
            let from = try Common.day(fromText, "--from")
            let to = try to.map { try Common.day($0, "--to") } ?? range.last
            guard from < to else { throw ValidationError("--from must be before --to") }
            let matrix = RFMTransitionMatrix(
                snapshot: snapshot.activity, query: RFMQuery(asOf: to, lookbackDays: lookback), from: from, to: to)
            var moves: [(from: String, to: String, customers: Int)] = []
            for (i, row) in matrix.counts.enumerated() {
                for (j, n) in row.enumerated() where n > 0 { moves.append((matrix.labels[i], matrix.labels[j], n)) }
            }
            let ordered = moves.enumerated().sorted { ($1.element.customers, $0.offset) < ($0.element.customers, $1.offset) }.map(\.element)
            try common.emit(Movement(from: DayNumber.isoString(from), to: DayNumber.isoString(to), labels: matrix.labels, counts: matrix.counts)) {
                TextTable(
                    header: ["segment at " + DayNumber.isoString(from), "segment at " + DayNumber.isoString(to), "customers"],
                    rows: ordered.map { [$0.from, $0.to, String($0.customers)] })
            }
        }
    }

    struct Stickiness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stickiness: how many customers were active in 1, 2, 3… periods of the range.")
        @OptionGroup var common: Common
        @Option(help: "Activity: any (default), purchase, or event names, comma-separated.") var activity = "any"

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let selection = try Common.events(activity, "--activity", in: snapshot.activity.eventTypes)
            let report = StickinessQuery(activity: selection, unit: common.unit, range: range).run(on: snapshot.activity)
            try common.emit(report) {
                TextTable(
                    header: ["\(common.unit.rawValue)s active", "customers", "share"],
                    rows: report.rows.map { [String($0.periodsActive), String($0.customers), String(format: "%.1f%%", $0.share * 100)] })
            }
        }
    }
}
