import Foundation
import TenureCore

/// A journey's treatment against control as SVG bars: per outcome a treatment and a control bar,
/// a dashed line at the control level, and a whisker on the treatment bar spanning control +
/// the uplift's 95% interval (where the treatment could be, given the data). A whisker clear of
/// the control line is a significant uplift, also marked with a star. The table under the chart
/// gives every number.
enum UpliftChart {
    /// One outcome of the report.
    struct Outcome: Sendable {
        /// `conversion`, `retention-30`…, `revenue`: the bars' `data-outcome`.
        var key: String
        var label: String
        var estimate: UpliftEstimate?
    }

    static let treatmentColor = SVGChart.palette[0], controlColor = SVGChart.palette[1]
    static let width = 640.0, height = 280.0, left = 64.0, right = 16.0, top = 24.0, bottom = 48.0

    private static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Goal conversion and retention at 30, 60 and 90 days (shares), and revenue per customer.
    static func outcomes(_ report: JourneyReport) -> (rates: [Outcome], revenue: Outcome) {
        var rates: [Outcome] = []
        if let conversion = report.conversion { rates.append(Outcome(key: "conversion", label: "Goal conversion", estimate: conversion)) }
        for days in JourneyReport.retentionDays {
            rates.append(Outcome(key: "retention-\(days)", label: "Retained at \(days) days", estimate: report.retention[days]))
        }
        return (rates, Outcome(key: "revenue", label: "Revenue per customer, \(JourneyReport.revenueDays) days", estimate: report.revenuePerCustomer))
    }

    /// The rates chart and the revenue chart of `report`.
    static func charts(_ report: JourneyReport) -> [Chart] {
        let (rates, revenue) = outcomes(report)
        return [
            chart(
                id: "uplift-rates", title: "Conversion and retention, treatment against control",
                summary: "Share of customers converting and retained, treatment and control, with the 95% interval of the uplift drawn from the control level.",
                outcomes: rates, percent: true),
            chart(
                id: "uplift-revenue", title: "Revenue per customer in the \(JourneyReport.revenueDays) days after entry",
                summary: "Mean revenue per customer, treatment and control, with the 95% interval of the uplift drawn from the control level.",
                outcomes: [revenue], percent: false),
        ]
    }

    /// The uplift as text: `+3.2 pp` for shares, `+4.10` for money; "–" when it cannot be computed.
    static func upliftText(_ estimate: UpliftEstimate?, percent: Bool) -> String {
        guard let uplift = estimate?.uplift, uplift.isFinite else { return "–" }
        return signed(uplift, percent: percent)
    }

    /// `95% CI −0.5 to +6.9 pp`, or nil without an interval.
    static func intervalText(_ estimate: UpliftEstimate?, percent: Bool) -> String? {
        guard let estimate, estimate.isAvailable, let interval = estimate.interval, interval.lower.isFinite, interval.upper.isFinite else { return nil }
        return "95% CI \(signed(interval.lower, percent: percent, unit: false)) to \(signed(interval.upper, percent: percent))"
    }

    /// "★ significant", "not significant", or why there is no estimate yet.
    static func significance(_ estimate: UpliftEstimate?) -> String {
        guard let estimate else { return "no data yet" }
        if let reason = estimate.unavailable { return "not yet: \(reason.description)" }
        return estimate.isSignificant ? "★ significant" : "not significant"
    }

