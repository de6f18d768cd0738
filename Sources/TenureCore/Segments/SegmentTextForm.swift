/// How values are written in the text form, shared by the printers and the parser so that
/// `parse(print(ast)) == ast`.
public enum SegmentTextForm {
    /// Words with a meaning in the grammar (matched ignoring case). Metric names are not among
    /// them: they are looked up in ``SegmentMetric``.
    static let keywords: Set<String> = [
        "and", "or", "not", "in", "segment", "contains", "starts", "with", "exists", "missing", "trait", "count", "sum",
        "first_time", "last_time", "last", "day", "days", "between", "ever", "where", "true", "false", "ago", "today",
    ]

    /// The functions that may follow a condition's start, for "did you mean" hints.
    static let functions = ["trait", "count", "sum", "first_time", "last_time"]

    /// `s` as a string literal: in double quotes, with `"` and `\` escaped, and every control
    /// character written as an escape (`\n`, `\t`, `\r`, `\u{7}`), so the literal stays on one line.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.properties.generalCategory == .control {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A number as the parser reads it back to the same `Double`: whole numbers below 10¹⁵ without
    /// a fraction (`100`), others in Swift's shortest round-trip form (`0.6`, `1e-07`, `1.5e+20`).
    static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15, let n = Int64(exactly: x) { return String(n) }
        return "\(x)"
    }

    /// A property name: bare when it is a word the parser reads back (letters, digits, `_`, `$`,
    /// not starting with a digit, no keyword, at most ``SegmentExpressionLimits/maximumWordLength``),
    /// else a string literal.
    static func name(_ name: String) -> String {
        isBareWord(name) ? name : quoted(name)
    }

    static func isBareWord(_ name: String) -> Bool {
        let u = name.utf8
        guard let first = u.first, u.count <= SegmentExpressionLimits.maximumWordLength, isWordStart(first),
            u.allSatisfy(isWordByte)
        else { return false }
        return !keywords.contains(name.lowercased())
    }

    static func isWordStart(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95 || b == 36
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        isWordStart(b) || (b >= 48 && b <= 57)
    }

    /// `"a", "b" and "c"`, for lists of valid names in messages.
    static func list(_ names: [String]) -> String {
        let q = names.map(quoted)
        guard q.count > 1 else { return q.first ?? "" }
        return q.dropLast().joined(separator: ", ") + " and " + q.last!
    }

    /// A long token cut for a message: the first 40 characters and an ellipsis.
    static func abbreviated(_ s: String) -> String {
        s.count <= 48 ? s : String(s.prefix(40)) + "…"
    }
}
