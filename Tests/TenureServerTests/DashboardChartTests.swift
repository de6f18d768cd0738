import Testing
@testable import TenureServer

/// The SVG charts and CSV export: internal drawing code, so tested directly.
@Suite struct DashboardChartTests {
    @Test func formattersShowADashForWhatTheyCannotFormatAndNeverTrap() {
        for format in [ChartFormat.integer, .decimal(2), .percent(1), .money] {
            for value in [Double.nan, .infinity, -.infinity] { #expect(format.string(value) == "–") }
            for value in [1e19, -1e19, 1e308, -1e308, Double(Int64.max), 9.3e18] {
                let text = format.string(value)
                #expect(text.count < 16 && (text.contains("e+") || text == "–"), "\(value) as \(format): \(text)")
            }
            #expect(!format.string(-0.0).isEmpty)
        }
        #expect(ChartFormat.grouped(.nan) == "–" && ChartFormat.grouped(1e19) == "1e+19" && ChartFormat.grouped(999_999_999_999_999) == "999,999,999,999,999")
        #expect(ChartFormat.money.string(1e12) == "1,000,000,000,000" && ChartFormat.percent(1).string(0.123) == "12.3%")
        #expect(ChartFormat.ticks(low: 0, high: .infinity) == [0] && ChartFormat.ticks(low: -1e308, high: 1e308).count <= 1_000)
        // A chart of values no formatter can show still draws.
        let chart = SVGChart.lines(
            id: "x", title: "t", summary: "s", labels: ["a", "b"], series: [ChartSeries(name: "n", values: [1e308, .infinity], color: "#000")],
            format: .money, xTitle: "x", yTitle: "y")
        #expect(chart.svg.contains("<svg"))
    }

    @Test func chartTextIsEscapedAndTheChartDescribesItself() {
        let chart = SVGChart.lines(
            id: "t", title: "<b>&\"'", summary: "a \u{1} summary", labels: ["</svg><script>", "b"],
            series: [ChartSeries(name: "<i>x</i>", values: [1, nil], color: "#000")], format: .integer, xTitle: "x", yTitle: "y")
        #expect(!chart.svg.contains("<script>") && !chart.svg.contains("<b>") && !chart.svg.contains("<i>"))
        #expect(chart.svg.contains("&lt;/svg&gt;&lt;script&gt;") && chart.svg.contains("&lt;b&gt;&amp;&quot;&#39;"))
        #expect(chart.svg.contains("role=\"img\"") && chart.svg.contains("<title id=\"t-title\">") && chart.svg.contains("<desc id=\"t-desc\">a \u{FFFD} summary"))
        #expect(chart.table.rows.map(\.cells) == [["</svg><script>", "1"], ["b", "–"]])
    }

    @Test func barsGoBelowZeroForNegativeValues() {
        let chart = SVGChart.stackedBars(
            id: "l", title: "Lifecycle", summary: "s", labels: ["2026-01", "2026-02"],
            series: [ChartSeries(name: "New", values: [5, 3], color: "#111"), ChartSeries(name: "Dormant", values: [0, -4], color: "#222")],
            format: .integer, xTitle: "Month", yTitle: "Customers")
        #expect(chart.svg.contains("Dormant, 2026-02: -4"))
        #expect(chart.svg.contains("class=\"zero\""))
        #expect(chart.legend.map(\.name) == ["New", "Dormant"])
    }

    @Test func ticksAreRoundNumbers() {
        #expect(ChartFormat.ticks(low: 0, high: 950) == [0, 200, 400, 600, 800, 1000])
        #expect(ChartFormat.ticks(low: -40, high: 100) == [-50, 0, 50, 100])
        #expect(ChartFormat.ticks(low: 0, high: 1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(ChartFormat.grouped(1_234_567) == "1,234,567" && ChartFormat.grouped(-1_000) == "-1,000")
    }

    @Test func csvCellsAreQuotedAndFormulasDefused() {
        #expect(AtRiskPage.csvCell("plain") == "plain")
        #expect(AtRiskPage.csvCell("a,b") == "\"a,b\"")
        #expect(AtRiskPage.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AtRiskPage.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(AtRiskPage.csvCell("-0.5") == "-0.5")
    }

    @Test func formBodiesDecodePlusAndPercentAndDropMalformedBytes() {
        let form = FormBody("q=a+b%26c&x=%FF&empty=&q=second")
        #expect(form["q"] == "a b&c")
        #expect(form["x"] == nil || form["x"] == "")
        #expect(form["empty"] == "")
    }

    @Test func sessionsExpireWhenEndedAndTokensCompareExactly() async throws {
        let sessions = DashboardSessions(store: nil)  // in memory; the stored ones are tested in DashboardAuthTests
        let (token, session) = try await sessions.create(subject: "ana")
        #expect(try await sessions.session(token: token)?.csrfToken == session.csrfToken)
        #expect(try await sessions.session(token: String(token.dropLast()) + "x") == nil)
        try await sessions.end(token: token)
        #expect(try await sessions.session(token: token) == nil)
        #expect(DashboardSessions.tokensMatch("abc", "abc") && !DashboardSessions.tokensMatch("abc", "abd"))
    }

    @Test func afterSignInOnlyLocalPathsAreFollowed() {
        #expect(DashboardController.safeNext("/at-risk?segment=lost") == "/at-risk?segment=lost")
        for hostile in ["//evil.example", "https://evil.example", "/\\evil", "javascript:alert(1)", "/a\nb", nil] {
            #expect(DashboardController.safeNext(hostile) == "/")
        }
    }
}
