import Foundation
import TenureCore
import Testing

@Suite("Segment expressions: the JSON form")
struct SegmentExpressionJSONTests {
    func decode(_ json: String) throws(SegmentExpressionError) -> SegmentExpression {
        try SegmentExpression(json: Array(json.utf8))
    }

    func decodeError(_ json: String) -> SegmentExpressionError? {
        do {
            _ = try decode(json)
            return nil
        } catch { return error }
    }

    @Test("the issue's example: text → AST → JSON → AST, in the documented shape")
    func example() throws {
        let ast = try SegmentExpressionParser.parse(SegmentExpressionParserTests.example)
        let json = String(decoding: ast.jsonData(), as: UTF8.self)
        #expect(
            json
                == #"{"and":[{"metric":"rfm","op":"in","value":["At risk","Can't lose them"]},{"metric":"churn_risk","op":">=","value":0.6},{"metric":"clv_52w","op":">","value":100},{"event":{"count":"Order Completed","window":{"last_days":90}},"op":">=","value":2},{"not":{"op":"=","trait":"plan","value":"free"}}]}"#
        )
        #expect(try decode(json) == ast)
        // Through JSONDecoder directly, as an API request body would be.
        #expect(try JSONDecoder().decode(SegmentExpression.self, from: Data(json.utf8)) == ast)
    }

    @Test("every construct's JSON, written by hand, reads as its text")
    func handWritten() throws {
        let pairs: [(String, String)] = [
            (#"{"in_segment": "VIP"}"#, #"in segment "VIP""#),
            (#"{"not": {"trait": "email", "op": "exists"}}"#, #"not trait("email") exists"#),
            (
                #"{"or": [{"metric": "lifecycle", "op": "=", "value": "new"}, {"metric": "r_score", "op": "<=", "value": 2}]}"#,
                #"lifecycle = "new" or r_score <= 2"#
            ),
            (#"{"trait": "email", "op": "starts_with", "value": "ann"}"#, #"trait("email") starts with "ann""#),
            (#"{"trait": "email", "op": "contains", "value": "@"}"#, #"trait("email") contains "@""#),
            (#"{"trait": "vip", "op": "!=", "value": true}"#, #"trait("vip") != true"#),
            (#"{"trait": "signup", "op": "<", "value": {"date": "2026-01-01"}}"#, #"trait("signup") < 2026-01-01"#),
            (#"{"trait": "signup", "op": ">", "value": {"days_ago": 30}}"#, #"trait("signup") > 30 days ago"#),
            (#"{"trait": "code", "op": "=", "value": "2026-01-01"}"#, #"trait("code") = "2026-01-01""#),
            (
                #"{"event": {"sum": "Order Completed", "property": "revenue", "window": "ever", "where": [{"property": "category", "op": "=", "value": "tea"}]}, "op": ">", "value": 50}"#,
                #"sum("Order Completed", revenue, ever, where category = "tea") > 50"#
            ),
            (
                #"{"event": {"last_time": "Login", "window": {"between": [{"date": "2026-01-01"}, {"days_ago": 0}]}}, "op": ">=", "value": {"days_ago": 7}}"#,
                #"last_time("Login", between 2026-01-01 and today) >= 7 days ago"#
            ),
            (
                #"{"event": {"first_time": "Signup", "window": {"last_days": 1}, "where": []}, "op": "<", "value": {"date": "2025-12-31"}}"#,
                #"first_time("Signup", last 1 day) < 2025-12-31"#
            ),
        ]
        for (json, text) in pairs {
            let fromJSON = try decode(json)
            #expect(fromJSON == (try SegmentExpressionParser.parse(text)), "\(json)")
            #expect(fromJSON.description == text)
            #expect(try decode(String(decoding: fromJSON.jsonData(), as: UTF8.self)) == fromJSON)
        }
    }

    @Test("a bad JSON form is an error naming its JSON path")
    func errors() {
        let cases: [(json: String, reason: SegmentExpressionError.Reason, path: String, says: String)] = [
            ("[1]", .invalidJSON, "$", "expected an expression"),
            ("{", .invalidJSON, "$", "malformed JSON"),
            (#"{"metirc": "rfm", "op": "=", "value": "Lost"}"#, .invalidJSON, "$", #"unknown key "metirc" at $; did you mean "metric"?"#),
            (#"{"and": [{"metric": "rfm", "op": "=", "value": "Lost"}]}"#, .invalidValue, "$.and", #""and" at $.and needs at least two expressions"#),
            (#"{"and": {"metric": "rfm"}}"#, .invalidJSON, "$.and", "expected a list"),
            (
                #"{"and": [{"in_segment": "A"}, {"metric": "churn_rsk", "op": ">", "value": 0.5}]}"#, .unknownMetric, "$.and[1].metric",
                #"did you mean "churn_risk"?"#
            ),
            (
                #"{"or": [{"in_segment": "A"}, {"metric": "churn_risk", "op": ">", "value": "high"}]}"#, .typeMismatch, "$.or[1].value",
                "is a string, but churn_risk is a number"
            ),
            (#"{"metric": "churn_risk", "op": "~", "value": 1}"#, .invalidOperator, "$.op", #"unknown operator "~""#),
            (#"{"metric": "churn_risk", "value": 1}"#, .invalidJSON, "$", #"missing key "op""#),
            (#"{"trait": "plan", "op": "exists", "value": 1}"#, .invalidJSON, "$.value", "takes no value"),
            (#"{"trait": 5, "op": "exists"}"#, .invalidJSON, "$.trait", "expected a string"),
            (#"{"trait": "a", "metric": "rfm", "op": "exists"}"#, .invalidJSON, "$", "one operand"),
            (#"{"metric": "rfm", "op": "in", "value": ["Lost", "Gone"]}"#, .unknownValue, "$.value[1]", #"unknown RFM segment "Gone""#),
            (#"{"metric": "rfm", "op": "in", "value": "Lost"}"#, .invalidJSON, "$.value", "expected a list"),
            (#"{"trait": "x", "op": "=", "value": [1]}"#, .invalidJSON, "$.value", "expected a value"),
            (#"{"trait": "x", "op": "=", "value": null}"#, .invalidJSON, "$.value", "expected a value"),
            (#"{"trait": "x", "op": "<", "value": {"date": "2026-02-30"}}"#, .invalidDate, "$.value.date", "invalid date"),
            (#"{"trait": "x", "op": "<", "value": {"days_ago": 1.5}}"#, .invalidValue, "$.value.days_ago", "whole number"),
            (#"{"trait": "x", "op": "<", "value": {"date": "2026-01-01", "days_ago": 1}}"#, .invalidJSON, "$.value", "not both"),
            (
                #"{"event": {"count": "x", "window": {"last_days": 0}}, "op": ">", "value": 1}"#, .invalidWindow, "$.event.window.last_days",
                "the window must be 1…3650 days"
            ),
            (#"{"event": {"count": "x", "window": "always"}, "op": ">", "value": 1}"#, .invalidWindow, "$.event.window", #"unknown window "always""#),
            (#"{"event": {"count": "x"}, "op": ">", "value": 1}"#, .invalidJSON, "$.event", #"missing key "window""#),
            (
                #"{"event": {"count": "x", "window": {"between": [{"date": "2026-03-01"}, {"date": "2026-01-01"}]}}, "op": ">", "value": 1}"#,
                .invalidWindow, "$.event.window.between", "the start is after the end"
            ),
            (
                #"{"event": {"count": "x", "window": {"between": [{"date": "2026-03-01"}]}}, "op": ">", "value": 1}"#, .invalidJSON,
                "$.event.window.between", "two dates"
            ),
            (#"{"event": {"sum": "x", "window": "ever"}, "op": ">", "value": 1}"#, .invalidJSON, "$.event", #"missing key "property""#),
            (
                #"{"event": {"count": "x", "property": "p", "window": "ever"}, "op": ">", "value": 1}"#, .invalidJSON, "$.event",
                #"unknown key "property""#
            ),
            (#"{"event": {"count": "x", "sum": "y", "window": "ever"}, "op": ">", "value": 1}"#, .invalidJSON, "$.event", "one function"),
            (
                #"{"event": {"count": "x", "window": "ever", "where": [{"property": "p", "op": "<", "value": "a"}]}, "op": ">", "value": 1}"#,
                .invalidOperator, "$.event.where[0].op", "does not apply to strings"
            ),
            (#"{"event": {"first_time": "x", "window": "ever"}, "op": ">", "value": 1}"#, .typeMismatch, "$.value", "but first_time(...) is a date"),
            (#"{"in_segment": ""}"#, .invalidValue, "$.in_segment", "empty segment name"),
            (#"{"not": {"in_segment": "A"}, "and": []}"#, .invalidJSON, "$", "unknown key"),
            (#"{"trait": "we\"ird", "op": "=", "value": "x", "extra key": 1}"#, .invalidJSON, "$", #"unknown key "extra key""#),
        ]
        for c in cases {
            guard let e = decodeError(c.json) else {
                Issue.record("decoded: \(c.json)")
                continue
            }
            #expect(e.reason == c.reason, "\(c.json): \(e.message)")
            #expect(e.jsonPath == c.path, "\(c.json): \(e.message)")
            #expect(e.message.contains(c.says), "\(c.json): \(e.message)")
            #expect(e.message.contains("at \(c.path)"), "\(e.message)")
            #expect(e.line == nil && e.column == nil)
        }
    }

    @Test("depth and length limits hold for JSON too")
    func limits() throws {
        let leaf = #"{"metric": "recency", "op": ">", "value": 1}"#
        var ok = leaf
        for _ in 0..<SegmentExpressionLimits.maximumDepth { ok = #"{"not": \#(ok)}"# }
        #expect(throws: Never.self) { try decode(ok) }
        let tooDeep = try #require(decodeError(#"{"not": \#(ok)}"#))
        #expect(tooDeep.reason == .limitExceeded)
        #expect(tooDeep.jsonPath == "$" + String(repeating: ".not", count: SegmentExpressionLimits.maximumDepth))
        // Deeper than JSONDecoder's own limit: still an error, not a crash.
        let hostile = String(repeating: #"{"not": "#, count: 600) + leaf + String(repeating: "}", count: 600)
        #expect(decodeError(hostile) != nil)

        // Every rule holds, the text length included: a valid JSON form always prints to valid text.
        let names = (0..<40).map { #""\#(String(repeating: "n", count: 900))\#($0)""# }.joined(separator: ",")
        let long = try #require(decodeError(#"{"trait": "x", "op": "in", "value": [\#(names)]}"#))
        #expect(long.reason == .limitExceeded)
        #expect(long.message.contains("limited to 20000 characters"))
        let list = (0...SegmentExpressionLimits.maximumListLength).map(String.init).joined(separator: ",")
        #expect(decodeError(#"{"metric": "frequency", "op": "in", "value": [\#(list)]}"#)?.reason == .limitExceeded)
    }

    @Test("the smaller types decode on their own, with the same rules")
    func parts() throws {
        let d = JSONDecoder()
        #expect(try d.decode(SegmentWindow.self, from: Data(#""ever""#.utf8)) == .ever)
        #expect(try d.decode(SegmentWindow.self, from: Data(#"{"last_days": 30}"#.utf8)) == .lastDays(30))
        #expect(throws: SegmentExpressionError.self) { try d.decode(SegmentWindow.self, from: Data(#"{"last_days": 4000}"#.utf8)) }
        #expect(try d.decode(SegmentLiteral.self, from: Data("1".utf8)) == .number(1))
        #expect(try d.decode(SegmentLiteral.self, from: Data("true".utf8)) == .boolean(true))
        #expect(
            try d.decode(SegmentCondition.self, from: Data(#"{"metric": "p_alive", "op": "<", "value": 0.3}"#.utf8))
                == SegmentCondition(.metric(.pAlive), .compare(.less, .number(0.3))))
        #expect(throws: SegmentExpressionError.self) {
            try d.decode(SegmentCondition.self, from: Data(#"{"metric": "p_alive", "op": "<", "value": 3}"#.utf8))
        }
        #expect(
            try d.decode(SegmentPropertyCondition.self, from: Data(#"{"property": "a", "op": "missing"}"#.utf8))
                == SegmentPropertyCondition("a", .missing))
    }
}
