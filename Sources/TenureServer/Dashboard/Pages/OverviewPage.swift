import Foundation
import TenureCore

/// Overview: the headline KPIs of the last complete month, each against the month before.
struct OverviewPage: Sendable {
    struct KPI: Sendable {
        var key: String
        var name: String
        /// The number as shown.
        var value: String
        /// The exact number (for tests and scripts reading the page).
        var raw: String
        var change: String
        /// `up-good`, `up-bad`, `down-good`, `down-bad` or `flat`: colours the change.
        var trend: String
        var spark: String
        var note: String
    }

    var kpis: [KPI]
    var charts: [Chart]
    var scoring: String?
    var periodLabel: String

    /// The snapshot's figures (everything but the at-risk model, which is trained separately).
    struct Figures: Sendable {
        var period: String
        var previousPeriod: String
        var churn: ChurnReport
        var completeRows: [ChurnReport.Row]
        var purchases: PurchaseMetricsReport
        var purchasesAtEnd: PurchaseMetricsReport
        var purchasesAtPreviousEnd: PurchaseMetricsReport
        var averageCLV: Double
        var previousAverageCLV: Double
    }

    static func figures(_ snapshot: DashboardSnapshot) -> Figures? {
        guard let range = snapshot.range else { return nil }
        let activity = snapshot.activity
        let churn = NonContractualChurnQuery(unit: .month, range: range).run(on: activity)
        let complete = churn.rows.filter { !$0.incomplete }
        guard let current = complete.last ?? churn.rows.last else { return nil }
        let previous = complete.count >= 2 ? complete[complete.count - 2] : current
        let end = current.period.endDay, previousEnd = previous.period.endDay
        let purchases = PurchaseMetricsQuery(unit: .month, range: range).run(on: activity)
        let atEnd = PurchaseMetricsQuery(unit: .month, range: DayRange(first: range.first, last: max(range.first, end))).run(on: activity)
        let atPreviousEnd = PurchaseMetricsQuery(unit: .month, range: DayRange(first: range.first, last: max(range.first, previousEnd))).run(on: activity)
        let clv = HistoricalCLVQuery(unit: .month, range: DayRange(first: range.first, last: max(range.first, end)), asOf: end).run(on: activity)
        let previousCLV = HistoricalCLVQuery(unit: .month, range: DayRange(first: range.first, last: max(range.first, previousEnd)), asOf: previousEnd)
            .run(on: activity)
        return Figures(
            period: current.period.label, previousPeriod: previous.period.label, churn: churn, completeRows: complete.isEmpty ? [current] : complete,
            purchases: purchases, purchasesAtEnd: atEnd, purchasesAtPreviousEnd: atPreviousEnd,
            averageCLV: clv.averageRevenuePerCustomer, previousAverageCLV: previousCLV.averageRevenuePerCustomer)
    }

