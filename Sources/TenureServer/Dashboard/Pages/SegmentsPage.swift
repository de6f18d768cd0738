import Foundation
import TenureCore

/// Segments: the saved segments, the RFM grid with named segments (each cell opens the segment
/// editor on its segment), their counts and revenue shares, and how customers moved between
/// segments from one date to another.
struct SegmentsPage: Sendable {
    struct GridCell: Sendable {
        var segment: String
        var count: String
        var spend: String
        var level: Int
        var tip: String
        /// The segment editor prefilled with `rfm = "<segment>"`.
        var link: String
    }

    struct GridRow: Sendable {
        var r: String
        var cells: [GridCell]
    }

    struct SegmentRow: Sendable {
        var key: String
        var name: String
        var customers: String
        var customersRaw: Int
        var customerShare: String
        var customerShareRaw: String
        var revenue: String
        var revenueRaw: String
        var revenueShare: String
        var revenueShareRaw: String
    }

    struct Movement: Sendable {
        struct Row: Sendable {
            var label: String
            var cells: [Cell]
        }

        struct Cell: Sendable {
            var count: String
            var diagonal: Bool
        }

        var fromLabel: String
        var toLabel: String
        var labels: [String]
        var rows: [Row]
    }

    var saved: SavedSegmentsTable
    var gridNote: String
    var hasGrid: Bool
    var fmHeaders: [String]
    var gridRows: [GridRow]
    var summary: [SegmentRow]
    var charts: [Chart]
    var from: String
    var to: String
    var movement: Movement?
    var movementNote: String?

    /// The grid and segment table as of the data's last day.
    struct Grid: Sendable {
        var asOf: Int32
        var gridNote: String
        var gridRows: [GridRow]
        var summary: [SegmentRow]
        var charts: [Chart]
    }

    static func grid(_ snapshot: DashboardSnapshot) -> Grid? {
        guard let range = snapshot.range else { return nil }
        let report = RFMQuery(asOf: range.last).run(on: snapshot.activity)
        // Mean spend per cell (R score × FM score), for the shading.
        var spend = [Double](repeating: 0, count: 25)
        for i in report.customers.indices {
            let r = Int(report.recencyScores[i]), fm = (Int(report.frequencyScores[i]) + Int(report.monetaryScores[i]) + 1) / 2
            spend[(r - 1) * 5 + (fm - 1)] += report.monetary[i]
        }
        var means = [Double](repeating: 0, count: 25)
        for r in 1...5 {
            for fm in 1...5 where report.grid[r - 1][fm - 1] > 0 {
                means[(r - 1) * 5 + fm - 1] = spend[(r - 1) * 5 + fm - 1] / Double(report.grid[r - 1][fm - 1])
            }
        }
        let top = max(means.max() ?? 1, 1e-9)
        let rows = (1...5).reversed().map { r in
            GridRow(
                r: "R\(r)",
                cells: (1...5).map { fm in
                    let count = report.grid[r - 1][fm - 1], mean = means[(r - 1) * 5 + fm - 1]
                    let segment = RFMSegment.classify(recency: r, frequencyMonetary: fm).displayName
                    let expression = "\(SegmentMetric.rfm.name) = \(SegmentTextForm.quoted(segment))"
                    return GridCell(
                        segment: segment, count: ChartFormat.grouped(count), spend: count > 0 ? "avg " + ChartFormat.money.string(mean) : "",
                        level: top > 0 ? min(7, max(0, Int(saturating: (sqrt(mean / top) * 7).rounded()))) : 0,
                        tip: "R\(r) FM\(fm), \(segment): \(ChartFormat.grouped(count)) customers, average spend \(ChartFormat.money.string(mean))",
                        link: SegmentEditorPage.newLink(expression))
                })
        }
        let summary = report.summary.map { s in
            SegmentRow(
                key: s.segment.rawValue, name: s.name, customers: ChartFormat.grouped(s.customers), customersRaw: s.customers,
                customerShare: ChartFormat.percent(1).string(s.customerShare), customerShareRaw: "\(s.customerShare)",
                revenue: ChartFormat.money.string(s.revenue), revenueRaw: "\(s.revenue)",
                revenueShare: ChartFormat.percent(1).string(s.revenueShare), revenueShareRaw: "\(s.revenueShare)")
        }
        let byRevenue = report.summary.sorted { $0.revenueShare > $1.revenueShare }
        let chart = SVGChart.horizontalBars(
            id: "revenue-share", title: "Share of revenue by segment",
            summary: "Each segment's share of the scored customers' revenue; largest: \(byRevenue.first?.name ?? "") (\(ChartFormat.percent(1).string(byRevenue.first?.revenueShare ?? 0))).",
            items: byRevenue.map { ($0.name, $0.revenueShare) }, format: .percent(1), valueTitle: "Share of revenue", color: SVGChart.palette[1])
        return Grid(
            asOf: range.last,
            gridNote: "\(ChartFormat.grouped(report.customers.count)) purchasing customers scored on \(DayNumber.isoString(range.last)): recency, frequency and monetary quintiles (5 best); FM is the rounded mean of F and M.",
            gridRows: rows, summary: summary, charts: [chart])
    }

    static func movement(_ snapshot: DashboardSnapshot, from: Int32, to: Int32) -> Movement {
        let matrix = RFMTransitionMatrix(snapshot: snapshot.activity, query: RFMQuery(asOf: to), from: from, to: to)
        return Movement(
            fromLabel: DayNumber.isoString(from), toLabel: DayNumber.isoString(to), labels: matrix.labels,
            rows: matrix.labels.indices.map { i in
                Movement.Row(
                    label: matrix.labels[i],
                    cells: matrix.labels.indices.map { j in Movement.Cell(count: ChartFormat.grouped(matrix.counts[i][j]), diagonal: i == j) })
            })
    }
}
