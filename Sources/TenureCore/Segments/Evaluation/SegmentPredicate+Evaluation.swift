import Foundation

/// How a test applies to one value, with the semantics of ``SegmentExpression``: the literal's
/// type says how a trait or property is read, and a value that cannot be read that way fails.
extension SegmentPredicate {
    /// Whether a trait's or property's JSON value (`nil` when absent) passes, on day `asOf`.
    public func holds(json value: JSONValue?, asOf: Int32) -> Bool {
        switch self {
        case .exists: return value.map { $0 != .null } ?? false
        case .missing: return value.map { $0 == .null } ?? true
        default: break
        }
        guard let value else { return false }
        switch valueType {
        case .string?:
            guard case .string(let s) = value else { return false }
            return holds(string: s)
        case .number?:
            guard let x = value.doubleValue else { return false }
            return holds(number: x)
        case .boolean?:
            guard case .bool(let b) = value else { return false }
            return holds(boolean: b)
        case .date?:
            guard case .string(let s) = value, let day = Self.day(of: s) else { return false }
            return holds(day: day, asOf: asOf)
        case nil:
            return false
        }
    }

    /// Whether a string passes (false for a test of another type). Strings compare exactly, code
    /// point by code point (as SQL stores compare them): "é" written as one character and as "e" +
    /// a combining accent are different texts.
    public func holds(string s: String) -> Bool {
        switch self {
        case .compare(let op, .string(let t)):
            switch op {
            case .equal: return Self.same(s, t)
            case .notEqual: return !Self.same(s, t)
            default: return false
            }
        case .isIn(let values):
            return values.contains { if case .string(let t) = $0 { Self.same(s, t) } else { false } }
        case .contains(let t): return t.isEmpty || Self.find(Array(t.utf8), in: Array(s.utf8))
        case .startsWith(let t): return s.utf8.starts(with: t.utf8)
        default: return false
        }
    }

    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Whether `needle` occurs in `haystack` (UTF-8 bytes, so code point by code point).
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        guard let first = needle.first else { return true }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Whether a number passes (false for a test of another type, and for NaN).
    public func holds(number x: Double) -> Bool {
        guard !x.isNaN else { return false }
        switch self {
        case .compare(let op, .number(let t)): return op.holds(x, t)
        case .isIn(let values): return values.contains(.number(x))
        default: return false
        }
    }

    /// Whether a boolean passes.
    public func holds(boolean b: Bool) -> Bool {
        switch self {
        case .compare(.equal, .boolean(let t)): b == t
        case .compare(.notEqual, .boolean(let t)): b != t
        default: false
        }
    }

    /// Whether a day (days since 1970-01-01 UTC) passes, relative dates counted back from `asOf`.
    public func holds(day: Int32, asOf: Int32) -> Bool {
        switch self {
        case .compare(let op, .date(let d)): return op.holds(day, d.resolved(asOf: asOf))
        case .isIn(let values):
            return values.contains { if case .date(let d) = $0 { d.resolved(asOf: asOf) == day } else { false } }
        default: return false
        }
    }

    /// The UTC day of an ISO 8601 date (`2026-01-31`) or timestamp (`2026-01-31T10:00:00+02:00`);
    /// `nil` for any other text.
    public static func day(of text: String) -> Int32? {
        if case .day(let d)? = SegmentDate(isoString: text) { return d }
        guard text.utf8.count <= 64, let date = ISO8601Timestamp.parse(text) else { return nil }
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        return Int32((seconds / 86_400).rounded(.down))
    }
}

extension SegmentPropertyCondition {
    /// Whether an event's properties pass this test. The name is a top-level property, or, when
    /// no top-level property has that exact name, a dotted path into objects (`products.category`),
    /// where a path through an array holds when any element passes.
    public func holds(properties: [String: JSONValue], asOf: Int32) -> Bool {
        if let value = properties[property] { return predicate.holds(json: value, asOf: asOf) }
        let path = property.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count > 1 else { return predicate.holds(json: nil, asOf: asOf) }
        let found = Self.values(at: path[...], in: .object(properties))
        // `missing` holds when no element has it; every other test when any element passes.
        if case .missing = predicate { return found.allSatisfy { predicate.holds(json: $0, asOf: asOf) } }
        return found.contains { predicate.holds(json: $0, asOf: asOf) }
    }

    /// The values a dotted path reaches (arrays fan out), at most 10,000.
    static func values(at path: ArraySlice<String>, in value: JSONValue) -> [JSONValue] {
        var current: [JSONValue] = [value]
        for key in path {
            var next: [JSONValue] = []
            for v in current {
                switch v {
                case .object(let members):
                    if let m = members[key] { next.append(m) }
                case .array(let items):
                    for case .object(let members) in items.prefix(10_000) { if let m = members[key] { next.append(m) } }
                default: break
                }
                if next.count >= 10_000 { break }
            }
            current = next
        }
        // A path ending on an array tests its elements.
        return current.flatMap { if case .array(let items) = $0 { Array(items.prefix(10_000)) } else { [$0] } }
    }
}
