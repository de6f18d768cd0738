import TenureCore

extension ReportsController {
    /// `GET /api/v1/reports/rfm`: segment totals and the R × FM grid (not the per-customer scores).
    struct RFMSummary: Encodable {
        /// The scoring date, YYYY-MM-DD.
        var asOf: String
        /// Only purchases this many days before `asOf` counted; `nil` for all history.
        var lookbackDays: Int32?
        /// Customers scored (at least one purchase counted).
        var customers: Int
        var segments: [RFMReport.SegmentSummary]
        /// `grid[r − 1][fm − 1]`: customers with recency score r and frequency–monetary score fm.
        var grid: [[Int]]

        init(_ report: RFMReport) {
            asOf = DayNumber.isoString(report.asOf)
            lookbackDays = report.lookbackDays
            customers = report.customers.count
            segments = report.summary
            grid = report.grid
        }
    }

    /// `GET /api/v1/reports/rfm/movement`: customers per (segment at `from`, segment at `to`).
    struct RFMMovement: Encodable {
        struct Move: Encodable {
            var from: String
            var to: String
            var customers: Int
        }

        /// Scoring dates, YYYY-MM-DD.
        var from: String
        var to: String
        /// Row and column labels: the segments, then `Not scored`.
        var labels: [String]
        /// `counts[i][j]`: customers in `labels[i]` at `from` and `labels[j]` at `to`.
        var counts: [[Int]]
        /// The non-empty cells, largest first.
        var moves: [Move]

        init(_ matrix: RFMTransitionMatrix) {
            from = DayNumber.isoString(matrix.fromAsOf)
            to = DayNumber.isoString(matrix.toAsOf)
            labels = matrix.labels
            counts = matrix.counts
            var moves: [Move] = []
            for (i, row) in matrix.counts.enumerated() {
                for (j, n) in row.enumerated() where n > 0 {
                    moves.append(Move(from: matrix.labels[i], to: matrix.labels[j], customers: n))
                }
            }
            // Largest first; equal counts keep the table's order.
            self.moves = moves.enumerated().sorted { ($1.element.customers, $0.offset) < ($0.element.customers, $1.offset) }.map(\.element)
        }
    }
}
