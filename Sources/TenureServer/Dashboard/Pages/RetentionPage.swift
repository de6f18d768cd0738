import Foundation
import TenureCore

/// Retention: the cohort heatmap, lifecycle bars and survival curves.
struct RetentionPage: Sendable {
    /// The page's controls, read from the query string; anything unknown falls back to the default.
    struct Options: Sendable, Hashable {
        var unit: PeriodUnit = .month
        var cohortType: CohortRetentionQuery.CohortType = .firstTime
        /// `percent`, `count` or `revenue`.
        var show = "percent"
        /// `cohort` or `plan`.
        var survival = "cohort"

        init(_ query: (String) -> String?) {
            if let u = query("unit").flatMap(PeriodUnit.init(rawValue:)), u != .day { unit = u }
            if query("cohort") == "recurring" { cohortType = .recurring }
            if let s = query("show"), ["percent", "count", "revenue"].contains(s) { show = s }
            if query("survival") == "plan" { survival = "plan" }
        }

        var key: String { "retention:\(unit.rawValue):\(cohortType.rawValue):\(show):\(survival)" }
    }

    struct Cell: Sendable {
        var text: String
        var level: Int
        var incomplete: Bool
        var tip: String
    }

    struct CohortRow: Sendable {
        var label: String
        var size: String
        var cells: [Cell]
    }

    var controls: [SelectControl]
    var heatmapNote: String
    var heatmapCaption: String
    var offsets: [String]
    var cohorts: [CohortRow]
    var charts: [Chart]

    /// Cohorts shown: enough to read, few enough for a phone to scroll.
    static func cohortRange(_ range: DayRange, unit: PeriodUnit) -> DayRange {
        let periods: Int32 = switch unit {
        case .day: 30
        case .week: 26
        case .month: 24
        case .quarter: 12
        }
        let first = unit.startDay(ofOrdinal: unit.ordinal(of: range.last) - Int(periods) + 1)
        return DayRange(first: max(range.first, first), last: range.last)
    }

