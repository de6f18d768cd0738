import Foundation

/// Draws a journey's steps as an SVG flow: the entry on top, each step in a box on the row of its
/// longest path from the entry, the end at the bottom, and every path as an arrow with its label
/// (paths that go back up, to a step waited for again, curve round the right). Sizes are SVG user
/// units; every piece of text is escaped here.
enum JourneyFlowDiagram {
    /// One step's box.
    struct Node: Sendable {
        var title: String
        var subtitle: String
        var counts: String
        /// The step's kind (`send`, `wait`…), its CSS class.
        var kind: String
        var reached: Int
        /// The whole text of the box, shown on hover (the box's lines are shortened).
        var tip: String
    }

    static let boxWidth = 220.0, boxHeight = 64.0, gapX = 28.0, gapY = 52.0, margin = 16.0, backGutter = 72.0

    private static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    /// `text` cut to `limit` characters with an ellipsis.
    static func shortened(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(max(limit - 1, 1))) + "…" : text
    }

    /// Rows of the longest path from the entry, ignoring the paths that close a loop (found by a
    /// depth-first walk from the entry, then from any step it does not reach).
    static func layers(count: Int, edges: [(from: Int, to: Int)], roots: [Int]) -> (layer: [Int], back: Set<Int>, order: [Int]) {
        var outgoing = [[Int]](repeating: [], count: count)
        for (e, edge) in edges.enumerated() where edge.from >= 0 && edge.from < count && edge.to >= 0 && edge.to < count {
            outgoing[edge.from].append(e)
        }
        var state = [UInt8](repeating: 0, count: count), post: [Int] = [], pre = [Int](repeating: Int.max, count: count), seen = 0
        var back = Set<Int>()
        func visit(_ v: Int) {
            state[v] = 1
            pre[v] = seen
            seen += 1
            for e in outgoing[v] {
                let w = edges[e].to
                if state[w] == 1 { back.insert(e) } else if state[w] == 0 { visit(w) }
            }
            state[v] = 2
            post.append(v)
        }
        for root in roots where root >= 0 && root < count && state[root] == 0 { visit(root) }
        var layer = [Int](repeating: 0, count: count)
        for (i, root) in roots.enumerated() where i > 0 && root >= 0 && root < count { layer[root] = 1 }
        for v in post.reversed() {
            for e in outgoing[v] where !back.contains(e) { layer[edges[e].to] = max(layer[edges[e].to], layer[v] + 1) }
        }
        return (layer, back, pre)
    }

    static func svg(nodes: [Node], edges: [JourneyFlow.Edge], entry: String, entered: Int, title: String, summary: String) -> String {
        // Node numbers: the steps, then the entry, then the end.
        let entryNode = nodes.count, endNode = nodes.count + 1, count = nodes.count + 2
        func node(_ step: Int?, otherwise: Int) -> Int {
            guard let step, step >= 0, step < nodes.count else { return otherwise }
            return step
        }
        let numbered = edges.map { (from: node($0.from, otherwise: entryNode), to: node($0.to, otherwise: endNode)) }
        let hasEnd = numbered.contains { $0.to == endNode }
        let (layer, back, order) = layers(count: count, edges: numbered, roots: [entryNode] + Array(0..<nodes.count))
        var rows: [Int: [Int]] = [:]
        for v in 0..<count where v != endNode || hasEnd { rows[layer[v], default: []].append(v) }
        for key in rows.keys { rows[key]?.sort { order[$0] < order[$1] } }
        let widest = rows.values.map(\.count).max() ?? 1
        let content = Double(widest) * boxWidth + Double(max(widest - 1, 0)) * gapX
        let lastRow = rows.keys.max() ?? 0
        // Paths that skip rows go round the left, so they do not cross the boxes between.
        let skips = Set(numbered.indices.filter { !back.contains($0) && layer[numbered[$0].to] - layer[numbered[$0].from] > 1 })
        let leftGutter = skips.isEmpty ? 0 : backGutter
        let width = margin * 2 + leftGutter + content + (back.isEmpty ? 0 : backGutter)
        let height = margin * 2 + Double(lastRow + 1) * boxHeight + Double(lastRow) * gapY
        var position = [(x: Double, y: Double)](repeating: (0, 0), count: count)
        for (row, members) in rows {
            let rowWidth = Double(members.count) * boxWidth + Double(members.count - 1) * gapX
            for (k, v) in members.enumerated() {
                position[v] = (margin + leftGutter + (content - rowWidth) / 2 + Double(k) * (boxWidth + gapX), margin + Double(row) * (boxHeight + gapY))
            }
        }
        var s = """
            <svg class="flow" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" role="img" aria-labelledby="flow-title flow-desc">\
            <title id="flow-title">\(HTMLText.escape(title))</title><desc id="flow-desc">\(HTMLText.escape(summary))</desc>\
            <defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>
            """
        // Paths first, so boxes sit on top of them; labels last, on top of everything.
        var labels = ""
        var outgoing = [Int](repeating: 0, count: count), slot = [Int](repeating: 0, count: count)
        for (e, edge) in numbered.enumerated() where !back.contains(e) && !skips.contains(e) { outgoing[edge.from] += 1 }
        var loops = 0, detours = 0
        for (e, edge) in numbered.enumerated() {
            let from = position[edge.from], to = position[edge.to]
            let label = edges[e].label
            if back.contains(e) {
                // Round the right of the boxes, back up to the step waited for again.
                loops += 1
                let bulge = max(from.x, to.x) + boxWidth + 24 + Double(min(loops, 4)) * 10
                let p0 = (x: from.x + boxWidth, y: from.y + boxHeight / 2), p3 = (x: to.x + boxWidth, y: to.y + boxHeight / 2)
                s += "<path class=\"edge loop\" d=\"M\(n(p0.x)) \(n(p0.y)) C\(n(bulge)) \(n(p0.y)) \(n(bulge)) \(n(p3.y)) \(n(p3.x + 2)) \(n(p3.y))\" marker-end=\"url(#flow-arrow)\"/>"
                if !label.isEmpty {
                    labels += "<text class=\"edge-label\" x=\"\(n((p0.x + p3.x) / 8 + bulge * 0.75))\" y=\"\(n((p0.y + p3.y) / 2))\" text-anchor=\"middle\">\(HTMLText.escape(shortened(label, 20)))</text>"
                }
                continue
            }
            if skips.contains(e) {
                detours += 1
                let bulge = min(from.x, to.x) - 24 - Double(min(detours, 4)) * 10
                let p0 = (x: from.x, y: from.y + boxHeight / 2), p3 = (x: to.x, y: to.y + boxHeight / 2)
                s += "<path class=\"edge skip\" d=\"M\(n(p0.x)) \(n(p0.y)) C\(n(bulge)) \(n(p0.y)) \(n(bulge)) \(n(p3.y)) \(n(p3.x - 2)) \(n(p3.y))\" marker-end=\"url(#flow-arrow)\"/>"
                if !label.isEmpty {
                    labels += "<text class=\"edge-label\" x=\"\(n((p0.x + p3.x) / 8 + bulge * 0.75))\" y=\"\(n((p0.y + p3.y) / 2))\" text-anchor=\"middle\">\(HTMLText.escape(shortened(label, 20)))</text>"
                }
                continue
            }
            slot[edge.from] += 1
            let x0 = from.x + boxWidth * Double(slot[edge.from]) / Double(outgoing[edge.from] + 1), y0 = from.y + boxHeight
            let x1 = to.x + boxWidth / 2, y1 = to.y - 2
            let d = max((y1 - y0) / 2, 12)
            s += "<path class=\"edge\" d=\"M\(n(x0)) \(n(y0)) C\(n(x0)) \(n(y0 + d)) \(n(x1)) \(n(y1 - d)) \(n(x1)) \(n(y1))\" marker-end=\"url(#flow-arrow)\"/>"
            if !label.isEmpty {
                // A quarter along the curve: near its own step, away from labels converging on a target.
                let lx = (27 * x0 + 27 * x0 + 9 * x1 + x1) / 64, ly = (27 * y0 + 27 * (y0 + d) + 9 * (y1 - d) + y1) / 64
                labels += "<text class=\"edge-label\" x=\"\(n(lx))\" y=\"\(n(ly + 4))\" text-anchor=\"middle\">\(HTMLText.escape(shortened(label, 20)))</text>"
            }
        }
        func box(_ v: Int, kind: String, lines: [String], tip: String, rounded: Bool, extra: String) -> String {
            let p = position[v]
            var b = "<g class=\"node \(kind)\"\(extra)><title>\(HTMLText.escape(tip))</title>"
            b += "<rect x=\"\(n(p.x))\" y=\"\(n(p.y))\" width=\"\(n(boxWidth))\" height=\"\(n(boxHeight))\" rx=\"\(rounded ? n(boxHeight / 2) : "6")\"/>"
            for (k, line) in lines.enumerated() where !line.isEmpty {
                b += "<text class=\"line\(k)\" x=\"\(n(p.x + boxWidth / 2))\" y=\"\(n(p.y + 19 + Double(k) * 17))\" text-anchor=\"middle\">\(HTMLText.escape(line))</text>"
            }
            return b + "</g>"
        }
        s += box(
            entryNode, kind: "entry", lines: ["Entry", shortened(entry, 34), "entered \(ChartFormat.grouped(entered))"],
            tip: "Entry. \(entry). \(ChartFormat.grouped(entered)) entered.", rounded: true, extra: " data-entered=\"\(entered)\"")
        if hasEnd { s += box(endNode, kind: "end", lines: ["", "End"], tip: "End of the journey", rounded: true, extra: "") }
        for (v, node) in nodes.enumerated() {
            s += box(
                v, kind: HTMLText.escape(node.kind), lines: [shortened(node.title, 28), shortened(node.subtitle, 34), node.counts], tip: node.tip, rounded: false,
                extra: " data-step=\"\(HTMLText.escape(node.title))\" data-reached=\"\(node.reached)\"")
        }
        return s + labels + "</svg>"
    }
}
