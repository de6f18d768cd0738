import TenureCore

/// Random valid segment expressions, reproducible from a seed, for the round-trip and fuzz tests.
/// Strings mix quotes, backslashes, control characters, combining marks, emoji and keywords, so
/// the printer's escaping and quoting are exercised.
struct SegmentExpressionGenerator {
    var rng: SeededGenerator

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    static let stringPieces = [
        "a", "Z", " ", "tea", "Order Completed", "\"", "\\", "\n", "\t", "\r", "\u{7}", "\u{0}", "é", "e\u{301}", "🇺🇸",
        "👩‍👩‍👧", "日本", "\u{2028}", "'", "and", "or", "not", "(", ")", "[", "]", ",", "=", "\u{FEFF}", "$", "x_1",
    ]

    mutating func string(minPieces: Int = 0) -> String {
        var s = ""
        for _ in 0..<int(minPieces...6) { s += pick(Self.stringPieces) }
        return s
    }

    mutating func name() -> String {
        chance(0.5) ? pick(["plan", "category", "price", "$current_url", "count", "and", "Product Name", "x", "_private"]) : string(minPieces: 1)
    }

    mutating func number() -> Double {
        switch int(0...5) {
        case 0: Double(int(-1000...1000))
        case 1: Double.random(in: -1e6...1e6, using: &rng)
        case 2: Double.random(in: 0...1, using: &rng) * 1e-7
        case 3: Double.random(in: -1...1, using: &rng) * 1e200
        case 4: Double(int(0...100)) / 100
        default: pick([0, -0.0, 1e15, 123_456_789_012_345_680, 0.1, 2.5e-300, Double.greatestFiniteMagnitude, -Double.leastNonzeroMagnitude])
        }
    }

    mutating func date() -> SegmentDate {
        chance(0.6) ? .day(Int32(int(Int(SegmentDate.earliestDay)...Int(SegmentDate.latestDay)))) : .daysAgo(int(0...SegmentDate.maximumDaysAgo))
    }

    mutating func literal(_ type: SegmentValueType) -> SegmentLiteral {
        switch type {
        case .string: .string(string())
        case .number: .number(number())
        case .boolean: .boolean(chance(0.5))
        case .date: .date(date())
        }
    }

    /// A predicate valid for an operand of `type` (`nil`: a trait or property).
    mutating func predicate(for type: SegmentValueType?) -> SegmentPredicate {
        let t = type ?? pick(SegmentValueType.allCases)
        if type == nil, chance(0.1) { return chance(0.5) ? .exists : .missing }
        switch t {
        case .string:
            switch int(0...3) {
            case 0: return .contains(string())
            case 1: return .startsWith(string())
            case 2: return .isIn((0..<int(1...4)).map { _ in literal(.string) })
            default: return .compare(pick([.equal, .notEqual]), literal(.string))
            }
        case .number:
            if chance(0.25) { return .isIn((0..<int(1...4)).map { _ in literal(.number) }) }
            return .compare(pick(SegmentComparison.allCases), literal(.number))
        case .boolean:
            return .compare(pick([.equal, .notEqual]), literal(.boolean))
        case .date:
            return .compare(pick(SegmentComparison.allCases), literal(.date))
        }
    }

    mutating func metricPredicate(_ metric: SegmentMetric) -> SegmentPredicate {
        if let allowed = metric.allowedValues {
            if chance(0.5) { return .isIn((0..<int(1...3)).map { _ in .string(pick(allowed)) }) }
            return .compare(pick([.equal, .notEqual]), .string(pick(allowed)))
        }
        guard let range = metric.valueRange else { return predicate(for: .number) }
        if chance(0.3) { return .isIn((0..<int(1...3)).map { _ in .number(value(in: range, whole: metric.isWholeNumber)) }) }
        return .compare(pick(SegmentComparison.allCases), .number(value(in: range, whole: metric.isWholeNumber)))
    }

    mutating func value(in range: ClosedRange<Double>, whole: Bool) -> Double {
        whole ? Double(int(Int(range.lowerBound)...Int(range.upperBound))) : Double.random(in: range, using: &rng)
    }

    mutating func window() -> SegmentWindow {
        switch int(0...4) {
        case 0: return .lastDays(int(1...SegmentWindow.maximumDays))
        case 1:
            let a = int(Int(SegmentDate.earliestDay)...Int(SegmentDate.latestDay))
            let b = int(Int(SegmentDate.earliestDay)...Int(SegmentDate.latestDay))
            return .between(.day(Int32(min(a, b))), .day(Int32(max(a, b))))
        case 2:
            let a = int(0...SegmentDate.maximumDaysAgo)
            let b = int(0...SegmentDate.maximumDaysAgo)
            return .between(.daysAgo(max(a, b)), .daysAgo(min(a, b)))
        case 3:
            let day = SegmentDate.day(Int32(int(Int(SegmentDate.earliestDay)...Int(SegmentDate.latestDay))))
            return chance(0.5) ? .between(day, .daysAgo(int(0...400))) : .between(.daysAgo(int(0...400)), day)
        default: return .ever
        }
    }

    mutating func aggregate() -> SegmentEventAggregate {
        let function: SegmentEventAggregate.Function = pick([.count, .sum(property: name()), .firstTime, .lastTime])
        let filter = (0..<(chance(0.4) ? int(1...3) : 0)).map { _ in SegmentPropertyCondition(name(), predicate(for: nil)) }
        return SegmentEventAggregate(function, of: name(), over: window(), where: filter)
    }

    mutating func condition() -> SegmentCondition {
        switch int(0...2) {
        case 0:
            let metric = pick(SegmentMetric.allCases)
            return SegmentCondition(.metric(metric), metricPredicate(metric))
        case 1:
            return SegmentCondition(.trait(name()), predicate(for: nil))
        default:
            let a = aggregate()
            return SegmentCondition(.event(a), predicate(for: a.valueType))
        }
    }

    /// An expression with at most `depth` levels of and / or / not.
    mutating func expression(depth: Int) -> SegmentExpression {
        if depth == 0 || chance(0.35) {
            return chance(0.9) ? .condition(condition()) : .inSegment(name())
        }
        switch int(0...2) {
        case 0: return .and((0..<int(2...3)).map { _ in expression(depth: depth - 1) })
        case 1: return .or((0..<int(2...3)).map { _ in expression(depth: depth - 1) })
        default: return .not(expression(depth: depth - 1))
        }
    }
}