    init(figures f: Figures?, atRisk: AtRiskData?) {
        guard let f else {
            kpis = []
            charts = []
            scoring = "No events yet: send some through the tracking API or run `tenure demo`."
            periodLabel = ""
            return
        }
        periodLabel = f.period
        let rows = f.completeRows
        let current = rows[rows.count - 1], previous = rows.count >= 2 ? rows[rows.count - 2] : current
        let trendRows = Array(rows.suffix(12))
        func revenue(_ label: String) -> Double { f.purchases.rows.first { $0.period.label == label }?.figures.revenue ?? 0 }
        let revenueTrend = trendRows.map { revenue($0.period.label) }
        var kpis: [KPI] = []
        func add(
            _ key: String, _ name: String, _ value: Double, _ previousValue: Double?, _ format: ChartFormat, higherIsBetter: Bool,
            spark: [Double] = [], note: String
        ) {
            var change = "no earlier period", trend = "flat"
            if let previousValue, f.previousPeriod != f.period {
                let delta = value - previousValue
                let deltaText: String
                switch format {
                case .percent: deltaText = String(format: "%+.1f pts", delta * 100)
                default:
                    deltaText = previousValue != 0 ? String(format: "%+.1f%%", delta / abs(previousValue) * 100) : (delta >= 0 ? "+" : "") + format.string(delta)
                }
                change = "\(deltaText) vs \(f.previousPeriod)"
                if abs(delta) > 1e-12 { trend = (delta > 0 ? "up-" : "down-") + ((delta > 0) == higherIsBetter ? "good" : "bad") }
            }
            kpis.append(KPI(
                key: key, name: name, value: format.string(value), raw: Self.raw(value), change: change, trend: trend,
                spark: SVGChart.sparkline(spark, label: "\(name), last \(spark.count) months"), note: note))
        }
        add(
            "customers", "Customers", Double(f.purchasesAtEnd.customersEverPurchased), Double(f.purchasesAtPreviousEnd.customersEverPurchased), .integer,
            higherIsBetter: true, note: "customers with an order by the end of \(f.period)")
        add(
            "active", "Active customers", Double(current.activeAtEnd), Double(previous.activeAtEnd), .integer, higherIsBetter: true,
            spark: trendRows.map { Double($0.activeAtEnd) }, note: "purchased within the \(f.churn.inactivityWindow?.days ?? 0)-day window at the end of \(f.period)")
        add(
            "churn-rate", "Churn rate", current.churnRate, previous.churnRate, .percent(1), higherIsBetter: false,
            spark: trendRows.map(\.churnRate), note: "\(ChartFormat.grouped(current.lost)) of \(ChartFormat.grouped(current.activeAtStart)) active customers lost in \(f.period)")
        add(
            "retention", "Retention", current.retentionRate, previous.retentionRate, .percent(1), higherIsBetter: true,
            spark: trendRows.map(\.retentionRate), note: "share of \(f.period)'s starting customers still active at its end")
        add(
            "revenue", "Revenue", revenue(f.period), revenue(f.previousPeriod), .money, higherIsBetter: true, spark: revenueTrend,
            note: "order value in \(f.period)")
        add(
            "repeat-rate", "Repeat-purchase rate", f.purchasesAtEnd.lifetimeRepeatPurchaseRate, f.purchasesAtPreviousEnd.lifetimeRepeatPurchaseRate,
            .percent(1), higherIsBetter: true, note: "customers with two or more orders, of all who ordered")
        add(
            "average-clv", "Average CLV", f.averageCLV, f.previousAverageCLV, .money, higherIsBetter: true,
            note: "historical: spend per customer to the end of \(f.period)")
        if let atRisk, let ranking = atRisk.ranking {
            kpis.append(KPI(
                key: "at-risk-count", name: "Valuable at risk", value: ChartFormat.grouped(atRisk.valuableCount), raw: String(atRisk.valuableCount),
                change: "scored as of \(DayNumber.isoString(ranking.cutoffDay))", trend: "flat", spark: "",
                note: "churn risk ≥ 50% and predicted CLV in the top 20%"))
            kpis.append(KPI(
                key: "expected-loss", name: "Expected loss", value: ChartFormat.money.string(atRisk.valuableLoss), raw: Self.raw(atRisk.valuableLoss),
                change: "next \(ranking.horizonDays) days' churn × 52-week CLV", trend: "flat", spark: "",
                note: "sum of risk × CLV over the valuable customers at risk"))
            scoring = nil
        } else if let error = atRisk?.error {
            scoring = "Valuable-at-risk figures are unavailable: \(error)"
        } else {
            scoring = "Scoring customers… the valuable-at-risk figures appear when the churn model is trained."
        }
        self.kpis = kpis
        let labels = rows.map(\.period.label)
        charts = [
            SVGChart.lines(
                id: "churn-trend", title: "Churn rate by month", summary: "Monthly churn rate from \(labels.first ?? "") to \(labels.last ?? ""); \(f.period): \(ChartFormat.percent(1).string(current.churnRate)).",
                labels: labels, series: [ChartSeries(name: "Churn rate", values: rows.map { $0.activeAtStart > 0 ? $0.churnRate : nil }, color: SVGChart.palette[5])],
                format: .percent(1), xTitle: "Month", yTitle: "Churn rate"),
            SVGChart.lines(
                id: "revenue-trend", title: "Revenue by month",
                summary: "Order revenue per month from \(labels.first ?? "") to \(labels.last ?? "").",
                labels: labels, series: [ChartSeries(name: "Revenue", values: rows.map { revenue($0.period.label) }, color: SVGChart.palette[0])],
                format: .money, xTitle: "Month", yTitle: "Revenue"),
        ]
    }

    /// Full precision, so a script can compare the page with the JSON API.
    static func raw(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
