import Foundation
import TenureCore
import TenureStore

/// A journey's steps as a flow: every step with what it does and how many reached it (send
/// steps split into sent and held out), every path out of it with its label, and the diagram
/// drawn from them (``JourneyFlowDiagram``). The list is the diagram's accessible alternative.
struct JourneyFlow: Sendable {
    /// One way out of a step.
    struct Path: Sendable {
        var label: String
        /// The step gone to, or "End of the journey".
        var target: String
        /// `#step-N` when the target is a step.
        var href: String
        var hasHref: Bool
    }

    struct Step: Sendable {
        var index: Int
        var id: String
        var kind: String
        var kindName: String
        var detail: String
        /// Runs of the step, treatment and held-out customers together (a step run twice counts twice).
        var reached: Int
        /// For a send step: treatment runs (handed to the outbox) and held-out runs (only counted).
        var sent: Int
        var heldOut: Int
        var isSend: Bool
        var countsText: String
        var paths: [Path]
        var hasPaths: Bool
    }

    /// A connection in the diagram: from a step (or the entry, `nil`) to a step (or the end, `nil`).
    struct Edge: Sendable, Hashable {
        var from: Int?
        var to: Int?
        var label: String
    }

    var steps: [Step]
    var hasSteps: Bool
    /// Inline SVG built and escaped by ``JourneyFlowDiagram``.
    var svg: String

    init(_ definition: JourneyDefinition, counts: JourneyCounts, entered: Int) {
        let edges = Self.edges(definition.steps)
        var steps: [Step] = []
        for (i, step) in definition.steps.enumerated() {
            let reached = max(counts.steps[step.id] ?? 0, 0)
            let heldOut = min(max(counts.heldOutSteps[step.id] ?? 0, 0), reached)
            var isSend = false
            if case .send = step.action { isSend = true }
            let countsText = isSend
                ? "Reached \(ChartFormat.grouped(reached)): sent \(ChartFormat.grouped(reached - heldOut)), held out \(ChartFormat.grouped(heldOut))"
                : "Reached \(ChartFormat.grouped(reached))"
            let paths = edges.filter { $0.from == i }.map { edge in
                let target = edge.to.map { definition.steps[$0].id } ?? "End of the journey"
                return Path(label: edge.label.isEmpty ? "next" : edge.label, target: target, href: edge.to.map { "#step-\($0)" } ?? "", hasHref: edge.to != nil)
            }
            steps.append(Step(
                index: i, id: step.id, kind: step.kind, kindName: JourneyWords.kindName(step), detail: JourneyWords.detail(step),
                reached: reached, sent: reached - heldOut, heldOut: heldOut, isSend: isSend, countsText: countsText, paths: paths,
                hasPaths: !paths.isEmpty))
        }
        self.steps = steps
        hasSteps = !steps.isEmpty
        let nodes = steps.map { step in
            JourneyFlowDiagram.Node(
                title: step.id, subtitle: "\(step.kindName): \(step.detail)",
                counts: step.isSend ? "sent \(ChartFormat.grouped(step.sent)) · held out \(ChartFormat.grouped(step.heldOut))" : "reached \(ChartFormat.grouped(step.reached))",
                kind: step.kind, reached: step.reached, tip: "\(step.id). \(step.kindName): \(step.detail). \(step.countsText).")
        }
        svg = JourneyFlowDiagram.svg(
            nodes: nodes, edges: edges, entry: JourneyWords.trigger(definition.trigger), entered: entered,
            title: "The steps of \(definition.name)",
            summary: "\(steps.count) steps drawn as a flow from entry to end, each with how many customers reached it; the list below gives every step, its paths and its counts.")
    }

    /// Every path out of every step: a branch's two, a split's shares, an event wait's event and
    /// timeout, else the named next step or the following one (past the last: the end). Unknown
    /// step ids (which a validated journey does not have) lead to the end.
    static func edges(_ steps: [JourneyStep]) -> [Edge] {
        var index: [String: Int] = [:]
        for (i, step) in steps.enumerated() where index[step.id] == nil { index[step.id] = i }
        var edges = steps.isEmpty ? [Edge(from: nil, to: nil, label: "")] : [Edge(from: nil, to: 0, label: "")]
        for (i, step) in steps.enumerated() {
            switch step.action {
            case .branch(_, let then, let otherwise):
                edges.append(Edge(from: i, to: index[then], label: "matches"))
                edges.append(Edge(from: i, to: index[otherwise], label: "otherwise"))
            case .split(let paths):
                for path in paths { edges.append(Edge(from: i, to: index[path.next], label: JourneyWords.share(path.share))) }
            case .wait(let wait) where wait.event != nil:
                if let event = wait.event {
                    edges.append(Edge(from: i, to: index[event.then], label: "event arrived"))
                    edges.append(Edge(from: i, to: index[event.timeout], label: "timed out"))
                }
            case .exit:
                break
            default:
                let next: Int? = if let named = step.next { index[named] } else { i + 1 < steps.count ? i + 1 : nil }
                edges.append(Edge(from: i, to: next, label: ""))
            }
        }
        return edges
    }
}
