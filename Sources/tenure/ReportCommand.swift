import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Retention reports from the store: cohorts, churn and retention, RFM, MRR, lifecycle, purchases, CLV, lifetimes, stickiness.",
        subcommands: [
            Cohorts.self, Churn.self, Retention.self, RFM.self, RFMMovement.self, MRR.self, Lifecycle.self, Purchases.self,
            CLV.self, Lifetime.self, Stickiness.self,
        ])

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    struct Common: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Option(help: "day, week, month or quarter.") var unit: PeriodUnit = .month
        @Option(help: "First day, YYYY-MM-DD (default: the first event's day).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD (default: the last event's day).") var through: String?
        @Option(help: "table, csv or json.") var format: Format = .table

        /// Churn and retention per period: from subscriptions when `contractual`, else from
        /// purchases with the inactivity window (derived from the data when nil), which a table
        /// states first.
        func churnReport(_ snapshot: StoreSnapshot, _ range: DayRange, window: Int32?, contractual: Bool) -> ChurnReport {
            let report = contractual
                ? ContractualChurnQuery(unit: unit, range: range, asOf: range.last).run(on: snapshot.subscriptions(asOf: range.last))
                : NonContractualChurnQuery(activity: .purchases, windowDays: window, unit: unit, range: range).run(on: snapshot.activity)
            if format == .table, let window = report.inactivityWindow { print("inactivity window: \(window.explanation)") }
            return report
        }

        func load() async throws -> (StoreSnapshot, DayRange) {
            let snapshot = try await database.open().activitySnapshot()
            guard let data = snapshot.activity.dayRange else { throw ValidationError("the store has no events yet") }
            let first = try from.map { try Self.day($0, "--from") } ?? data.lowerBound
            let last = try through.map { try Self.day($0, "--through") } ?? data.upperBound
            guard first <= last else { throw ValidationError("--from must not be after --through") }
            return (snapshot, DayRange(first: first, last: last))
        }

        /// An event selector typed by the user (see ``EventSelection/parse(_:in:)``).
        static func events(_ text: String, _ option: String, in table: EventTypeTable) throws -> EventSelection {
            guard let selection = EventSelection.parse(text, in: table) else {
                throw ValidationError("\(option) must be purchase, any, or names of events in the store (comma-separated), such as \"Order Completed\"")
            }
            return selection
        }

        static func day(_ text: String, _ option: String) throws -> Int32 {
            guard let date = ISO8601Timestamp.parse(text) else { throw ValidationError("\(option) must be a date such as 2026-01-31") }
            return Int32((date.timeIntervalSince1970 / 86_400).rounded(.down))
        }

        func emit(_ value: some Encodable, _ table: () -> TextTable) throws {
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(value), as: UTF8.self))
            case .csv: print(table().csv(), terminator: "")
            case .table: print(table().text(), terminator: "")
            }
        }
    }

    struct Cohorts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cohort retention matrix, PostHog-style: cohorts by start event, cells by return event.",
            discussion: """
                Cells of periods not yet over are marked * (table and CSV); JSON has counts, percentages, revenue \
                and incomplete flags for every cell.
                """)
        enum Kind: String, ExpressibleByArgument, CaseIterable { case firstTime = "first-time", recurring }
        enum Values: String, ExpressibleByArgument, CaseIterable { case counts, percentages, revenue }

        @OptionGroup var common: Common
        @Option(help: "Start event: purchase, any, or event names, comma-separated (e.g. \"Session Started\").") var start = "purchase"
        @Option(name: .customLong("return"), help: "Return event, as for --start.") var returnEvent = "purchase"
        @Option(help: "first-time (a customer's first start event) or recurring (every period with one).") var kind: Kind = .firstTime
        @Flag(help: "Count customers active in the period or any later one.") var onOrAfter = false
        @Option(help: "counts, percentages or revenue.") var values: Values = .counts
        @Flag(help: "Same as --values percentages.") var percent = false

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let types = snapshot.activity.eventTypes
            let matrix = CohortRetentionQuery(
                startEvent: try Common.events(start, "--start", in: types), returnEvent: try Common.events(returnEvent, "--return", in: types),
                cohortType: kind == .recurring ? .recurring : .firstTime, mode: onOrAfter ? .onOrAfter : .exact, unit: common.unit, range: range,
                asOf: range.last
            ).run(on: snapshot.activity)
            let shown = percent ? .percentages : values
            let anyIncomplete = matrix.cohorts.contains { $0.incomplete.contains(true) }
            try common.emit(matrix) {
                let width = matrix.cohorts.map(\.counts.count).max() ?? 0
                return TextTable(
                    header: ["cohort", "size"] + (0..<width).map { "+\($0)" },
                    rows: matrix.cohorts.map { cohort in
                        let cells: [String] = switch shown {
                        case .counts: cohort.counts.map(String.init)
                        case .percentages: cohort.percentages.map { String(format: "%.1f%%", $0) }
                        case .revenue: cohort.revenue.map { String(format: "%.2f", $0) }
                        }
                        return [cohort.period.label, String(cohort.size)]
                            + zip(cells, cohort.incomplete).map { $1 ? $0 + "*" : $0 }
                    })
            }
            if common.format == .table && anyIncomplete { print("* period not over yet") }
        }
    }

    struct Churn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Churn rate per period: customers lost ÷ customers active at its start.",
            discussion: "Non-contractual by default (lost = no purchase for the inactivity window); --contractual counts subscription ends.")
        @OptionGroup var common: Common
        @Option(help: "Inactivity window in days (default: derived from the data's inter-purchase times).") var window: Int32?
        @Flag(help: "Subscription churn: a subscription ended in the period.") var contractual = false

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let report = common.churnReport(snapshot, range, window: window, contractual: contractual)
            try common.emit(report) {
                TextTable(
                    header: ["period", "active at start", "lost", "churn rate", "retention", "acquired", "reactivated", "complete"],
                    rows: report.rows.map {
                        [$0.period.label, String($0.activeAtStart), String($0.lost), String(format: "%.2f%%", $0.churnRate * 100),
                         String(format: "%.2f%%", $0.retentionRate * 100), String($0.acquired), String($0.reactivated), $0.incomplete ? "no" : "yes"]
                    })
            }
        }
    }

    struct RFM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "RFM scores and named segments with their revenue share, scored at --through.")
        @OptionGroup var common: Common
        @Option(help: "Only purchases this many days before the scoring date count (default: all history).") var lookback: Int32?

        func run() async throws {
            let (snapshot, range) = try await common.load()
            if let lookback, lookback < 1 { throw ValidationError("--lookback must be a number of days, 1 or more") }
            let report = RFMQuery(asOf: range.last, lookbackDays: lookback).run(on: snapshot.activity)
            try common.emit(report.summary) {
                TextTable(
                    header: ["segment", "customers", "share", "revenue", "revenue share"],
                    rows: report.summary.map {
                        [$0.name, String($0.customers), String(format: "%.1f%%", $0.customerShare * 100), String(format: "%.2f", $0.revenue),
                         String(format: "%.1f%%", $0.revenueShare * 100)]
                    })
            }
        }
    }
}

