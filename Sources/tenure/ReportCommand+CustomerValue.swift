import ArgumentParser
import Foundation
import TenureCore
import TenureStore

extension ReportCommand {
    struct Purchases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Orders, revenue, average order value, purchase frequency and repeat-purchase rate per period.")
        @OptionGroup var common: Common

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let report = PurchaseMetricsQuery(unit: common.unit, range: range).run(on: snapshot.activity)
            try common.emit(report) {
                TextTable(
                    header: ["period", "orders", "revenue", "purchasers", "repeat purchasers", "AOV", "frequency", "repeat rate", "returning", "complete"],
                    rows: report.rows.map { r in
                        [r.period.label] + Self.cells(r.figures) + [String(r.returningPurchasers), r.incomplete ? "no" : "yes"]
                    } + [["all"] + Self.cells(report.range) + ["", ""]])
            }
            if common.format == .table {
                print(String(
                    format: "lifetime repeat-purchase rate: %.1f%% (%d of %d customers who ever bought)",
                    report.lifetimeRepeatPurchaseRate * 100, report.customersEverRepeated, report.customersEverPurchased))
            }
        }

        static func cells(_ f: PurchaseMetricsReport.Figures) -> [String] {
            [String(f.orders), String(format: "%.2f", f.revenue), String(f.purchasers), String(f.repeatPurchasers),
             String(format: "%.2f", f.averageOrderValue), String(format: "%.2f", f.purchaseFrequency), String(format: "%.1f%%", f.repeatPurchaseRate * 100)]
        }
    }

    struct CLV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Historical customer lifetime value: cumulative revenue per customer of each first-purchase cohort.",
            discussion: "JSON adds every purchasing customer's orders and revenue (customer indices of the snapshot).")
        @OptionGroup var common: Common

        func run() async throws {
            let (snapshot, range) = try await common.load()
            let report = HistoricalCLVQuery(unit: common.unit, range: range).run(on: snapshot.activity)
            try common.emit(report) {
                let width = report.cohorts.map(\.cumulativeRevenuePerCustomer.count).max() ?? 0
                return TextTable(
                    header: ["cohort", "customers"] + (0..<width).map { "+\($0)" },
                    rows: report.cohorts.map { c in
                        [c.period.label, String(c.customers)]
                            + zip(c.cumulativeRevenuePerCustomer, c.incomplete).map { String(format: "%.2f", $0) + ($1 ? "*" : "") }
                    })
            }
            if common.format == .table {
                print(String(format: "average revenue per purchasing customer: %.2f (%d customers)", report.averageRevenuePerCustomer, report.customers.count))
            }
        }
    }

    struct Lifetime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Customer lifetime (Kaplan–Meier): median and mean lifetime and survival, overall and per cohort or plan.",
            discussion: "Non-contractual (purchases and an inactivity window) unless --grouping plan, which uses subscriptions.")
        enum Grouping: String, ExpressibleByArgument, CaseIterable { case none, cohort, plan }

        @OptionGroup var common: Common
        @Option(help: "none, cohort (by the period of the first purchase, see --unit) or plan (first subscription's plan).")
        var grouping: Grouping = .none
        @Option(help: "Inactivity window in days (default: derived from the data's inter-purchase times).") var window: Int32?

        func run() async throws {
            let (snapshot, range) = try await common.load()
            if let window, window < 1 { throw ValidationError("--window must be a number of days, 1 or more") }
            let report: CustomerLifetimeReport
            switch grouping {
            case .none: report = CustomerLifetimeQuery(grouping: .none, asOf: range.last).run(on: snapshot.activity, windowDays: window)
            case .cohort: report = CustomerLifetimeQuery(grouping: .cohort(common.unit), asOf: range.last).run(on: snapshot.activity, windowDays: window)
            case .plan: report = CustomerLifetimeQuery(grouping: .plan, asOf: range.last).run(on: snapshot.subscriptions(asOf: range.last))
            }
            if common.format == .table, let window = report.inactivityWindow { print("inactivity window: \(window.explanation)") }
            let days = [30, 90, 180, 365]
            let curves: [(label: String, curve: SurvivalCurve)] = [("all", report.overall)] + report.groups.map { ($0.label, $0.curve) }
            func row(_ label: String, _ curve: SurvivalCurve) -> [String] {
                let median = curve.medianDays.map { String($0) } ?? "—"
                let figures = [label, String(curve.subjects), String(curve.events), median, String(format: "%.0f", curve.restrictedMeanDays)]
                return figures + days.map { String(format: "%.1f%%", curve.survival(at: $0) * 100) }
            }
            try common.emit(report) {
                TextTable(
                    header: ["group", "customers", "lost", "median days", "mean days"] + days.map { "alive at \($0)d" },
                    rows: curves.map { row($0.label, $0.curve) })
            }
        }
    }
}