    static func signed(_ value: Double, percent: Bool, unit: Bool = true) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = percent ? String(format: "%.1f", abs(value) * 100) : ChartFormat.money.string(abs(value))
        let sign = value > 0 ? "+" : value < 0 ? "−" : "±"
        return sign + magnitude + (percent && unit ? " pp" : "")
    }

    static func pValueText(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "–" }
        return p < 0.001 ? "< 0.001" : String(format: "%.3f", p)
    }

    static func chart(id: String, title: String, summary: String, outcomes: [Outcome], percent: Bool) -> Chart {
        let format: ChartFormat = percent ? .percent(1) : .money
        func clamp(_ v: Double) -> Double { percent ? min(max(v, 0), 1) : v }
        // The whisker: control + the uplift's interval.
        func whisker(_ e: UpliftEstimate?) -> (Double, Double)? {
            guard let e, e.isAvailable, let interval = e.interval, let control = e.control.value, control.isFinite,
                interval.lower.isFinite, interval.upper.isFinite
            else { return nil }
            return (clamp(control + interval.lower), clamp(control + interval.upper))
        }
        var values: [Double] = [0]
        for o in outcomes {
            values += [o.estimate?.treatment.value, o.estimate?.control.value].compactMap { $0 }.filter(\.isFinite)
            if let w = whisker(o.estimate) { values += [w.0, w.1] }
        }
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-9 { high = low + (percent ? 0.1 : 1) }
        let ticks = ChartFormat.ticks(low: low, high: high)
        low = min(low, ticks.first ?? low)
        high = max(high, ticks.last ?? high)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let y = { (v: Double) in top + plotHeight * (1 - (v - low) / (high - low)) }
        var s = """
            <svg class="chart uplift" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc" preserveAspectRatio="xMidYMid meet">\
            <title id="\(id)-title">\(HTMLText.escape(title))</title><desc id="\(id)-desc">\(HTMLText.escape(summary))</desc>
            """
        let tickFormat: ChartFormat = percent ? .percent(0) : ((ticks.last ?? 0) >= 10 ? .integer : .money)
        for t in ticks {
            s += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(t)))\" y2=\"\(n(y(t)))\"/>"
            s += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(HTMLText.escape(tickFormat.string(t)))</text>"
        }
        s += "<text class=\"axis-label\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(percent ? "Share of customers" : "Revenue per customer")</text>"
        let slot = plotWidth / Double(max(outcomes.count, 1))
        let barWidth = min(slot * 0.3, 64)
        for (i, o) in outcomes.enumerated() {
            let center = left + slot * (Double(i) + 0.5)
            let e = o.estimate
            for (arm, group, x, color) in [
                ("treatment", e?.treatment, center - barWidth - 3, treatmentColor), ("control", e?.control, center + 3, controlColor),
            ] {
                guard let group, let value = group.value, value.isFinite else { continue }
                let barTop = y(max(value, 0)), barBottom = y(min(value, 0))
                let tip = "\(o.label), \(arm): \(format.string(value)) of \(ChartFormat.grouped(group.customers)) customers"
                s += "<rect class=\"bar \(arm)\" data-outcome=\"\(o.key)\" data-arm=\"\(arm)\" data-value=\"\(value)\" x=\"\(n(x))\" y=\"\(n(barTop))\" width=\"\(n(barWidth))\" height=\"\(n(max(barBottom - barTop, 0.5)))\" fill=\"\(color)\"><title>\(HTMLText.escape(tip))</title></rect>"
            }
            if let control = e?.control.value, control.isFinite {
                s += "<line class=\"control-level\" x1=\"\(n(center - barWidth - 10))\" x2=\"\(n(center + barWidth + 10))\" y1=\"\(n(y(control)))\" y2=\"\(n(y(control)))\"/>"
            }
            if case let (w0, w1)? = whisker(e), let e {
                let x = center - barWidth / 2 - 3
                let tip = "\(o.label): uplift \(upliftText(e, percent: percent)), \(intervalText(e, percent: percent) ?? ""), \(significance(e))"
                s += "<g class=\"whisker\" data-outcome=\"\(o.key)\"><title>\(HTMLText.escape(tip))</title>"
                s += "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(y(w0)))\" y2=\"\(n(y(w1)))\"/>"
                for v in [w0, w1] { s += "<line x1=\"\(n(x - 7))\" x2=\"\(n(x + 7))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\"/>" }
                s += "</g>"
                if e.isSignificant {
                    s += "<text class=\"sig-mark\" x=\"\(n(x))\" y=\"\(n(y(max(w0, w1)) - 6))\" text-anchor=\"middle\"><title>Significant at 95%</title>★</text>"
                }
            }
            if e?.treatment.value == nil && e?.control.value == nil {
                s += "<text class=\"tick empty\" x=\"\(n(center))\" y=\"\(n(y(low) - 8))\" text-anchor=\"middle\">no data yet</text>"
            }
            s += "<text class=\"tick category\" x=\"\(n(center))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">\(HTMLText.escape(o.label))</text>"
        }
        s += "<line class=\"axis\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(0)))\"/></svg>"
        let rows = outcomes.map { o -> [String] in
            let e = o.estimate
            func group(_ g: UpliftEstimate.Group?) -> String {
                guard let g else { return "–" }
                return "\(g.value.map(format.string) ?? "–") (n = \(ChartFormat.grouped(g.customers)))"
            }
            return [
                o.label, group(e?.treatment), group(e?.control), upliftText(e, percent: percent), intervalText(e, percent: percent) ?? "–",
                pValueText(e?.pValue), significance(e),
            ]
        }
        return Chart(
            id: id, title: title, summary: summary, svg: s,
            legend: [.init(name: "Treatment", color: treatmentColor), .init(name: "Control (holdout and global control)", color: controlColor)],
            table: Chart.DataTable(headers: ["Outcome", "Treatment", "Control", "Uplift", "95% interval", "p-value", "Significant"], rows: rows))
    }
}
