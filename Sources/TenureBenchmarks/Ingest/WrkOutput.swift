import Foundation

/// What wrk printed after a run (`wrk --latency`): requests, non-2xx responses, socket errors and
/// latency percentiles, read from its text.
struct WrkOutput {
    let text: String

    init(_ text: String) { self.text = text }

    /// Requests completed (`N requests in …`), 0 when wrk printed none.
    var requests: Int { Int(number(before: " requests in") ?? 0) }
    /// `Requests/sec:`, 0 when absent.
    var requestsPerSecond: Double { number(after: "Requests/sec:") ?? 0 }
    /// `Non-2xx or 3xx responses:`, 0 when wrk printed no such line (every response was 2xx or 3xx).
    var non2xx: Int { Int(number(after: "Non-2xx or 3xx responses:") ?? 0) }
    /// wrk's `Socket errors: …` line, trimmed, when it printed one.
    var socketErrors: String? {
        text.split(separator: "\n").first { $0.contains("Socket errors:") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The latency at `percentile` (`"50%"`) as wrk wrote it (`24.10ms`), or `?`.
    func latency(_ percentile: String) -> String {
        for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix(percentile) {
            return String(line.split(separator: " ").last ?? "?")
        }
        return "?"
    }

    /// wrk's latency text (`812.00us`, `24.10ms`, `1.20s`) in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }

    private func number(after label: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? "")
    }

    private func number(before label: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[..<range.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\n" }).last ?? "")
    }
}