extension ReportCommand {
    struct MRR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Monthly recurring revenue movements and net revenue retention.")
        @OptionGroup var common: Common

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let report = RecurringRevenueQuery(unit: common.unit, range: range, asOf: range.last).run(on: snapshot.subscriptions(asOf: range.last))
            try common.emit(report) {
                TextTable(
                    header: ["period", "opening", "new", "expansion", "contraction", "churned", "reactivation", "closing", "revenue churn", "NRR"],
                    rows: report.rows.map { r in
                        [r.period.label] + [r.openingMRR, r.newMRR, r.expansionMRR, r.contractionMRR, r.churnedMRR, r.reactivationMRR, r.closingMRR]
                            .map { String(format: "%.2f", $0) }
                            + [String(format: "%.1f%%", r.revenueChurnRate * 100), String(format: "%.1f%%", r.netRevenueRetention * 100)]
                    })
            }
        }
    }

    struct Lifecycle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "New, returning, resurrecting and dormant customers per period.")
        @OptionGroup var common: Common

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let report = LifecycleQuery(unit: common.unit, range: range).run(on: snapshot.activity)
            try common.emit(report) {
                TextTable(
                    header: ["period", "new", "returning", "resurrecting", "dormant"],
                    rows: report.rows.map { [$0.period.label, String($0.new), String($0.returning), String($0.resurrecting), String($0.dormant)] })
            }
        }
    }
}

extension PeriodUnit: ExpressibleByArgument {}
