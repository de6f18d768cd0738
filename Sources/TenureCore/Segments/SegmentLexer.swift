/// Splits the text form into tokens: words, string literals with escapes, numbers, ISO dates,
/// `( ) [ ] ,` and the comparison operators. Every error names the offending text and position.
enum SegmentLexer {
    static func tokens(of source: SegmentSourceText) throws(SegmentExpressionError) -> [SegmentToken] {
        let s = source.scalars
        let n = s.count
        var tokens: [SegmentToken] = []
        var i = 0
        func at(_ k: Int) -> Unicode.Scalar? { k < n ? s[k] : nil }
        func fail(_ reason: SegmentExpressionError.Reason, _ range: Range<Int>, _ before: String, _ after: String = "") -> SegmentExpressionError {
            SegmentExpressionError(reason, at: source.location(range.lowerBound), token: source.text(range), before, after)
        }
        while i < n {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace {
                i += 1
                continue
            }
            let start = i
            var kind: SegmentToken.Kind
            switch c {
            case "(":
                kind = .leftParen
                i += 1
            case ")":
                kind = .rightParen
                i += 1
            case "[":
                kind = .leftBracket
                i += 1
            case "]":
                kind = .rightBracket
                i += 1
            case ",":
                kind = .comma
                i += 1
            case "=":
                kind = .comparison(.equal)
                i += at(i + 1) == "=" ? 2 : 1
            case "!":
                guard at(i + 1) == "=" else {
                    throw fail(.unexpectedCharacter, i..<i + 1, "unexpected \"!\"", "; write != for “not equal”, or not before a condition")
                }
                kind = .comparison(.notEqual)
                i += 2
            case "<", ">":
                let orEqual = at(i + 1) == "="
                kind = .comparison(c == "<" ? (orEqual ? .lessOrEqual : .less) : (orEqual ? .greaterOrEqual : .greater))
                i += orEqual ? 2 : 1
            case "\"":
                let (value, end) = try string(s, from: i, source: source)
                kind = .string(value)
                i = end
            case "-" where at(i + 1).map(isDigit) ?? false:
                (kind, i) = try number(s, from: i, source: source)
            default:
                if isDigit(c) {
                    (kind, i) = try number(s, from: i, source: source)
                } else if isWordStart(c) {
                    var j = i + 1
                    while j < n, isWordScalar(s[j]) { j += 1 }
                    guard j - i <= SegmentExpressionLimits.maximumWordLength else {
                        throw fail(
                            .limitExceeded, i..<j, "word \(SegmentTextForm.quoted(SegmentTextForm.abbreviated(source.text(i..<j))))",
                            ": \(j - i) characters, more than the limit of \(SegmentExpressionLimits.maximumWordLength)")
                    }
                    kind = .word(source.text(i..<j))
                    i = j
                } else if ["“", "”", "„", "‟", "‘", "’", "«", "»"].contains(c) {
                    throw fail(.unexpectedCharacter, i..<i + 1, "unexpected \(display(c))", "; use straight double quotes: \"…\"")
                } else {
                    throw fail(.unexpectedCharacter, i..<i + 1, "unexpected character \(display(c))")
                }
            }
            tokens.append(SegmentToken(kind: kind, start: start, end: i))
        }
        tokens.append(SegmentToken(kind: .end, start: n, end: n))
        return tokens
    }

