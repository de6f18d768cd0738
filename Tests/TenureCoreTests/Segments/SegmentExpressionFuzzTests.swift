import TenureCore
import Testing

/// The parser fuzzed with random token sequences and with mutations of valid texts: it never
/// crashes, every error lies inside the input (or one past its end) and names that position,
/// and whatever it accepts prints and parses back to itself.
@Suite("Segment expressions: the parser fuzzed")
struct SegmentExpressionFuzzTests {
    static let vocabulary: [String] = [
        "and", "or", "not", "NOT", "(", ")", "[", "]", ",", "=", "==", "!=", "<", "<=", ">", ">=", "!", "in", "segment", "contains",
        "starts", "with", "exists", "missing", "trait", "count", "sum", "first_time", "last_time", "last", "days", "day", "between",
        "ever", "where", "true", "false", "ago", "today", "recency", "rfm", "churn_risk", "r_score", "lifecycle", "clv_52w", "p_alive",
        "\"Lost\"", "\"At risk\"", "\"new\"", "\"Order Completed\"", "\"plan\"", "\"\"", "\"a\\\"b\"", "\"\\u{1F600}\"", "\"unterminated",
        "0", "1", "2", "0.6", "-3", "90", "1e-07", "3651", "1e999", "5.", "2026-01-01", "2026-13-01", "2026-1-1", "30", "revenue",
        "category", "\"tea\"", "#", "é", "\u{301}", "🇺🇸", "\u{0}", "\u{7}", "\u{FEFF}", "“", "\\", "$x", "churn_rsk", "cnt",
    ]
    static let separators = [" ", " ", " ", "", "\n", "\t", "\r\n", "\r", "  "]

    /// The length in characters of the input's line `number` (lines end at \n, \r\n and \r);
    /// `nil` when there is no such line.
    static func lineLength(_ text: String, _ number: Int) -> Int? {
        let scalars = text.unicodeScalars
        var line = 1
        var start = scalars.startIndex
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\n" || c == "\r" {
                if line == number { return String(scalars[start..<i]).count }
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                line += 1
                start = next
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        return line == number ? String(scalars[start...]).count : nil
    }

    /// Parses `text`; returns a description of what went wrong, or `nil`. Counts acceptances.
    static func check(_ text: String, accepted: inout Int) -> String? {
        do {
            let ast = try SegmentExpressionParser.parse(text)
            accepted += 1
            let printed = ast.description
            guard let again = try? SegmentExpressionParser.parse(printed), again == ast else {
                return "accepted, but its print does not read back: \(printed.debugDescription)"
            }
            do { try ast.validate() } catch { return "accepted, but invalid: \(error.message)" }
            return nil
        } catch {
            guard let line = error.line, let column = error.column else { return "no position: \(error.message)" }
            guard line >= 1, let length = lineLength(text, line), column >= 1, column <= length + 1 else {
                return "position \(line):\(column) outside the input: \(error.message)"
            }
            guard error.message.contains("at \(line):\(column)") else { return "message without its position: \(error.message)" }
            return nil
        }
    }

    @Test("20,000 random token sequences")
    func randomTokens() {
        var rng = SeededGenerator(seed: 2026)
        var failures: [String] = []
        var accepted = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &rng) {
                text += Self.separators.randomElement(using: &rng)! + Self.vocabulary.randomElement(using: &rng)!
            }
            if let f = Self.check(text, accepted: &accepted) { failures.append("\(text.debugDescription): \(f)") }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // A few random sequences are valid expressions; most are not.
        #expect(accepted > 0 && accepted < 2_000)
    }

    static let insertions: [Unicode.Scalar] = [
        "(", ")", "[", "]", "\"", "\\", ",", "=", "<", "!", "-", ".", "e", "0", "9", " ", "\n", "\r", "\t", "\u{0}", "\u{7}", "\u{1B}",
        "\u{7F}", "é", "\u{301}", "\u{200D}", "\u{FEFF}", "\u{2028}", "\u{1F600}", "\u{1F1FA}", "日", "“", "a", "_", "$", "{", "}", "u",
    ]

    @Test("20,000 mutations of valid expressions")
    func mutations() throws {
        var generator = SegmentExpressionGenerator(seed: 7)
        var seeds = [
            SegmentExpressionParserTests.example,
            #"sum("Order Completed", "net revenue", between 60 days ago and today, where category = "tea" and price >= 2.5) > 1e3"#,
            "not (lifecycle = \"dormant\" or\n r_score in [1, 2]) and trait(\"signup\") < 2026-01-01",
        ]
        for _ in 0..<60 { seeds.append(generator.expression(depth: 3).description) }
        var rng = SeededGenerator(seed: 99)
        var failures: [String] = []
        var accepted = 0
        for i in 0..<20_000 {
            var s = Array(seeds[i % seeds.count].unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...s.count, using: &rng)
                switch Int.random(in: 0...4, using: &rng) {
                case 0: if at < s.count { s.remove(at: at) }
                case 1: s.insert(Self.insertions.randomElement(using: &rng)!, at: at)
                case 2: if at + 1 < s.count { s.swapAt(at, at + 1) }
                case 3:
                    let end = min(s.count, at + Int.random(in: 1...12, using: &rng))
                    s.insert(contentsOf: s[at..<end], at: at)
                default: if at < s.count { s[at] = Self.insertions.randomElement(using: &rng)! }
                }
            }
            let text = String(String.UnicodeScalarView(s))
            if let f = Self.check(text, accepted: &accepted) { failures.append("\(text.debugDescription): \(f)") }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // Many mutations (of spaces, of string contents) stay valid: the success path is fuzzed too.
        #expect(accepted > 1_000)
    }

    @Test("hostile shapes: deep, long, repetitive")
    func hostile() {
        let shapes = [
            String(repeating: "(", count: 5_000), String(repeating: ")", count: 5_000), String(repeating: "not ", count: 3_000),
            String(repeating: "[", count: 5_000), String(repeating: "\"", count: 9_999), String(repeating: "\\", count: 9_999),
            "trait(\"" + String(repeating: "x", count: 15_000), "recency in [" + String(repeating: "1,", count: 5_000) + "1]",
            String(repeating: "recency > 1 and ", count: 1_200) + "recency > 1", String(repeating: "\n", count: 19_000) + "#",
            String(repeating: "9", count: 5_000), "2026-" + String(repeating: "0", count: 5_000),
        ]
        for text in shapes {
            var accepted = 0
            #expect(Self.check(text, accepted: &accepted) == nil, "\(text.prefix(40).debugDescription)")
        }
    }
}
