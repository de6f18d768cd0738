import Foundation

/// How numbers are shown on the dashboard: axis ticks, tooltips and tables.
enum ChartFormat: Sendable {
    case integer
    case decimal(Int)
    /// A fraction 0–1 shown as a percentage with the given decimals.
    case percent(Int)
    /// Account currency: whole units from 1,000 up, else with cents.
    case money

    func string(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if case .percent = self {
            guard abs(value) < 1e13 else { return abs(value) < 1e300 ? String(format: "%.3g%%", value * 100) : "–" }
        }
        guard abs(value) < 1e15 else { return String(format: "%.3g", value) }
        switch self {
        case .integer: return Self.grouped(value.rounded())
        case .decimal(let digits): return String(format: "%.\(digits)f", value)
        case .percent(let digits): return String(format: "%.\(digits)f%%", value * 100)
        case .money:
            return abs(value) >= 1_000 ? Self.grouped(value.rounded()) : String(format: "%.2f", value)
        }
    }

    /// `1234567` → `1,234,567`; "–" for a value that is not finite, and numbers beyond ±10¹⁵
    /// (which no real metric reaches) in exponent form, so no value can trap.
    static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        guard abs(value) < 1e15 else { return String(format: "%.3g", value) }
        let negative = value < 0
        var digits = String(Int64(abs(value)))
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return (negative ? "-" : "") + digits + out
    }

    static func grouped(_ value: Int) -> String { grouped(Double(value)) }

    /// Round tick values from at or below `low` to at or above `high`, about `count` steps apart;
    /// the chart's axis spans the first to the last.
    static func ticks(low: Double, high: Double, count: Int = 5) -> [Double] {
        guard high > low, high.isFinite, low.isFinite else { return [low] }
        let raw = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? raw
        let first = (low / step * (1 + 1e-12)).rounded(.down), last = (high / step * (1 - 1e-12)).rounded(.up)
        guard last - first < 1000 else { return [low, high] }
        // Multiply rather than accumulate, so 0.6 is 0.6 and not 0.6000000000000001.
        return stride(from: first, through: last, by: 1).map { ($0 * step * 1e9).rounded() / 1e9 }
    }
}