    /// A string literal from the opening quote at `start`: its value and the offset after it.
    private static func string(
        _ s: [Unicode.Scalar], from start: Int, source: SegmentSourceText
    ) throws(SegmentExpressionError) -> (String, Int) {
        let n = s.count
        var value = String.UnicodeScalarView()
        var count = 0
        var j = start + 1
        func unterminated() -> SegmentExpressionError {
            SegmentExpressionError(
                .unterminatedString, at: source.location(start), token: SegmentTextForm.abbreviated(source.text(start..<j)),
                "unterminated string \(SegmentTextForm.abbreviated(source.text(start..<j)))", "; close it with \" on the same line")
        }
        while true {
            guard j < n else { throw unterminated() }
            let c = s[j]
            if c == "\"" { return (String(value), j + 1) }
            if c == "\n" || c == "\r" { throw unterminated() }
            if c == "\\" {
                guard j + 1 < n else { throw unterminated() }
                switch s[j + 1] {
                case "\"":
                    value.append("\"")
                    j += 2
                case "\\":
                    value.append("\\")
                    j += 2
                case "n":
                    value.append("\n")
                    j += 2
                case "t":
                    value.append("\t")
                    j += 2
                case "r":
                    value.append("\r")
                    j += 2
                case "u":
                    // \u{1F600}: one to six hex digits naming a Unicode scalar.
                    var k = j + 2
                    var code: UInt32 = 0
                    var digits = 0
                    var ok = k < n && s[k] == "{"
                    if ok {
                        k += 1
                        while k < n, digits < 7, let h = hexValue(s[k]) {
                            code = code &* 16 &+ h
                            digits += 1
                            k += 1
                        }
                        ok = digits >= 1 && digits <= 6 && k < n && s[k] == "}"
                    }
                    guard ok, let scalar = Unicode.Scalar(code) else {
                        let end = min(n, max(k + (k < n && s[k] == "}" ? 1 : 0), j + 2))
                        throw SegmentExpressionError(
                            .invalidEscape, at: source.location(j), token: source.text(j..<end),
                            "invalid escape \(source.text(j..<end))", "; write a Unicode character as \\u{1F600}")
                    }
                    value.append(scalar)
                    j = k + 1
                default:
                    throw SegmentExpressionError(
                        .invalidEscape, at: source.location(j), token: source.text(j..<j + 2),
                        "invalid escape \(source.text(j..<j + 2))",
                        #"; the escapes are \", \\, \n, \t, \r and \u{…}"#)
                }
            } else if c.properties.generalCategory == .control {
                throw SegmentExpressionError(
                    .unexpectedCharacter, at: source.location(j), token: String(c), "control character \(display(c)) in a string",
                    "; write it as \\u{\(String(c.value, radix: 16, uppercase: true))}")
            } else {
                value.append(c)
                j += 1
            }
            count += 1
            if count > SegmentExpressionLimits.maximumStringLength {
                throw SegmentExpressionError(
                    .limitExceeded, at: source.location(start), token: SegmentTextForm.abbreviated(source.text(start..<j)),
                    "string \(SegmentTextForm.abbreviated(source.text(start..<j)))",
                    ": strings are limited to \(SegmentExpressionLimits.maximumStringLength) characters")
            }
        }
    }

    /// A number (`-12`, `0.6`, `1e-07`) or an ISO date (`2026-01-01`) from `start`.
    private static func number(
        _ s: [Unicode.Scalar], from start: Int, source: SegmentSourceText
    ) throws(SegmentExpressionError) -> (SegmentToken.Kind, Int) {
        let n = s.count
        var j = start
        if s[j] == "-" { j += 1 }
        let digitsStart = j
        while j < n, isDigit(s[j]) { j += 1 }
        func bad(_ end: Int, _ hint: String) -> SegmentExpressionError {
            var e = end
            while e < n, isWordScalar(s[e]) || s[e] == "." || s[e] == "-" { e += 1 }
            let text = source.text(start..<e)
            return SegmentExpressionError(
                .invalidNumber, at: source.location(start), token: text,
                "invalid number \(SegmentTextForm.quoted(SegmentTextForm.abbreviated(text)))", hint)
        }
        // Four digits then "-digit": a date (numbers are never subtracted in this language).
        if s[start] != "-", j - digitsStart == 4, j + 1 < n, s[j] == "-", isDigit(s[j + 1]) {
            var e = j
            while e < n, isDigit(s[e]) || s[e] == "-" || isWordScalar(s[e]) { e += 1 }
            let text = source.text(start..<e)
            guard let date = SegmentDate(isoString: text) else {
                throw SegmentExpressionError(
                    .invalidDate, at: source.location(start), token: text,
                    "invalid date \(SegmentTextForm.quoted(SegmentTextForm.abbreviated(text)))",
                    "; write dates as YYYY-MM-DD, between 0001-01-01 and 9999-12-31")
            }
            return (.date(date), e)
        }
        if j < n, s[j] == "." {
            guard j + 1 < n, isDigit(s[j + 1]) else { throw bad(j + 1, "; write a digit after the decimal point") }
            j += 1
            while j < n, isDigit(s[j]) { j += 1 }
        }
        if j < n, s[j] == "e" || s[j] == "E" {
            var k = j + 1
            if k < n, s[k] == "+" || s[k] == "-" { k += 1 }
            guard k < n, isDigit(s[k]) else { throw bad(k, "; write an exponent such as 1e6") }
            while k < n, isDigit(s[k]) { k += 1 }
            j = k
        }
        if j < n, isWordScalar(s[j]) || s[j] == "." { throw bad(j, "; put a space between a number and a word") }
        let text = source.text(start..<j)
        guard j - start <= SegmentExpressionLimits.maximumWordLength else {
            throw SegmentExpressionError(
                .limitExceeded, at: source.location(start), token: text, "number \(SegmentTextForm.abbreviated(text))",
                ": \(j - start) characters, more than the limit of \(SegmentExpressionLimits.maximumWordLength)")
        }
        guard let x = Double(text), x.isFinite else {
            throw SegmentExpressionError(.invalidNumber, at: source.location(start), token: text, "number \(text)", " is too large")
        }
        return (.number(x), j)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    static func isWordStart(_ c: Unicode.Scalar) -> Bool { c.value < 128 && SegmentTextForm.isWordStart(UInt8(c.value)) }

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool { c.value < 128 && SegmentTextForm.isWordByte(UInt8(c.value)) }

    static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 48...57: c.value - 48
        case 65...70: c.value - 55
        case 97...102: c.value - 87
        default: nil
        }
    }

    /// A character for a message: quoted when visible, `U+0007` when not.
    static func display(_ c: Unicode.Scalar) -> String {
        let p = c.properties
        if p.generalCategory == .control || p.isWhitespace || p.generalCategory == .format || p.generalCategory == .unassigned
            || p.generalCategory == .surrogate || p.generalCategory == .privateUse || p.generalCategory == .nonspacingMark
        {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return SegmentTextForm.quoted(String(c))
    }
}
