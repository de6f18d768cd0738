/// Reads the text form of a ``SegmentExpression``, by recursive descent, type-checking each
/// condition as it is read. Errors are ``SegmentExpressionError``s at a line and column.
///
/// Grammar (keywords ignore case; names of traits, events, properties and segments do not):
/// ```
/// expression  = and { "or" and } ;
/// and         = unary { "and" unary } ;
/// unary       = "not" unary | "(" expression ")" | "in" "segment" STRING | condition ;
/// condition   = operand [ "not" ] test ;            (* "not" only before "in": x not in [...] *)
/// operand     = METRIC | "trait" "(" STRING ")"
///             | ( "count" | "first_time" | "last_time" ) "(" STRING "," window [ "," filter ] ")"
///             | "sum" "(" STRING "," property "," window [ "," filter ] ")" ;
/// window      = "last" NUMBER ( "day" | "days" ) | "between" date "and" date | "ever" ;
/// filter      = "where" property test { "and" property test } ;
/// property    = WORD | STRING ;
/// test        = COMPARISON literal | "in" "[" literal { "," literal } "]"
///             | "contains" STRING | "starts" "with" STRING | "exists" | "missing" ;
/// literal     = STRING | NUMBER | "true" | "false" | date ;
/// date        = DATE | NUMBER ( "day" | "days" ) "ago" | "today" ;
/// COMPARISON  = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" ;
/// DATE        = digit{4} "-" digit{2} "-" digit{2} ;  NUMBER = [ "-" ] digits [ "." digits ] [ exponent ] ;
/// STRING      = '"' { char | '\"' | '\\' | '\n' | '\t' | '\r' | '\u{' hex{1,6} '}' } '"' ;
/// WORD        = ( letter | "_" | "$" ) { letter | digit | "_" | "$" } ;
/// ```
/// `not` binds tighter than `and`, `and` tighter than `or`. Conditions are typed as described in
/// ``SegmentExpression/validate(knownSegments:)``; hard limits are in ``SegmentExpressionLimits``.
public struct SegmentExpressionParser: Sendable {
    /// Parses `text`. With `knownSegments`, `in segment` names outside it are refused too.
    public static func parse(_ text: String, knownSegments: Set<String>? = nil) throws(SegmentExpressionError) -> SegmentExpression {
        let source = SegmentSourceText(text, limit: SegmentExpressionLimits.maximumTextLength)
        if source.scalars.count > SegmentExpressionLimits.maximumTextLength {
            throw SegmentExpressionError(
                .limitExceeded, at: source.location(SegmentExpressionLimits.maximumTextLength), token: "",
                "text longer than \(SegmentExpressionLimits.maximumTextLength) characters", "; split it into segments that refer to each other")
        }
        var parser = SegmentExpressionParser(source: source, tokens: try SegmentLexer.tokens(of: source), knownSegments: knownSegments)
        let node = try parser.parseOr()
        guard parser.current.kind == .end else {
            throw parser.unexpected(parser.current, expected: "\"and\", \"or\" or the end of the text")
        }
        return node.expression
    }

    /// An expression and the length of its longest chain of nested and / or / not.
    private struct Node {
        var expression: SegmentExpression
        var height: Int
    }

    /// Scalar ranges of the parts of a condition, by their JSON path, to place rule violations.
    private typealias Spans = [[SegmentJSONPath.Component]: Range<Int>]

    private let source: SegmentSourceText
    private let tokens: [SegmentToken]
    private let knownSegments: Set<String>?
    private var index = 0
    /// Open parentheses and `not`s around the current position: bounds the recursion.
    private var nesting = 0

    private init(source: SegmentSourceText, tokens: [SegmentToken], knownSegments: Set<String>?) {
        self.source = source
        self.tokens = tokens
        self.knownSegments = knownSegments
    }

    private var current: SegmentToken { tokens[index] }
    private var next: SegmentToken { tokens[min(index + 1, tokens.count - 1)] }
    /// Where the previous token ended.
    private var previousEnd: Int { index > 0 ? tokens[index - 1].end : 0 }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    // MARK: - Expressions

    private mutating func parseOr() throws(SegmentExpressionError) -> Node {
        var items = [try parseAnd()]
        let first = current
        while current.isKeyword("or") {
            advance()
            items.append(try parseAnd())
        }
        return try combine(items, first) { .or($0) }
    }

