import Foundation
import TenureCore

/// Translates a segment expression into one DuckDB boolean expression over a customer row `c`
/// (`customer`, `traits` as JSON), the customer's metrics row `m` (a DOUBLE column per metric,
/// NULL when the customer lacks it) and correlated subqueries on `events` (`customer`, `day`,
/// `event`, `properties` as JSON), with the macros of `scripts/crosscheck/segments_duckdb.py`
/// (`as_of()`, `seg_number`, `seg_string`, `seg_boolean`, `seg_day`).
///
/// It reads only the expression's structure and literals, never the Swift evaluator: the
/// semantics of ``SegmentExpression`` are written again here in SQL, so DuckDB computes every
/// answer itself. Each condition is wrapped in `coalesce(…, false)`, so SQL's NULL for a value
/// the customer lacks (or cannot be read as the literal's type) fails every operator, `!=`
/// included, and `not` then makes it true.
struct SegmentCrossCheckSQL {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    /// The boolean SQL of `expression`.
    static func sql(_ expression: SegmentExpression) throws(Unsupported) -> String {
        switch expression {
        case .and(let items): return "(" + (try items.map { e throws(Unsupported) in try sql(e) }).joined(separator: " AND ") + ")"
        case .or(let items): return "(" + (try items.map { e throws(Unsupported) in try sql(e) }).joined(separator: " OR ") + ")"
        case .not(let inner): return "(NOT \(try sql(inner)))"
        case .inSegment(let name): throw Unsupported(description: "in segment \(name): the cross-check has no segment definitions")
        case .condition(let c): return "coalesce(\(condition(c)), false)"
        }
    }

    static func condition(_ c: SegmentCondition) -> String {
        switch c.operand {
        case .trait(let name): test(c.predicate, json: "json_extract(c.traits, \(jsonPath(name)))")
        case .metric(let metric): test(c.predicate, value: "m.\(metric.rawValue)")
        case .event(let aggregate): test(c.predicate, value: self.aggregate(aggregate))
        }
    }

    /// The aggregate as a correlated scalar subquery: a count or sum (0 when no event passes),
    /// or a day number (NULL when none).
    static func aggregate(_ a: SegmentEventAggregate) -> String {
        let wheres = ["e.customer = c.customer", "e.event = \(quoted(a.event))", window(a.window)] + a.filter.map(property)
        let from = "FROM events e WHERE " + wheres.joined(separator: " AND ")
        switch a.function {
        case .count: return "(SELECT count(*) \(from))"
        case .sum(let p): return "coalesce((SELECT sum(\(number(ofProperty: p))) \(from)), 0)"
        case .firstTime: return "(SELECT min(e.day) \(from))"
        case .lastTime: return "(SELECT max(e.day) \(from))"
        }
    }

    /// `last N days` is asOf − N + 1 … asOf; `between` both ends included, never past asOf.
    static func window(_ w: SegmentWindow) -> String {
        switch w {
        case .lastDays(let n): "e.day BETWEEN as_of() - \(n) + 1 AND as_of()"
        case .between(let a, let b): "e.day BETWEEN \(day(a)) AND least(\(day(b)), as_of())"
        case .ever: "e.day <= as_of()"
        }
    }

    /// The property test on an event: the top-level property of that exact name; else, for a
    /// dotted name, the values the path reaches through objects (arrays fan out, and a path
    /// ending on an array tests its elements), any passing (`missing`: all null, or none reached).
    static func property(_ p: SegmentPropertyCondition) -> String {
        let top = "coalesce(\(test(p.predicate, json: "json_extract(e.properties, \(jsonPath(p.property)))")), false)"
        let path = p.property.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count > 1 else { return top }
        let values = reached(path)
        let pass = "coalesce(\(test(p.predicate, json: "v")), false)"
        let deep: String =
            if case .missing = p.predicate {
                "len(list_filter(\(values), lambda v: NOT \(pass))) = 0"
            } else {
                "len(list_filter(\(values), lambda v: \(pass))) > 0"
            }
        return "(CASE WHEN json_exists(e.properties, \(jsonPath(p.property))) THEN \(top) ELSE \(deep) END)"
    }

