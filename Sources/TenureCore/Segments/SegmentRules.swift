// The rules of the segment language, in one place. Each `violation()` checks a value and the
// parts inside it, returning the first broken rule with its path relative to the value's JSON
// object; the parser maps that path to a line and column, JSON decoding and `validate` to a
// JSON path.

enum SegmentRules {
    /// A name (trait, event, property, segment) must be non-empty and within the string limit.
    static func name(_ name: String, _ what: String, _ path: [SegmentJSONPath.Component]) -> SegmentRuleViolation? {
        if name.isEmpty { return SegmentRuleViolation(.invalidValue, path, token: "\"\"", "empty \(what)", "; write the name between the quotes") }
        return string(name, path, what: what)
    }

    static func string(_ s: String, _ path: [SegmentJSONPath.Component], what: String = "string") -> SegmentRuleViolation? {
        let n = s.unicodeScalars.count
        guard n > SegmentExpressionLimits.maximumStringLength else { return nil }
        let token = SegmentTextForm.abbreviated(SegmentTextForm.quoted(s))
        return SegmentRuleViolation(
            .limitExceeded, path, token: token, "\(what) \(token)",
            ": \(n) characters, more than the limit of \(SegmentExpressionLimits.maximumStringLength)")
    }

    /// Whether `predicate` applies to an operand of type `type` (`nil`: a trait or property,
    /// typed by its literal), named `subject` in messages.
    static func types(
        _ predicate: SegmentPredicate, operandType type: SegmentValueType?, subject subjectText: @autoclosure () -> String,
        presenceAllowed: Bool
    ) -> SegmentRuleViolation? {
        // Messages are built only when a rule is broken: this runs on every condition parsed.
        var opToken: String { predicate.operatorText }
        var op: String { SegmentTextForm.quoted(opToken) }
        var subject: String { subjectText() }
        switch predicate {
        case .exists, .missing:
            guard presenceAllowed else {
                return SegmentRuleViolation(
                    .invalidOperator, ["op"], token: opToken, op, " applies to traits and event properties, not to \(subject)")
            }
        case .contains, .startsWith:
            if let type, type != .string {
                return SegmentRuleViolation(.invalidOperator, ["op"], token: opToken, op, " needs a string, but \(subject) is \(type.withArticle)")
            }
        case .compare(let comparison, let value):
            let t = type ?? value.valueType
            if value.valueType != t {
                return SegmentRuleViolation(
                    .typeMismatch, ["value"], token: value.description, value.description,
                    " is \(value.valueType.withArticle), but \(subject) is \(t.withArticle)\(example(t))")
            }
            if comparison.isOrdering, t == .string || t == .boolean {
                return SegmentRuleViolation(
                    .invalidOperator, ["op"], token: opToken, op,
                    " does not apply to \(t.plural); use \(t == .string ? "=, !=, in, contains or starts with" : "= or !=")")
            }
        case .isIn(let values):
            guard let t = type ?? values.first?.valueType else { return nil }
            if t != .string, t != .number {
                return SegmentRuleViolation(
                    .invalidOperator, ["op"], token: opToken, op, " needs strings or numbers, but \(subject) is \(t.withArticle)")
            }
            for (i, value) in values.enumerated() where value.valueType != t {
                return SegmentRuleViolation(
                    .typeMismatch, ["value", .index(i)], token: value.description, value.description,
                    " is \(value.valueType.withArticle), but \(subject) is \(t.withArticle)\(example(t))")
            }
        }
        return nil
    }

    /// `; write a date such as …` after a type mismatch, for the types people get wrong.
    static func example(_ type: SegmentValueType) -> String {
        switch type {
        case .date: "; write a date such as 2026-01-01 or 30 days ago"
        case .boolean: "; write true or false"
        case .string, .number: ""
        }
    }