    static func compute(_ snapshot: DashboardSnapshot, options: Options) -> RetentionPage {
        var page = RetentionPage(
            controls: [
                SelectControl(label: "Period", name: "unit", choices: [("week", "Week"), ("month", "Month"), ("quarter", "Quarter")], selected: options.unit.rawValue),
                SelectControl(
                    label: "Cohorts", name: "cohort", choices: [("firstTime", "First purchase"), ("recurring", "Every purchase (recurring)")],
                    selected: options.cohortType == .recurring ? "recurring" : "firstTime"),
                SelectControl(
                    label: "Show", name: "show", choices: [("percent", "Percentages"), ("count", "Counts"), ("revenue", "Revenue")], selected: options.show),
                SelectControl(label: "Survival by", name: "survival", choices: [("cohort", "Acquisition quarter"), ("plan", "Subscription plan")], selected: options.survival),
            ],
            heatmapNote: "", heatmapCaption: "", offsets: [], cohorts: [], charts: [])
        guard let range = snapshot.range else {
            page.heatmapNote = "No events yet."
            return page
        }
        let activity = snapshot.activity
        let unit = options.unit
        let matrix = CohortRetentionQuery(
            startEvent: .purchases, returnEvent: .purchases, cohortType: options.cohortType, mode: .exact, unit: unit,
            range: cohortRange(range, unit: unit)
        ).run(on: activity)
        let width = matrix.cohorts.map(\.counts.count).max() ?? 0
        page.offsets = (0..<width).map { "\(unit.rawValue.prefix(1).uppercased())\($0)" }
        let maxRevenue = matrix.cohorts.flatMap(\.revenue).max() ?? 0
        page.cohorts = matrix.cohorts.map { cohort in
            CohortRow(
                label: cohort.period.label, size: ChartFormat.grouped(cohort.size),
                cells: cohort.counts.indices.map { k in
                    let pct = cohort.percentages[k], count = cohort.counts[k], revenue = cohort.revenue[k]
                    let text: String, share: Double
                    switch options.show {
                    case "count":
                        text = ChartFormat.grouped(count)
                        share = pct / 100
                    case "revenue":
                        text = ChartFormat.money.string(revenue)
                        share = maxRevenue > 0 ? revenue / maxRevenue : 0
                    default:
                        text = String(format: "%.1f", pct)
                        share = pct / 100
                    }
                    // Offset 0 is always 100 %: shade the rest on their own scale.
                    let level = k == 0 && options.show != "revenue" ? 10 : min(10, max(0, Int(saturating: (share * (options.show == "revenue" ? 10 : 25)).rounded())))
                    return Cell(
                        text: text, level: level, incomplete: cohort.incomplete[k],
                        tip: "\(cohort.period.label) cohort, \(unit.rawValue) \(k): \(ChartFormat.grouped(count)) of \(ChartFormat.grouped(cohort.size)) customers (\(String(format: "%.1f", pct))%), revenue \(ChartFormat.money.string(revenue))")
                })
        }
        let cohortWord = options.cohortType == .recurring ? "every \(unit.rawValue) with a purchase" : "the \(unit.rawValue) of their first purchase"
        page.heatmapNote = "Customers grouped by \(cohortWord); each cell counts those who purchased again that many \(unit.rawValue)s later."
        page.heatmapCaption = "Cohort retention by \(unit.rawValue): " + (options.show == "revenue" ? "revenue of the cohort's customers" : options.show == "count" ? "customers returning" : "percentage of the cohort returning") + " (darker is higher)"

        let lifecycle = LifecycleQuery(activity: .purchases, unit: unit, range: cohortRange(range, unit: unit)).run(on: activity)
        let labels = lifecycle.rows.map(\.period.label)
        page.charts.append(SVGChart.stackedBars(
            id: "lifecycle", title: "Lifecycle: purchasing customers by \(unit.rawValue)",
            summary: "New, returning and resurrecting purchasers per \(unit.rawValue), with those who went dormant drawn below zero, from \(labels.first ?? "") to \(labels.last ?? "").",
            labels: labels,
            series: [
                ChartSeries(name: "New", values: lifecycle.rows.map { Double($0.new) }, color: SVGChart.palette[2]),
                ChartSeries(name: "Returning", values: lifecycle.rows.map { Double($0.returning) }, color: SVGChart.palette[0]),
                ChartSeries(name: "Resurrecting", values: lifecycle.rows.map { Double($0.resurrecting) }, color: SVGChart.palette[4]),
                ChartSeries(name: "Dormant", values: lifecycle.rows.map { Double($0.dormant) }, color: SVGChart.palette[5]),
            ],
            format: .integer, xTitle: unit.rawValue.capitalized, yTitle: "Customers"))

        let lifetimes: CustomerLifetimeReport
        if options.survival == "plan" {
            lifetimes = CustomerLifetimeQuery(grouping: .plan, asOf: range.last).run(on: snapshot.subscriptions(asOf: range.last))
        } else {
            lifetimes = CustomerLifetimeQuery(grouping: .cohort(.quarter), asOf: range.last).run(on: activity)
        }
        var curves = [XYSeries(name: "All customers", points: Self.points(lifetimes.overall), color: SVGChart.palette[7], step: true)]
        for (i, group) in lifetimes.groups.suffix(6).enumerated() {
            curves.append(XYSeries(name: group.label, points: Self.points(group.curve), color: SVGChart.palette[i % 6], step: true))
        }
        let median = lifetimes.overall.medianDays.map { "median lifetime \($0) days" } ?? "more than half still active"
        page.charts.append(SVGChart.xy(
            id: "survival",
            title: options.survival == "plan" ? "Subscription survival by plan" : "Customer survival by acquisition quarter",
            summary: "Kaplan–Meier share of customers still active by days since they started; \(ChartFormat.grouped(lifetimes.overall.subjects)) customers, \(median)."
                + (lifetimes.overall.subjects == 0 ? " No data for this grouping." : ""),
            series: curves, xFormat: .integer, yFormat: .percent(0), xTitle: "Days since start", yTitle: "Still active", yRange: (0, 1)))
        return page
    }

    /// At most about 60 points per curve, always keeping the first and last.
    static func points(_ curve: SurvivalCurve) -> [(x: Double, y: Double)] {
        guard !curve.points.isEmpty else { return [] }
        let every = max(1, curve.points.count / 60)
        var out: [(x: Double, y: Double)] = [(0, 1)]
        for (i, p) in curve.points.enumerated() where i % every == 0 || i == curve.points.count - 1 {
            out.append((Double(p.time), p.survival))
        }
        return out
    }
}