    /// The summed property of an event as a DOUBLE, NULL when it has none: the top-level
    /// property, else the total of the numbers a dotted path reaches.
    static func number(ofProperty name: String) -> String {
        let top = "seg_number(json_extract(e.properties, \(jsonPath(name))))"
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count > 1 else { return top }
        let deep = "list_sum(list_filter(list_transform(\(reached(path)), lambda v: seg_number(v)), lambda z: z IS NOT NULL))"
        return "(CASE WHEN json_exists(e.properties, \(jsonPath(name))) THEN \(top) ELSE \(deep) END)"
    }

    /// A JSON[] of the values `path` reaches from `e.properties`.
    static func reached(_ path: [String]) -> String {
        var list = "[e.properties]"
        for (depth, key) in path.enumerated() {
            let x = "x\(depth)", y = "y\(depth)"
            let k = jsonPath(key)
            list = """
                flatten(list_transform(\(list), lambda \(x): CASE json_type(\(x)) \
                WHEN 'OBJECT' THEN list_filter([json_extract(\(x), \(k))], lambda \(y): \(y) IS NOT NULL) \
                WHEN 'ARRAY' THEN list_filter(list_transform(json_extract(\(x), '$[*]'), \
                lambda \(y): CASE WHEN json_type(\(y)) = 'OBJECT' THEN json_extract(\(y), \(k)) END), lambda \(y): \(y) IS NOT NULL) \
                ELSE []::JSON[] END))
                """
        }
        return "flatten(list_transform(\(list), lambda w: CASE WHEN json_type(w) = 'ARRAY' THEN json_extract(w, '$[*]') ELSE [w] END))"
    }

    /// The test on a JSON value (SQL NULL when absent), read as the literal's type.
    static func test(_ p: SegmentPredicate, json x: String) -> String {
        switch p {
        case .exists: return "(\(x) IS NOT NULL AND json_type(\(x)) <> 'NULL')"
        case .missing: return "(\(x) IS NULL OR json_type(\(x)) = 'NULL')"
        default: break
        }
        switch p.valueType {
        case .string?: return test(p, value: "seg_string(\(x))")
        case .number?: return test(p, value: "seg_number(\(x))")
        case .boolean?: return test(p, value: "seg_boolean(\(x))")
        case .date?: return test(p, value: "seg_day(\(x))")
        case nil: return "false"
        }
    }

    /// The test on a typed SQL value: VARCHAR, DOUBLE, BOOLEAN or a day number.
    static func test(_ p: SegmentPredicate, value v: String) -> String {
        switch p {
        case .compare(let op, let literal): "(\(v) \(op == .notEqual ? "<>" : op.rawValue) \(sql(literal)))"
        case .isIn(let values): "(\(v) IN (\(values.map(sql).joined(separator: ", "))))"
        case .contains(let t): "contains(\(v), \(quoted(t)))"
        case .startsWith(let t): "starts_with(\(v), \(quoted(t)))"
        case .exists, .missing: "false"  // only traits and properties take these, above
        }
    }

    static func sql(_ literal: SegmentLiteral) -> String {
        switch literal {
        case .string(let s): quoted(s)
        case .number(let x): "CAST('\(x)' AS DOUBLE)"
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .date(let d): day(d)
        }
    }

    /// A date as a day number: `DATE '2026-01-01' - DATE '1970-01-01'`, or `as_of() - n`.
    static func day(_ d: SegmentDate) -> String {
        switch d {
        case .day: "(DATE '\(d.description)' - DATE '1970-01-01')"
        case .daysAgo(let n): "(as_of() - \(n))"
        }
    }

    /// A SQL string literal.
    static func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A JSON path literal naming one key exactly, dots included: `'$."products.category"'`.
    static func jsonPath(_ key: String) -> String {
        let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return quoted("$.\"" + escaped + "\"")
    }
}