    private mutating func parseAnd() throws(SegmentExpressionError) -> Node {
        var items = [try parseUnary()]
        let first = current
        while current.isKeyword("and") {
            advance()
            items.append(try parseUnary())
        }
        return try combine(items, first) { .and($0) }
    }

    private func combine(
        _ items: [Node], _ op: SegmentToken, _ make: ([SegmentExpression]) -> SegmentExpression
    ) throws(SegmentExpressionError) -> Node {
        guard items.count > 1 else { return items[0] }
        let height = 1 + items.map(\.height).max()!
        if height > SegmentExpressionLimits.maximumDepth { throw SegmentExpression.depthError(at: source.location(op.start), token: text(op)) }
        return Node(expression: make(items.map(\.expression)), height: height)
    }

    private mutating func parseUnary() throws(SegmentExpressionError) -> Node {
        let token = current
        if token.isKeyword("not") {
            try enter(token)
            advance()
            let inner = try parseUnary()
            nesting -= 1
            return try negated(inner, token)
        }
        if token.kind == .leftParen {
            try enter(token)
            advance()
            let inner = try parseOr()
            guard current.kind == .rightParen else {
                throw unexpected(current, expected: "\")\" to close the \"(\" at \(source.location(token.start))")
            }
            advance()
            nesting -= 1
            return inner
        }
        if token.isKeyword("in") {
            advance()
            guard current.isKeyword("segment") else { throw unexpected(current, expected: "\"segment\" after \"in\": in segment \"VIP\"") }
            advance()
            let name = try expectString("a segment name in quotes: in segment \"VIP\"")
            let node = SegmentExpression.inSegment(name.value)
            if let v = node.nodeViolation(knownSegments: knownSegments) {
                throw place(v, [[]: token.start..<name.range.upperBound, ["in_segment"]: name.range])
            }
            return Node(expression: node, height: 0)
        }
        return try parseCondition()
    }

    private func negated(_ inner: Node, _ token: SegmentToken) throws(SegmentExpressionError) -> Node {
        if inner.height + 1 > SegmentExpressionLimits.maximumDepth {
            throw SegmentExpression.depthError(at: source.location(token.start), token: text(token))
        }
        return Node(expression: .not(inner.expression), height: inner.height + 1)
    }

    private mutating func enter(_ token: SegmentToken) throws(SegmentExpressionError) {
        nesting += 1
        if nesting > SegmentExpressionLimits.maximumDepth { throw SegmentExpression.depthError(at: source.location(token.start), token: text(token)) }
    }

    // MARK: - Conditions

    private mutating func parseCondition() throws(SegmentExpressionError) -> Node {
        let start = current
        var spans: Spans = [:]
        let operand = try parseOperand(&spans)
        var negation: SegmentToken?
        if current.isKeyword("not"), next.isKeyword("in") {
            negation = current
            advance()
        }
        let predicate = try parsePredicate(after: operand.subject, at: [], &spans)
        spans[[]] = start.start..<previousEnd
        let condition = SegmentCondition(operand, predicate)
        if let v = condition.violation() { throw place(v, spans) }
        let node = Node(expression: .condition(condition), height: 0)
        return try negation.map { token throws(SegmentExpressionError) in try negated(node, token) } ?? node
    }

