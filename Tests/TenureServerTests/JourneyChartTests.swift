import Foundation
import Testing
import TenureCore
import TenureStore
@testable import TenureServer

/// The journey flow and the uplift chart: internal drawing code, so tested directly.
@Suite("Journey flow and uplift chart")
struct JourneyChartTests {
    static func journey(_ json: String) throws -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(json.utf8))
    }

    static let branching = #"""
        {"name": "J", "trigger": {"event": "Go"},
         "steps": [{"id": "ask", "send": {"channel": "webhook", "template": "t"}},
                   {"id": "wait", "wait": {"event": "Replied", "days": 2, "then": "bought?", "timeout": "ask again"}},
                   {"id": "ask again", "send": {"channel": "webhook", "template": "t2"}, "next": "later"},
                   {"id": "bought?", "branch": {"if": "frequency >= 1", "then": "done", "else": "later"}},
                   {"id": "later", "wait": {"days": 1}, "next": "wait"},
                   {"id": "done", "exit": true}]}
        """#

    @Test("every path out of every step, with its label: branch, split, event wait, named next, the next in the list, the end")
    func edges() throws {
        let steps = try Self.journey(Self.branching).steps
        let edges = JourneyFlow.edges(steps).map { "\($0.from.map(String.init) ?? "entry")→\($0.to.map(String.init) ?? "end") \($0.label)" }
        #expect(edges == [
            "entry→0 ", "0→1 ", "1→3 event arrived", "1→2 timed out", "2→4 ", "3→5 matches", "3→4 otherwise", "4→1 ",
        ])
        let split = try Self.journey(#"""
            {"name": "S", "trigger": {"event": "Go"},
             "steps": [{"id": "s", "split": [{"share": 0.25, "next": "a"}, {"share": 0.75, "next": "b"}]},
                       {"id": "a", "send": {"channel": "webhook", "template": "a"}}, {"id": "b", "send": {"channel": "webhook", "template": "b"}}]}
            """#)
        #expect(JourneyFlow.edges(split.steps).map(\.label) == ["", "25%", "75%", "", ""])
        #expect(JourneyFlow.edges(split.steps).last?.to == nil, "the last step runs into the end")
        #expect(JourneyFlow.edges([]).count == 1 && JourneyFlow.edges([]).first?.to == nil)
    }

    @Test("the diagram puts each step below the steps that lead to it, draws the loop back round the right, and escapes every text")
    func diagram() throws {
        let definition = try Self.journey(Self.branching.replacingOccurrences(of: #""id": "done""#, with: #""id": "<b>done</b>""#)
            .replacingOccurrences(of: #""then": "done""#, with: #""then": "<b>done</b>""#))
        var counts = JourneyCounts()
        counts.steps = ["ask": 10, "wait": 14, "ask again": 4, "later": 4]
        counts.heldOutSteps = ["ask": 3, "ask again": 99]
        let flow = JourneyFlow(definition, counts: counts, entered: 10)
        #expect(flow.steps.map(\.reached) == [10, 14, 4, 0, 4, 0])
        #expect(flow.steps[0].sent == 7 && flow.steps[0].heldOut == 3 && flow.steps[0].countsText == "Reached 10: sent 7, held out 3")
        // More held out than reached (counts read at different moments) is clamped, never negative.
        #expect(flow.steps[2].sent == 0 && flow.steps[2].heldOut == 4)
        #expect(flow.steps[3].paths.map(\.label) == ["matches", "otherwise"] && flow.steps[3].paths[0].href == "#step-5")
        #expect(!flow.svg.contains("<b>") && flow.svg.contains("&lt;b&gt;done&lt;/b&gt;"))
        #expect(flow.svg.contains(#"class="edge loop""#), "later → wait goes back up")
        #expect(flow.svg.contains(">event arrived</text>") && flow.svg.contains(">timed out</text>") && flow.svg.contains(">otherwise</text>"))
        let numbered = JourneyFlow.edges(definition.steps).map { (from: $0.from ?? 6, to: $0.to ?? 7) }
        let (layer, back, _) = JourneyFlowDiagram.layers(count: 8, edges: numbered, roots: [6] + Array(0..<6))
        #expect(back.count == 1 && numbered[back.first!] == (from: 4, to: 1))
        for (e, edge) in numbered.enumerated() where !back.contains(e) { #expect(layer[edge.to] > layer[edge.from], "\(edge)") }
    }

    @Test("the chart draws both arms' bars with titles, the interval as a whisker, marks a significant uplift, and says so when there is no data")
    func upliftChart() throws {
        let significant = UpliftEstimate.proportions(
            treatment: BinaryOutcomeCounts(customers: 400, successes: 200), control: BinaryOutcomeCounts(customers: 400, successes: 80))
        let empty = UpliftEstimate.proportions(
            treatment: BinaryOutcomeCounts(customers: 0, successes: 0), control: BinaryOutcomeCounts(customers: 0, successes: 0))
        let revenue = UpliftEstimate.means(treatment: MeanOutcomeSummary(values: [1, 2, 3]), control: MeanOutcomeSummary(values: [1, 1, 2]))
        // The report has no public memberwise initializer; it is Codable, as the API sends it.
        struct Shape: Encodable {
            var treated = 400, control = 400
            var conversion: UpliftEstimate?
            var retention: [Int: UpliftEstimate]
            var revenuePerCustomer: UpliftEstimate
            var promoCodes = JourneyReport.PromoCodes()
        }
        let report = try JSONDecoder().decode(
            JourneyReport.self, from: JSONEncoder().encode(Shape(conversion: significant, retention: [30: empty], revenuePerCustomer: revenue)))
        let charts = UpliftChart.charts(report)
        #expect(charts.map(\.id) == ["uplift-rates", "uplift-revenue"])
        let rates = charts[0].svg
        #expect(rates.contains(#"<rect class="bar treatment" data-outcome="conversion" data-arm="treatment" data-value="0.5""#))
        #expect(rates.contains(#"<rect class="bar control" data-outcome="conversion" data-arm="control" data-value="0.2""#))
        #expect(rates.contains("<title>Goal conversion, treatment: 50.0% of 400 customers</title>"))
        #expect(rates.contains(#"<g class="whisker" data-outcome="conversion">"#) && rates.contains(">★</text>"))
        #expect(!rates.contains(#"data-outcome="retention-30" data-arm"#) && rates.contains(">no data yet</text>"))
        #expect(!rates.contains("nan") && !rates.contains("inf"))
        #expect(charts[0].table.rows[0].cells[3] == "+30.0 pp" && charts[0].table.rows[0].cells[6] == "★ significant")
        #expect(charts[0].table.rows[1].cells[6].hasPrefix("not yet: the treatment group has no customers yet"))
        #expect(charts[0].table.rows[2].cells == ["Retained at 60 days", "–", "–", "–", "–", "–", "no data yet"])
        #expect(UpliftChart.intervalText(significant, percent: true)?.hasPrefix("95% CI +") == true)
        #expect(UpliftChart.upliftText(nil, percent: true) == "–" && UpliftChart.signed(-0.05, percent: true) == "−5.0 pp")
        #expect(charts[1].svg.contains(#"data-outcome="revenue" data-arm="treatment""#) && UpliftChart.upliftText(revenue, percent: false) == "+0.67")
    }

    @Test("durations, shares and waits in words, total for any stored value")
    func words() {
        #expect(JourneyWords.duration(2 * 86_400) == "2 days" && JourneyWords.duration(3_600) == "1 hour" && JourneyWords.duration(90) == "90 seconds")
        for value in [Double.nan, .infinity, -1, 1e300] { #expect(JourneyWords.duration(value) == "a long time") }
        #expect(JourneyWords.share(0.5) == "50%" && JourneyWords.share(1.0 / 3) == "33.3%" && JourneyWords.share(.nan) == "–")
        #expect(JourneyWords.wait(JourneyWait(seconds: 86_400, untilMinuteOfDay: 9 * 60)) == "Wait 1 day, then until 09:00 in the customer's time zone")
        #expect(JourneyWords.wait(JourneyWait(untilMinuteOfDay: 99_999)) == "Wait until 23:59 in the customer's time zone")
        #expect(JourneyWords.entry(.oncePerDays(1)) == "Again after a day since the last entry")
    }
}
