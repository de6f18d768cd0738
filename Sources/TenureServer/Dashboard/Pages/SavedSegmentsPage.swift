import Foundation
import TenureCore
import TenureStore

/// The saved segments table of the Segments page: each segment's definition, its last recorded
/// size with a 30-day trend, who changed it last, and links to edit and export it.
struct SavedSegmentsTable: Sendable {
    struct Row: Sendable {
        var name: String
        var definition: String
        var description: String
        var members: String
        var membersRaw: String
        /// An inline SVG sparkline built and escaped by ``SVGChart/sparkline(_:label:)``; empty with fewer than two days.
        var spark: String
        var trend: String
        var updated: String
        var editLink: String
        var exportLink: String
    }

    /// Days of recorded sizes the trend covers.
    static let trendDays = 30

    /// False when the store keeps no segments (the table is then not shown).
    var available: Bool
    var rows: [Row]
    /// Stored, not computed: templates see stored properties only.
    var hasRows: Bool

    init(available: Bool, rows: [Row]) {
        self.available = available
        self.rows = rows
        hasRows = !rows.isEmpty
    }

    static func row(_ s: SavedSegment, sizes: [(day: Int32, members: Int)]) -> Row {
        let members = s.memberCount.map(ChartFormat.grouped) ?? "not yet evaluated"
        var trend = "no recorded sizes yet"
        if let first = sizes.first, let last = sizes.last {
            trend = sizes.count == 1
                ? "\(ChartFormat.grouped(last.members)) on \(DayNumber.isoString(last.day))"
                : "\(ChartFormat.grouped(first.members)) on \(DayNumber.isoString(first.day)) to \(ChartFormat.grouped(last.members)) on \(DayNumber.isoString(last.day))"
        }
        let label = "Members of \(s.name) per day: \(trend)"
        return Row(
            name: s.name, definition: s.definition, description: s.description, members: members, membersRaw: s.memberCount.map(String.init) ?? "",
            spark: SVGChart.sparkline(sizes.map { Double($0.members) }, label: label), trend: trend,
            updated: "\(s.updatedBy), \(DayNumber.isoString(DayNumber.day(of: s.updatedAt)))",
            editLink: "/segments/edit?name=" + SegmentEditorPage.queryValue(s.name),
            exportLink: "/segments/export.csv?name=" + SegmentEditorPage.queryValue(s.name))
    }
}

/// The segment editor: a name, an expression and a description, with the expression's error in
/// place or its live count and a sample of members. The same page answers a refused save.
struct SegmentEditorPage: Sendable {
    /// An expression error with the line it is on, split around the offending token.
    struct ErrorView: Sendable, Encodable {
        var message: String
        /// `line 2, column 5`; nil for an error without a text position.
        var position: String?
        var line: Int?
        var column: Int?
        var token: String
        var before: String
        var at: String
        var after: String
    }

    struct Member: Sendable, Encodable {
        var customerId: Int64
        var userId: String?
        var name: String
        var link: String
    }

    /// What the expression selects now.
    struct Preview: Sendable, Encodable {
        var count: Int
        var customers: Int
        var countText: String
        var sample: [Member]
        var note: String?
    }

    /// The JSON answer of `POST /segments/preview`: a preview or an error.
    struct PreviewAnswer: Sendable, Encodable {
        var ok: Bool
        var preview: Preview?
        var error: ErrorView?
    }

    /// Members shown in the preview.
    static let sampleSize = 10

    var isNew: Bool
    /// The segment being edited (empty for a new one).
    var original: String
    var name: String
    var expression: String
    var description: String
    var csrf: String
    var nameError: String?
    var error: ErrorView?
    var preview: Preview?
    var metrics: String

    init(original: String?, name: String, expression: String, description: String, csrf: String) {
        isNew = original == nil
        self.original = original ?? ""
        self.name = name
        self.expression = expression
        self.description = description
        self.csrf = csrf
        metrics = SegmentMetric.names.joined(separator: ", ")
    }

    /// `error` shown against `text`: the offending line split at the column, the token marked (a
    /// space when the error is at the end of the text).
    static func errorView(_ error: SegmentExpressionError, in text: String) -> ErrorView {
        guard let line = error.line, let column = error.column else {
            return ErrorView(message: error.message, position: nil, line: nil, column: nil, token: error.token, before: "", at: "", after: "")
        }
        // Lines end as the lexer counts them: at `\n`, `\r\n` (one Character) or `\r`.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        let source = line >= 1 && line <= lines.count ? Array(lines[line - 1]) : []
        let start = min(max(column - 1, 0), source.count)
        let length = min(max(error.token.count, 1), source.count - start)
        let at = length > 0 ? String(source[start..<start + length]) : " "
        return ErrorView(
            message: error.message, position: "line \(line), column \(column)", line: line, column: column, token: error.token,
            before: String(source[..<start]), at: at, after: String(source[(start + max(length, 0))...]))
    }

    static func countText(_ count: Int, of customers: Int) -> String {
        "\(ChartFormat.grouped(count)) of \(ChartFormat.grouped(customers)) customers"
    }

    static func member(_ id: Int64, userId: String?) -> Member {
        Member(
            customerId: id, userId: userId, name: userId ?? "customer #\(id)",
            link: userId.map { "/customer?id=" + queryValue($0) } ?? "#")
    }

    /// `value` percent-encoded for a query string (everything but letters and digits).
    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// The editor's address prefilled with `expression`.
    static func newLink(_ expression: String) -> String {
        "/segments/new?where=" + queryValue(expression)
    }
}