    private mutating func parseOperand(_ spans: inout Spans) throws(SegmentExpressionError) -> SegmentOperand {
        let token = current
        guard case .word(let word) = token.kind, let lower = token.keyword else {
            throw unexpected(
                token, expected: #"a condition, such as churn_risk >= 0.6, trait("plan") = "free" or count("Order Completed", last 90 days) >= 2"#)
        }
        if next.kind == .leftParen {
            switch lower {
            case "trait":
                advance()
                advance()
                let name = try expectString(#"a trait name in quotes: trait("plan")"#)
                try expect(.rightParen, "\")\" after the trait name")
                spans[["trait"]] = name.range
                return .trait(name.value)
            case "count", "sum", "first_time", "last_time":
                return .event(try parseAggregate(&spans))
            default:
                let hint =
                    SegmentNameSuggestion.closest(to: word, among: SegmentTextForm.functions).map { "; did you mean \(SegmentTextForm.quoted($0))?" }
                    ?? "; the functions are \(SegmentTextForm.list(SegmentTextForm.functions))"
                throw SegmentExpressionError(
                    .unknownFunction, at: source.location(token.start), token: word, "unknown function \(SegmentTextForm.quoted(word))", hint)
            }
        }
        if let metric = SegmentMetric(rawValue: lower) {
            advance()
            spans[["metric"]] = token.start..<token.end
            return .metric(metric)
        }
        if SegmentTextForm.functions.contains(lower) {
            throw unexpected(
                next,
                expected:
                    "\"(\" after \(SegmentTextForm.quoted(word)), as in \(lower == "trait" ? #"trait("plan")"# : "\(lower)(\"Order Completed\", …)")")
        }
        if SegmentTextForm.keywords.contains(lower) {
            throw unexpected(token, expected: #"a condition, such as churn_risk >= 0.6 or trait("plan") = "free""#)
        }
        let hint =
            SegmentNameSuggestion.closest(to: word, among: SegmentMetric.names).map { "; did you mean \(SegmentTextForm.quoted($0))?" }
            ?? "; the metrics are \(SegmentTextForm.list(SegmentMetric.names)), and traits are written trait(\"name\")"
        throw SegmentExpressionError(
            .unknownMetric, at: source.location(token.start), token: word, "unknown metric \(SegmentTextForm.quoted(word))", hint)
    }

    private mutating func parseAggregate(_ spans: inout Spans) throws(SegmentExpressionError) -> SegmentEventAggregate {
        let nameToken = current
        let name = nameToken.keyword ?? ""
        let call = "\(name)(...)"
        advance()
        advance()  // "("
        let event = try expectString(#"an event name in quotes, such as "Order Completed""#)
        spans[["event", .key(name)]] = event.range
        let function: SegmentEventAggregate.Function
        switch name {
        case "sum":
            let example = #"sum("Order Completed", revenue, last 90 days)"#
            guard current.kind == .comma else {
                if current.kind == .rightParen || current.kind == .end {
                    throw SegmentExpressionError(
                        .unexpectedToken, at: source.location(current.start), token: text(current), "missing property and window",
                        ": \(call) needs both, as in \(example)")
                }
                throw unexpected(current, expected: "\",\" after the event name")
            }
            advance()
            let property = current
            let value: String
            switch property.kind {
            case .string(let s): value = s
            case .word(let w) where !["last", "between", "ever"].contains(property.keyword ?? ""): value = w
            default:
                throw SegmentExpressionError(
                    .unexpectedToken, at: source.location(property.start), token: text(property),
                    "missing property", ": \(call) needs the property to add up before the window, as in \(example)")
            }
            advance()
            spans[["event", "property"]] = property.start..<property.end
            function = .sum(property: value)
        case "count": function = .count
        case "first_time": function = .firstTime
        default: function = .lastTime
        }
        guard current.kind == .comma else {
            if current.kind == .rightParen || current.kind == .end {
                throw SegmentExpressionError(
                    .invalidWindow, at: source.location(current.start), token: text(current), "missing window",
                    #": \#(call) needs a window such as "last 90 days", "between 2026-01-01 and 2026-03-31" or "ever""#)
            }
            throw unexpected(current, expected: "\",\" and a window")
        }
        advance()
        let window = try parseWindow(call, &spans)
        var filter: [SegmentPropertyCondition] = []
        if current.kind == .comma {
            advance()
            guard current.isKeyword("where") else {
                throw unexpected(current, expected: #""where" and a property test, such as where category = "tea""#)
            }
            repeat {
                advance()
                if filter.count == SegmentExpressionLimits.maximumFilterConditions {
                    throw SegmentExpressionError(
                        .limitExceeded, at: source.location(current.start), token: text(current), "test \(SegmentTextForm.quoted(text(current)))",
                        ": a where filter holds at most \(SegmentExpressionLimits.maximumFilterConditions) tests")
                }
                filter.append(try parsePropertyCondition(filter.count, &spans))
            } while current.isKeyword("and")
        }
        guard current.kind == .rightParen else {
            throw unexpected(current, expected: "\")\" to close \(name)( at \(source.location(nameToken.start))")
        }
        advance()
        spans[["event"]] = nameToken.start..<previousEnd
        return SegmentEventAggregate(function, of: event.value, over: window, where: filter)
    }

    private mutating func parseWindow(_ call: String, _ spans: inout Spans) throws(SegmentExpressionError) -> SegmentWindow {
        let start = current
        let window: SegmentWindow
        switch start.keyword {
        case "last":
            advance()
            let count = current
            guard case .number(let x) = count.kind, x == x.rounded(), let n = Int(exactly: x) else {
                throw unexpected(count, expected: "a whole number of days, as in last 90 days")
            }
            advance()
            guard current.isKeyword("days") || current.isKeyword("day") else {
                throw unexpected(current, expected: "\"days\" after \"last \(text(count))\"")
            }
            advance()
            window = .lastDays(n)
        case "between":
            advance()
            let from = try parseDate(["event", "window", "between", 0], &spans)
            guard current.isKeyword("and") else {
                throw unexpected(current, expected: "\"and\" and the end date, as in between 2026-01-01 and 2026-03-31")
            }
            advance()
            let to = try parseDate(["event", "window", "between", 1], &spans)
            window = .between(from, to)
        case "ever":
            advance()
            window = .ever
        default:
            throw unexpected(start, expected: #"a window: "last 90 days", "between 2026-01-01 and 2026-03-31" or "ever""#)
        }
        spans[["event", "window"]] = start.start..<previousEnd
        return window
    }

    private mutating func parsePropertyCondition(_ i: Int, _ spans: inout Spans) throws(SegmentExpressionError) -> SegmentPropertyCondition {
        let token = current
        let name: String
        switch token.kind {
        case .word(let w): name = w
        case .string(let s): name = s
        default: throw unexpected(token, expected: #"a property name, as in where category = "tea""#)
        }
        advance()
        let prefix: [SegmentJSONPath.Component] = ["event", "where", .index(i)]
        spans[prefix + ["property"]] = token.start..<token.end
        let predicate = try parsePredicate(after: "property \(SegmentTextForm.name(name))", at: prefix, &spans)
        spans[prefix] = token.start..<previousEnd
        return SegmentPropertyCondition(name, predicate)
    }

    private mutating func parsePredicate(
        after subjectText: @autoclosure () -> String, at prefix: [SegmentJSONPath.Component], _ spans: inout Spans
    ) throws(SegmentExpressionError) -> SegmentPredicate {
        let token = current
        var subject: String { subjectText() }
        let predicate: SegmentPredicate
        switch token.kind {
        case .comparison(let op):
            advance()
            spans[prefix + ["op"]] = token.start..<token.end
            let value = try parseLiteral(prefix + ["value"], &spans)
            predicate = .compare(op, value)
        case .word:
            switch token.keyword {
            case "in":
                advance()
                let open = current
                guard open.kind == .leftBracket else { throw unexpected(open, expected: #"a list after "in", such as ["Champions", "Loyal"]"#) }
                advance()
                var values: [SegmentLiteral] = []
                if current.kind != .rightBracket {
                    while true {
                        if values.count == SegmentExpressionLimits.maximumListLength {
                            throw SegmentExpressionError(
                                .limitExceeded, at: source.location(current.start), token: text(current), "value \(text(current))",
                                ": lists hold at most \(SegmentExpressionLimits.maximumListLength) values")
                        }
                        values.append(try parseLiteral(prefix + ["value", .index(values.count)], &spans))
                        guard current.kind == .comma else { break }
                        advance()
                    }
                }
                guard current.kind == .rightBracket else { throw unexpected(current, expected: "\",\" or \"]\" to close the list") }
                advance()
                spans[prefix + ["op"]] = token.start..<token.end
                spans[prefix + ["value"]] = open.start..<previousEnd
                predicate = .isIn(values)
            case "contains", "starts":
                advance()
                var opEnd = token.end
                if token.keyword == "starts" {
                    guard current.isKeyword("with") else { throw unexpected(current, expected: "\"with\" after \"starts\"") }
                    opEnd = current.end
                    advance()
                }
                spans[prefix + ["op"]] = token.start..<opEnd
                let valueStart = current.start
                let value = try parseLiteral(prefix + ["value"], &spans)
                guard case .string(let s) = value else {
                    let op = token.keyword == "starts" ? "starts with" : "contains"
                    throw SegmentExpressionError(
                        .typeMismatch, at: source.location(valueStart), token: source.text(valueStart..<previousEnd), value.description,
                        " is \(value.valueType.withArticle); \(op) needs a string")
                }
                predicate = token.keyword == "starts" ? .startsWith(s) : .contains(s)
            case "exists", "missing":
                advance()
                spans[prefix + ["op"]] = token.start..<token.end
                predicate = token.keyword == "exists" ? .exists : .missing
            default:
                throw unexpected(token, expected: "a test after \(subject): =, !=, <, <=, >, >=, in, contains, starts with, exists or missing")
            }
        default:
            throw unexpected(token, expected: "a test after \(subject): =, !=, <, <=, >, >=, in, contains, starts with, exists or missing")
        }
        return predicate
    }

    // MARK: - Values

    private mutating func parseLiteral(_ path: [SegmentJSONPath.Component], _ spans: inout Spans) throws(SegmentExpressionError) -> SegmentLiteral {
        let token = current
        let value: SegmentLiteral
        switch token.kind {
        case .string(let s):
            advance()
            value = .string(s)
        case .number(let x) where !(next.isKeyword("days") || next.isKeyword("day")):
            advance()
            value = .number(x)
        case .word where token.isKeyword("true") || token.isKeyword("false"):
            advance()
            value = .boolean(token.isKeyword("true"))
        default:
            guard let date = try parseDateIfPresent() else {
                throw unexpected(token, expected: "a value: a string in quotes, a number, true or false, or a date such as 2026-01-01")
            }
            value = .date(date)
        }
        spans[path] = token.start..<previousEnd
        return value
    }

    private mutating func parseDate(_ path: [SegmentJSONPath.Component], _ spans: inout Spans) throws(SegmentExpressionError) -> SegmentDate {
        let token = current
        guard let date = try parseDateIfPresent() else { throw unexpected(token, expected: "a date such as 2026-01-01, 30 days ago or today") }
        spans[path] = token.start..<previousEnd
        return date
    }

    /// `2026-01-01`, `today` or `N days ago`; `nil` (nothing consumed) for any other token.
    private mutating func parseDateIfPresent() throws(SegmentExpressionError) -> SegmentDate? {
        let token = current
        switch token.kind {
        case .date(let d):
            advance()
            return d
        case .word where token.isKeyword("today"):
            advance()
            return .daysAgo(0)
        case .number(let x) where next.isKeyword("days") || next.isKeyword("day"):
            guard x == x.rounded(), let n = Int(exactly: x) else {
                throw SegmentExpressionError(
                    .invalidDate, at: source.location(token.start), token: text(token), "\(text(token)) days ago", ": write a whole number of days")
            }
            advance()
            advance()
            guard current.isKeyword("ago") else { throw unexpected(current, expected: "\"ago\" after \"\(text(token)) days\", as in 30 days ago") }
            advance()
            return .daysAgo(n)
        default:
            return nil
        }
    }

    // MARK: - Helpers

    private mutating func expectString(_ what: String) throws(SegmentExpressionError) -> (value: String, range: Range<Int>) {
        let token = current
        guard case .string(let s) = token.kind else { throw unexpected(token, expected: what) }
        advance()
        return (s, token.start..<token.end)
    }

    private mutating func expect(_ kind: SegmentToken.Kind, _ what: String) throws(SegmentExpressionError) {
        guard current.kind == kind else { throw unexpected(current, expected: what) }
        advance()
    }

    private func text(_ token: SegmentToken) -> String { source.text(token.start..<token.end) }

    private func unexpected(_ token: SegmentToken, expected: String) -> SegmentExpressionError {
        if token.kind == .end {
            return SegmentExpressionError(
                .unexpectedEnd, at: source.location(token.start), token: "", "unexpected end of the text", "; expected \(expected)")
        }
        let t = text(token)
        let shown = if case .string = token.kind { SegmentTextForm.abbreviated(t) } else { SegmentTextForm.quoted(SegmentTextForm.abbreviated(t)) }
        return SegmentExpressionError(.unexpectedToken, at: source.location(token.start), token: t, "unexpected \(shown)", "; expected \(expected)")
    }

    /// A rule violation at the source of the part it names (or of the nearest enclosing part).
    private func place(_ v: SegmentRuleViolation, _ spans: Spans) -> SegmentExpressionError {
        var path = v.path
        while spans[path] == nil, !path.isEmpty { path.removeLast() }
        let range = spans[path] ?? (current.start..<current.end)
        return v.error(at: source.location(range.lowerBound), token: source.text(range))
    }
}