    /// The values a categorical metric takes and the range of a bounded one.
    static func domain(_ predicate: SegmentPredicate, of metric: SegmentMetric) -> SegmentRuleViolation? {
        var values: [(path: [SegmentJSONPath.Component], value: SegmentLiteral)] = []
        switch predicate {
        case .compare(_, let v): values = [(["value"], v)]
        case .isIn(let list): values = list.enumerated().map { (["value", .index($0.offset)], $0.element) }
        default: break
        }
        for (path, value) in values {
            if let allowed = metric.allowedValues, case .string(let s) = value, !allowed.contains(s) {
                let noun = metric.valueNoun
                let valid = "the \(noun)s are \(SegmentTextForm.list(allowed))"
                let hint =
                    SegmentNameSuggestion.closest(to: s, among: allowed).map { "; did you mean \(SegmentTextForm.quoted($0))? (\(valid))" }
                    ?? "; \(valid)"
                return SegmentRuleViolation(.unknownValue, path, token: value.description, "unknown \(noun) \(value.description)", hint)
            }
            if let range = metric.valueRange, case .number(let x) = value {
                if !range.contains(x) {
                    let lo = SegmentTextForm.number(range.lowerBound)
                    let hi = SegmentTextForm.number(range.upperBound)
                    let percent = range == 0...1 && x > 1 && x <= 100 ? "; write \(value)% as \(SegmentTextForm.number(x / 100))" : ""
                    return SegmentRuleViolation(
                        .invalidValue, path, token: value.description, value.description, " is outside \(metric.name)'s range \(lo)…\(hi)\(percent)")
                }
                if metric.isWholeNumber, x != x.rounded() {
                    return SegmentRuleViolation(
                        .invalidValue, path, token: value.description, value.description,
                        " is not a whole number; \(metric.name) is a score from 1 to 5")
                }
            }
        }
        return nil
    }
}

extension SegmentDate {
    func violation() -> SegmentRuleViolation? {
        switch self {
        case .day(let d):
            guard d >= Self.earliestDay, d <= Self.latestDay else {
                return SegmentRuleViolation(
                    .invalidDate, ["date"], token: description, "date \(description)", ": dates run from 0001-01-01 to 9999-12-31")
            }
        case .daysAgo(let n):
            guard n >= 0, n <= Self.maximumDaysAgo else {
                return SegmentRuleViolation(
                    .invalidDate, ["days_ago"], token: description, SegmentTextForm.quoted(description),
                    ": a relative date lies 0…\(Self.maximumDaysAgo) days ago")
            }
        }
        return nil
    }
}

extension SegmentWindow {
    func violation() -> SegmentRuleViolation? {
        switch self {
        case .lastDays(let n):
            guard n >= 1, n <= Self.maximumDays else {
                return SegmentRuleViolation(
                    .invalidWindow, ["last_days"], token: description, SegmentTextForm.quoted(description),
                    ": the window must be 1…\(Self.maximumDays) days")
            }
        case .between(let a, let b):
            if let v = a.violation() { return v.inside(["between", 0]) }
            if let v = b.violation() { return v.inside(["between", 1]) }
            let reversed: Bool =
                switch (a, b) {
                case (.day(let x), .day(let y)): x > y
                case (.daysAgo(let x), .daysAgo(let y)): x < y
                default: false
                }
            if reversed { return SegmentRuleViolation(.invalidWindow, ["between"], token: description, description, ": the start is after the end") }
        case .ever:
            break
        }
        return nil
    }
}

extension SegmentLiteral {
    func violation() -> SegmentRuleViolation? {
        switch self {
        case .string(let s): return SegmentRules.string(s, [])
        case .number(let x):
            return x.isFinite ? nil : SegmentRuleViolation(.invalidNumber, [], token: "\(x)", "number \(x)", ": numbers must be finite")
        case .boolean: return nil
        case .date(let d): return d.violation()
        }
    }
}

