import Foundation
import TenureCore
import TenureStore

/// Churn: the churn-rate trend under both definitions, exit reasons, and the model's backtest.
struct ChurnPage: Sendable {
    struct Backtest: Sendable {
        var explanation: String
        var auc: String
        var aucRaw: String
        var baselineAUC: String
        var lift: String
        var liftRaw: String
        var brier: String
        var testCount: String
        var charts: [Chart]
    }

    var charts: [Chart]
    var hasReasons: Bool
    var backtest: Backtest?
    var backtestPending: String?

    /// The trend and reasons part (fast); the backtest is trained separately.
    struct Trends: Sendable {
        var charts: [Chart]
        var hasReasons: Bool
    }

    static func trends(_ snapshot: DashboardSnapshot, reasons: [ReasonCount]) -> Trends {
        guard let range = snapshot.range else { return Trends(charts: [], hasReasons: !reasons.isEmpty) }
        let shop = NonContractualChurnQuery(unit: .month, range: range).run(on: snapshot.activity)
        let contract = ContractualChurnQuery(unit: .month, range: range, asOf: range.last).run(on: snapshot.subscriptions(asOf: range.last))
        let labels = shop.rows.map(\.period.label)
        var series = [ChartSeries(
            name: "No purchase within \(shop.inactivityWindow?.days ?? 0) days", values: shop.rows.map { $0.activeAtStart > 0 ? $0.churnRate : nil },
            color: SVGChart.palette[5])]
        let hasSubscriptions = contract.rows.contains { $0.activeAtStart > 0 }
        if hasSubscriptions {
            let byLabel = Dictionary(contract.rows.map { ($0.period.label, $0) }, uniquingKeysWith: { a, _ in a })
            series.append(ChartSeries(
                name: "Subscription ended", values: labels.map { byLabel[$0].flatMap { $0.activeAtStart > 0 ? $0.churnRate : nil } },
                color: SVGChart.palette[0], dashed: true))
        }
        var charts = [SVGChart.lines(
            id: "churn-definitions", title: "Monthly churn rate, both definitions",
            summary: "Share of active customers lost each month: \(shop.inactivityWindow?.explanation ?? "")"
                + (hasSubscriptions ? " The dashed line counts subscribers whose last subscription ended." : " No subscriptions, so only the purchase-based definition applies."),
            labels: labels, series: series, format: .percent(1), xTitle: "Month", yTitle: "Churn rate")]
        if !reasons.isEmpty {
            let total = reasons.reduce(0) { $0 + $1.count }
            charts.append(SVGChart.horizontalBars(
                id: "exit-reasons", title: "Why customers left (exit feedback)",
                summary: "\(ChartFormat.grouped(total)) exits with a reason, from subscription cancellations, exit surveys and account closures; most common: \(reasons[0].reason) (\(ChartFormat.grouped(reasons[0].count))).",
                items: reasons.prefix(12).map { ($0.reason, Double($0.count)) }, format: .integer, valueTitle: "Exits"))
        }
        return Trends(charts: charts, hasReasons: !reasons.isEmpty)
    }

    /// The out-of-time backtest: train one horizon back, test on the next (as `tenure demo` prints).
    static func backtest(_ snapshot: DashboardSnapshot) async -> Result<Backtest, BacktestFailure> {
        guard let range = snapshot.range else { return .failure(BacktestFailure(message: "no events yet")) }
        let attributes = await snapshot.attributes()
        let horizon = AtRiskData.horizonDays
        let report: ChurnBacktestReport
        do {
            report = try ChurnBacktest(label: .standard(horizonDays: horizon), trainCutoffDay: range.last - 2 * horizon)
                .run(on: snapshot.activity, attributes: attributes)
        } catch {
            return .failure(BacktestFailure(message: "\(error)"))
        }
        let test = report.test
        let baseRate = test.count > 0 ? Double(test.positives) / Double(test.count) : 0
        // Bins from the highest predicted risk down: cumulative share of customers → lift.
        var liftPoints: [(x: Double, y: Double)] = []
        var seen = 0, positives = 0.0
        for bin in test.calibration.sorted(by: { $0.meanPredicted > $1.meanPredicted }) where bin.count > 0 {
            seen += bin.count
            positives += bin.observedRate * Double(bin.count)
            let rate = positives / Double(seen)
            liftPoints.append((Double(seen) / Double(max(test.count, 1)), baseRate > 0 ? rate / baseRate : 0))
        }
        let calibration = test.calibration.filter { $0.count > 0 }.map { (x: $0.meanPredicted, y: $0.observedRate) }
        let charts = [
            SVGChart.xy(
                id: "lift", title: "Lift: churners found by targeting the riskiest first",
                summary: "Cumulative lift by share of test customers targeted, riskiest first; top decile lift \(String(format: "%.2f", test.liftTopDecile)).",
                series: [
                    XYSeries(name: "Model", points: liftPoints, color: SVGChart.palette[0], dots: true),
                    XYSeries(name: "Random targeting", points: [(0, 1), (1, 1)], color: SVGChart.palette[6], dashed: true),
                ],
                xFormat: .percent(0), yFormat: .decimal(1), xTitle: "Customers targeted", yTitle: "Lift", xRange: (0, 1)),
            SVGChart.xy(
                id: "calibration", title: "Calibration: predicted risk against what happened",
                summary: "Observed churn rate per band of predicted risk; points on the diagonal are well calibrated. Brier score \(String(format: "%.3f", test.brierScore)).",
                series: [
                    XYSeries(name: "Observed churn rate", points: calibration, color: SVGChart.palette[5], dots: true),
                    XYSeries(name: "Perfect calibration", points: [(0, 0), (1, 1)], color: SVGChart.palette[6], dashed: true),
                ],
                xFormat: .percent(0), yFormat: .percent(0), xTitle: "Predicted churn risk", yTitle: "Observed churn", xRange: (0, 1), yRange: (0, 1)),
        ]
        return .success(Backtest(
            explanation: "Trained on customers as of \(DayNumber.isoString(report.trainCutoffDay)) (\(ChartFormat.grouped(report.trainCount)), \(ChartFormat.grouped(report.trainPositives)) churned) and tested on what happened in the \(report.horizonDays) days after \(DayNumber.isoString(report.testCutoffDay)).",
            auc: String(format: "%.3f", test.rocAUC), aucRaw: "\(test.rocAUC)", baselineAUC: String(format: "%.3f", report.recencyBaselineAUC),
            lift: String(format: "%.2f×", test.liftTopDecile), liftRaw: "\(test.liftTopDecile)", brier: String(format: "%.3f", test.brierScore),
            testCount: ChartFormat.grouped(test.count), charts: charts))
    }

    struct BacktestFailure: Error, Sendable {
        var message: String
    }
}
