import Foundation

/// A chart drawn on the server as inline SVG, with its legend, a text summary and the numbers as
/// a table (the accessible alternative), ready for a Mustache template.
struct Chart: Sendable {
    struct LegendItem: Sendable {
        var name: String
        var color: String
    }

    struct DataTable: Sendable {
        struct Row: Sendable {
            var cells: [String]
        }

        var headers: [String]
        var rows: [Row]

        init(headers: [String], rows: [[String]]) {
            self.headers = headers
            self.rows = rows.map { Row(cells: $0) }
        }
    }

    /// Element id prefix, unique on the page.
    var id: String
    var title: String
    /// One sentence describing what the chart shows, read by screen readers.
    var summary: String
    /// The SVG markup: every piece of text in it is escaped.
    var svg: String
    var legend: [LegendItem]
    var table: DataTable
}

/// One line or bar series.
struct ChartSeries: Sendable {
    var name: String
    /// One value per x position; nil leaves a gap.
    var values: [Double?]
    var color: String
    var dashed = false
}

/// Numeric x–y series (survival curves, calibration, lift).
struct XYSeries: Sendable {
    var name: String
    var points: [(x: Double, y: Double)]
    var color: String
    /// Draw as steps (Kaplan–Meier curves) rather than straight segments.
    var step = false
    var dashed = false
    /// Mark every point with a dot (and a hover value).
    var dots = false
}

/// Draws the dashboard's charts. Sizes are in SVG user units; the SVG scales to its container.
enum SVGChart {
    /// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"]

    static let width = 640.0
    static let height = 280.0
    static let left = 64.0, right = 16.0, top = 16.0, bottom = 56.0

    private static var plotWidth: Double { width - left - right }
    private static var plotHeight: Double { height - top - bottom }

    private static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The opening tag and accessible name of a chart's SVG.
    private static func open(id: String, title: String, summary: String) -> String {
        """
        <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc" preserveAspectRatio="xMidYMid meet">\
        <title id="\(id)-title">\(HTMLText.escape(title))</title><desc id="\(id)-desc">\(HTMLText.escape(summary))</desc>
        """
    }