extension SegmentPredicate {
    /// The predicate's own rules, whatever it is applied to.
    func violation() -> SegmentRuleViolation? {
        switch self {
        case .compare(_, let value):
            return value.violation()?.inside(["value"])
        case .isIn(let values):
            guard let first = values.first else {
                return SegmentRuleViolation(.invalidValue, ["value"], token: "[]", "empty list", "; in [...] needs at least one value")
            }
            guard values.count <= SegmentExpressionLimits.maximumListLength else {
                return SegmentRuleViolation(
                    .limitExceeded, ["value"], token: "[", "list of \(values.count) values",
                    ": lists hold at most \(SegmentExpressionLimits.maximumListLength)")
            }
            for (i, value) in values.enumerated() {
                if let v = value.violation() { return v.inside(["value", .index(i)]) }
            }
            let t = first.valueType
            guard t == .string || t == .number else {
                return SegmentRuleViolation(
                    .typeMismatch, ["value", 0], token: first.description, first.description,
                    " is \(t.withArticle); in [...] lists hold strings or numbers")
            }
            for (i, value) in values.enumerated() where value.valueType != t {
                return SegmentRuleViolation(
                    .typeMismatch, ["value", .index(i)], token: value.description, value.description,
                    " is \(value.valueType.withArticle), but the list holds \(t.plural)")
            }
            return nil
        case .contains(let s), .startsWith(let s):
            return SegmentRules.string(s, ["value"])
        case .exists, .missing:
            return nil
        }
    }
}

extension SegmentPropertyCondition {
    func violation() -> SegmentRuleViolation? {
        SegmentRules.name(property, "property name", ["property"])
            ?? predicate.violation()
            ?? SegmentRules.types(predicate, operandType: nil, subject: "property \(SegmentTextForm.name(property))", presenceAllowed: true)
    }
}

extension SegmentEventAggregate {
    func violation() -> SegmentRuleViolation? {
        if let v = SegmentRules.name(event, "event name", [.key(function.name)]) { return v }
        if case .sum(let property) = function, let v = SegmentRules.name(property, "property name", ["property"]) { return v }
        if let v = window.violation() { return v.inside(["window"]) }
        if filter.count > SegmentExpressionLimits.maximumFilterConditions {
            return SegmentRuleViolation(
                .limitExceeded, ["where"], token: "where", "filter of \(filter.count) tests",
                ": a where filter holds at most \(SegmentExpressionLimits.maximumFilterConditions)")
        }
        for (i, condition) in filter.enumerated() {
            if let v = condition.violation() { return v.inside(["where", .index(i)]) }
        }
        return nil
    }
}

extension SegmentOperand {
    func violation() -> SegmentRuleViolation? {
        switch self {
        case .trait(let name): SegmentRules.name(name, "trait name", ["trait"])
        case .metric: nil
        case .event(let aggregate): aggregate.violation()?.inside(["event"])
        }
    }
}

extension SegmentCondition {
    func violation() -> SegmentRuleViolation? {
        if let v = operand.violation() ?? predicate.violation() { return v }
        let presence: Bool = if case .trait = operand { true } else { false }
        if let v = SegmentRules.types(predicate, operandType: operand.valueType, subject: operand.subject, presenceAllowed: presence) { return v }
        if case .metric(let metric) = operand { return SegmentRules.domain(predicate, of: metric) }
        return nil
    }
}

extension SegmentExpression {
    /// The rules of this node alone (not of its children or conditions).
    func nodeViolation(knownSegments: Set<String>? = nil) -> SegmentRuleViolation? {
        switch self {
        case .and(let items) where items.count < 2:
            return SegmentRuleViolation(.invalidValue, ["and"], token: "and", "\"and\"", " needs at least two expressions")
        case .or(let items) where items.count < 2:
            return SegmentRuleViolation(.invalidValue, ["or"], token: "or", "\"or\"", " needs at least two expressions")
        case .inSegment(let name):
            if let v = SegmentRules.name(name, "segment name", ["in_segment"]) { return v }
            if let known = knownSegments, !known.contains(name) {
                let sorted = known.sorted()
                return SegmentRuleViolation(
                    .unknownSegment, ["in_segment"], token: SegmentTextForm.quoted(name), "unknown segment \(SegmentTextForm.quoted(name))",
                    SegmentNameSuggestion.hint(for: name, among: sorted))
            }
            return nil
        default:
            return nil
        }
    }
}