    /// Horizontal grid lines, y tick labels and the y axis title.
    private static func yAxis(_ ticks: [Double], y: (Double) -> Double, format: ChartFormat, label: String) -> String {
        var s = ""
        // Money ticks are round numbers: no cents on the axis.
        let tickFormat = if case .money = format, (ticks.last ?? 0) >= 10 { ChartFormat.integer } else { format }
        for t in ticks {
            let py = y(t)
            s += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(py))\" y2=\"\(n(py))\"/>"
            s += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(py + 4))\" text-anchor=\"end\">\(HTMLText.escape(tickFormat.string(t)))</text>"
        }
        s += "<text class=\"axis-label\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
        return s
    }

    private static func xAxisTitle(_ label: String) -> String {
        "<line class=\"axis\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(top + plotHeight))\" y2=\"\(n(top + plotHeight))\"/>"
            + "<text class=\"axis-label\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
    }

    /// Category labels under the x axis, thinned so they do not overlap.
    private static func xLabels(_ labels: [String], x: (Int) -> Double) -> String {
        guard !labels.isEmpty else { return "" }
        let every = max(1, Int((Double(labels.count) / 8).rounded(.up)))
        var s = ""
        for (i, label) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            if i != labels.count - 1, labels.count - 1 - i < every, i % every == 0, i != 0 { continue }
            // The last label ends at its tick so it is not cut off at the edge.
            let anchor = i == labels.count - 1 && labels.count > 1 && x(i) > width - right - 30 ? "end" : "middle"
            s += "<text class=\"tick\" x=\"\(n(x(i)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"\(anchor)\">\(HTMLText.escape(label))</text>"
        }
        return s
    }

    private static func range(_ values: [Double], includeZero: Bool) -> (Double, Double) {
        var low = values.min() ?? 0, high = values.max() ?? 1
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if high - low < 1e-12 { high = low + 1 }
        return (low, high)
    }

    private static func table(xName: String, labels: [String], series: [ChartSeries], format: ChartFormat) -> Chart.DataTable {
        Chart.DataTable(
            headers: [xName] + series.map(\.name),
            rows: labels.indices.map { i in [labels[i]] + series.map { s in i < s.values.count ? s.values[i].map(format.string) ?? "–" : "–" } })
    }

    /// Lines over categories (periods), with a dot and hover value at every point.
    static func lines(
        id: String, title: String, summary: String, labels: [String], series: [ChartSeries],
        format: ChartFormat, xTitle: String, yTitle: String, yRange: (Double, Double)? = nil
    ) -> Chart {
        let all = series.flatMap { $0.values.compactMap { $0 } }
        let (low, high) = yRange ?? range(all, includeZero: true)
        let ticks = ChartFormat.ticks(low: low, high: high)
        let top2 = max(high, ticks.last ?? high), low2 = min(low, ticks.first ?? low)
        let y = { (v: Double) in top + plotHeight * (1 - (v - low2) / (top2 - low2)) }
        let step = labels.count > 1 ? plotWidth / Double(labels.count - 1) : 0
        let x = { (i: Int) in labels.count > 1 ? left + Double(i) * step : left + plotWidth / 2 }
        var s = open(id: id, title: title, summary: summary)
        s += yAxis(ticks, y: y, format: format, label: yTitle) + xAxisTitle(xTitle) + xLabels(labels, x: x)
        for line in series {
            var path = "", pen = false
            var dots = ""
            for (i, v) in line.values.enumerated() {
                guard let v, v.isFinite else {
                    pen = false
                    continue
                }
                path += (pen ? "L" : "M") + n(x(i)) + " " + n(y(v))
                pen = true
                let tip = "\(line.name), \(i < labels.count ? labels[i] : ""): \(format.string(v))"
                dots += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3\" fill=\"\(line.color)\"><title>\(HTMLText.escape(tip))</title></circle>"
            }
            s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "")/>" + dots
        }
        s += "</svg>"
        return Chart(
            id: id, title: title, summary: summary, svg: s, legend: series.map { .init(name: $0.name, color: $0.color) },
            table: table(xName: xTitle, labels: labels, series: series, format: format))
    }

    /// Stacked bars over categories; positive values stack up from zero, negative ones down.
    static func stackedBars(
        id: String, title: String, summary: String, labels: [String], series: [ChartSeries],
        format: ChartFormat, xTitle: String, yTitle: String
    ) -> Chart {
        var ups = [Double](repeating: 0, count: labels.count), downs = ups
        for s in series {
            for (i, v) in s.values.enumerated() where i < labels.count {
                if let v { if v >= 0 { ups[i] += v } else { downs[i] += v } }
            }
        }
        let (low, high) = range(ups + downs, includeZero: true)
        let ticks = ChartFormat.ticks(low: low, high: high)
        let top2 = max(high, ticks.last ?? high), low2 = min(low, ticks.first ?? low)
        let y = { (v: Double) in top + plotHeight * (1 - (v - low2) / (top2 - low2)) }
        let slot = plotWidth / Double(max(labels.count, 1))
        let x = { (i: Int) in left + slot * (Double(i) + 0.5) }
        var s = open(id: id, title: title, summary: summary)
        s += yAxis(ticks, y: y, format: format, label: yTitle) + xAxisTitle(xTitle) + xLabels(labels, x: x)
        var upBase = [Double](repeating: 0, count: labels.count), downBase = upBase
        let barWidth = max(1, slot * 0.7)
        for series in series {
            for (i, v) in series.values.enumerated() where i < labels.count {
                guard let v, v != 0, v.isFinite else { continue }
                let from: Double, to: Double
                if v > 0 {
                    from = upBase[i]; to = from + v; upBase[i] = to
                } else {
                    from = downBase[i]; to = from + v; downBase[i] = to
                }
                let y0 = y(max(from, to)), y1 = y(min(from, to))
                let tip = "\(series.name), \(labels[i]): \(format.string(v))"
                s += "<rect x=\"\(n(x(i) - barWidth / 2))\" y=\"\(n(y0))\" width=\"\(n(barWidth))\" height=\"\(n(max(0.5, y1 - y0)))\" fill=\"\(series.color)\"><title>\(HTMLText.escape(tip))</title></rect>"
            }
        }
        s += "<line class=\"zero\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(0)))\"/></svg>"
        return Chart(
            id: id, title: title, summary: summary, svg: s, legend: series.map { .init(name: $0.name, color: $0.color) },
            table: table(xName: xTitle, labels: labels, series: series, format: format))
    }

    /// Numeric x–y lines: survival curves (steps), calibration and lift (dots).
    static func xy(
        id: String, title: String, summary: String, series: [XYSeries], xFormat: ChartFormat, yFormat: ChartFormat,
        xTitle: String, yTitle: String, xRange: (Double, Double)? = nil, yRange: (Double, Double)? = nil
    ) -> Chart {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let (xl0, xh0) = xRange ?? range(xs, includeZero: true)
        let (yl0, yh0) = yRange ?? range(ys, includeZero: true)
        let yTicks = ChartFormat.ticks(low: yl0, high: yh0), xTicks = ChartFormat.ticks(low: xl0, high: xh0, count: 6)
        let yl = min(yl0, yTicks.first ?? yl0), yh = max(yh0, yTicks.last ?? yh0)
        let xl = min(xl0, xTicks.first ?? xl0), xh = max(xh0, xTicks.last ?? xh0)
        let y = { (v: Double) in top + plotHeight * (1 - (v - yl) / (yh - yl)) }
        let x = { (v: Double) in left + plotWidth * (v - xl) / (xh - xl) }
        var s = open(id: id, title: title, summary: summary)
        s += yAxis(yTicks, y: y, format: yFormat, label: yTitle) + xAxisTitle(xTitle)
        for t in xTicks {
            s += "<text class=\"tick\" x=\"\(n(x(t)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(HTMLText.escape(xFormat.string(t)))</text>"
        }
        for line in series where !line.points.isEmpty {
            var path = ""
            var previous: (x: Double, y: Double)?
            for p in line.points {
                if let previous, line.step {
                    path += "L" + n(x(p.x)) + " " + n(y(previous.y))
                }
                path += (previous == nil ? "M" : "L") + n(x(p.x)) + " " + n(y(p.y))
                previous = p
            }
            s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "")><title>\(HTMLText.escape(line.name))</title></path>"
            if line.dots {
                for p in line.points {
                    let tip = "\(line.name): \(xTitle) \(xFormat.string(p.x)), \(yTitle) \(yFormat.string(p.y))"
                    s += "<circle cx=\"\(n(x(p.x)))\" cy=\"\(n(y(p.y)))\" r=\"3.5\" fill=\"\(line.color)\"><title>\(HTMLText.escape(tip))</title></circle>"
                }
            }
        }
        s += "</svg>"
        let rows = series.flatMap { line in line.points.map { [line.name, xFormat.string($0.x), yFormat.string($0.y)] } }
        return Chart(
            id: id, title: title, summary: summary, svg: s, legend: series.map { .init(name: $0.name, color: $0.color) },
            table: Chart.DataTable(headers: ["Series", xTitle, yTitle], rows: rows.count > 150 ? stride(from: 0, to: rows.count, by: (rows.count + 149) / 150).map { rows[$0] } : rows))
    }

    /// Horizontal bars, one per labelled value (reasons, segments).
    static func horizontalBars(
        id: String, title: String, summary: String, items: [(label: String, value: Double)], format: ChartFormat,
        valueTitle: String, color: String = palette[0]
    ) -> Chart {
        let rowHeight = 24.0, labelWidth = 190.0
        let h = max(60, Double(items.count) * rowHeight + 40)
        let maxValue = max(items.map(\.value).max() ?? 1, 1e-12)
        let plot = width - labelWidth - 70
        var s = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(h))" role="img" aria-labelledby="\(id)-title \(id)-desc">\
            <title id="\(id)-title">\(HTMLText.escape(title))</title><desc id="\(id)-desc">\(HTMLText.escape(summary))</desc>
            """
        for (i, item) in items.enumerated() {
            let y = 8 + Double(i) * rowHeight
            let w = max(1, plot * item.value / maxValue)
            let label = item.label.count > 28 ? String(item.label.prefix(27)) + "…" : item.label
            s += "<text class=\"tick\" x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(HTMLText.escape(label))</text>"
            s += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 3))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 8))\" fill=\"\(color)\"><title>\(HTMLText.escape("\(item.label): \(format.string(item.value))"))</title></rect>"
            s += "<text class=\"tick\" x=\"\(n(labelWidth + w + 6))\" y=\"\(n(y + 15))\">\(HTMLText.escape(format.string(item.value)))</text>"
        }
        s += "<text class=\"axis-label\" x=\"\(n(labelWidth + plot / 2))\" y=\"\(n(h - 6))\" text-anchor=\"middle\">\(HTMLText.escape(valueTitle))</text></svg>"
        return Chart(
            id: id, title: title, summary: summary, svg: s, legend: [.init(name: valueTitle, color: color)],
            table: Chart.DataTable(headers: ["", valueTitle], rows: items.map { [$0.label, format.string($0.value)] }))
    }

    /// A small trend line for a KPI tile (decorative: the tile states the numbers in text).
    static func sparkline(_ values: [Double], label: String) -> String {
        let finite = values.filter(\.isFinite)
        guard finite.count > 1, let low = finite.min(), let high = finite.max() else { return "" }
        let w = 120.0, h = 32.0
        let span = max(high - low, 1e-12)
        var path = ""
        for (i, v) in values.enumerated() where v.isFinite {
            path += (path.isEmpty ? "M" : "L") + n(w * Double(i) / Double(values.count - 1)) + " " + n(h - 2 - (h - 4) * (v - low) / span)
        }
        return "<svg class=\"spark\" viewBox=\"0 0 120 32\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\"><path d=\"\(path)\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"1.5\"/></svg>"
    }
}
