import TenureCore
import Testing

/// Every kind of error, at its exact line and column, naming its token.
@Suite("Segment expressions: errors by line and column")
struct SegmentExpressionErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var reason: SegmentExpressionError.Reason
        var line: Int
        var column: Int
        var token: String
        /// A part of the message (which always holds "at line:column" too).
        var says: String
        var description: String { text }
    }

    static let cases: [Case] = [
        // Lexical
        Case(text: "recency > 3 # note", reason: .unexpectedCharacter, line: 1, column: 13, token: "#", says: ##"unexpected character "#""##),
        Case(text: "trait(“plan”) = 1", reason: .unexpectedCharacter, line: 1, column: 7, token: "“", says: "use straight double quotes"),
        Case(text: "recency ! 3", reason: .unexpectedCharacter, line: 1, column: 9, token: "!", says: "write != for"),
        Case(text: "recency > 3 \u{7}", reason: .unexpectedCharacter, line: 1, column: 13, token: "\u{7}", says: "U+0007"),
        Case(text: "trait(\"a\u{7}\") = 1", reason: .unexpectedCharacter, line: 1, column: 9, token: "\u{7}", says: #"write it as \u{7}"#),
        Case(text: "trait(\"plan) = 1", reason: .unterminatedString, line: 1, column: 7, token: "\"plan) = 1", says: "unterminated string"),
        Case(text: "trait(\"pl\nan\") = 1", reason: .unterminatedString, line: 1, column: 7, token: "\"pl", says: "on the same line"),
        Case(text: #"trait("a\qb") = 1"#, reason: .invalidEscape, line: 1, column: 9, token: #"\q"#, says: #"invalid escape \q at 1:9"#),
        Case(text: #"trait("a\u{D800}") = 1"#, reason: .invalidEscape, line: 1, column: 9, token: #"\u{D800}"#, says: "invalid escape"),
        Case(text: #"trait("a\u{}") = 1"#, reason: .invalidEscape, line: 1, column: 9, token: #"\u{}"#, says: "invalid escape"),
        Case(text: "recency > 5.", reason: .invalidNumber, line: 1, column: 11, token: "5.", says: "after the decimal point"),
        Case(text: "recency > 1e", reason: .invalidNumber, line: 1, column: 11, token: "1e", says: "exponent"),
        Case(text: "recency > 90days", reason: .invalidNumber, line: 1, column: 11, token: "90days", says: "put a space"),
        Case(text: "recency > 1e999", reason: .invalidNumber, line: 1, column: 11, token: "1e999", says: "too large"),
        Case(text: #"trait("d") < 2026-13-01"#, reason: .invalidDate, line: 1, column: 14, token: "2026-13-01", says: "YYYY-MM-DD"),
        Case(text: #"trait("d") < 2026-02-30"#, reason: .invalidDate, line: 1, column: 14, token: "2026-02-30", says: "invalid date"),
        Case(text: #"trait("d") < 2026-1-1"#, reason: .invalidDate, line: 1, column: 14, token: "2026-1-1", says: "invalid date"),
        // Syntax
        Case(text: "", reason: .unexpectedEnd, line: 1, column: 1, token: "", says: "expected a condition"),
        Case(text: "recency >", reason: .unexpectedEnd, line: 1, column: 10, token: "", says: "expected a value"),
        Case(text: "recency", reason: .unexpectedEnd, line: 1, column: 8, token: "", says: "expected a test after recency"),
        Case(text: "(recency > 1\n", reason: .unexpectedEnd, line: 2, column: 1, token: "", says: #"to close the "(" at 1:1"#),
        Case(text: "recency > 1)", reason: .unexpectedToken, line: 1, column: 12, token: ")", says: #"expected "and", "or" or the end"#),
        Case(text: "recency > 1 frequency > 2", reason: .unexpectedToken, line: 1, column: 13, token: "frequency", says: "unexpected \"frequency\""),
        Case(text: "recency is 3", reason: .unexpectedToken, line: 1, column: 9, token: "is", says: "=, !=, <, <=, >, >=, in"),
        Case(text: "and recency > 1", reason: .unexpectedToken, line: 1, column: 1, token: "and", says: "expected a condition"),
        Case(text: "rfm in \"Lost\"", reason: .unexpectedToken, line: 1, column: 8, token: "\"Lost\"", says: "a list after \"in\""),
        Case(
            text: #"rfm in ["Lost" "New"]"#, reason: .unexpectedToken, line: 1, column: 16, token: "\"New\"",
            says: #"expected "," or "]" to close the list"#),
        Case(text: #"trait("x") starts "a""#, reason: .unexpectedToken, line: 1, column: 19, token: "\"a\"", says: #""with" after "starts""#),
        Case(text: "count \"x\"", reason: .unexpectedToken, line: 1, column: 7, token: "\"x\"", says: #""(" after "count""#),
        Case(text: "trait(plan) = 1", reason: .unexpectedToken, line: 1, column: 7, token: "plan", says: "a trait name in quotes"),
        Case(text: "in \"VIP\"", reason: .unexpectedToken, line: 1, column: 4, token: "\"VIP\"", says: #""segment" after "in""#),
        Case(text: #"count("x", last days) > 1"#, reason: .unexpectedToken, line: 1, column: 17, token: "days", says: "a whole number of days"),
        Case(text: #"count("x", last 2.5 days) > 1"#, reason: .unexpectedToken, line: 1, column: 17, token: "2.5", says: "a whole number of days"),
        Case(text: #"count("x", last 9 weeks) > 1"#, reason: .unexpectedToken, line: 1, column: 19, token: "weeks", says: #""days" after "last 9""#),
        Case(
            text: #"count("x", between 2026-01-01 2026-02-01) > 1"#, reason: .unexpectedToken, line: 1, column: 31, token: "2026-02-01",
            says: #""and" and the end date"#),
        Case(text: #"count("x", between soon and today) > 1"#, reason: .unexpectedToken, line: 1, column: 20, token: "soon", says: "a date such as"),
        Case(text: #"count("x", forever) > 1"#, reason: .unexpectedToken, line: 1, column: 12, token: "forever", says: "a window"),
        Case(
            text: #"count("x", ever category = "a") > 1"#, reason: .unexpectedToken, line: 1, column: 17, token: "category",
            says: #"to close count( at 1:1"#),
        Case(text: #"count("x", ever, category = "a") > 1"#, reason: .unexpectedToken, line: 1, column: 18, token: "category", says: #""where""#),
        Case(text: #"trait("d") > 30 days"#, reason: .unexpectedEnd, line: 1, column: 21, token: "", says: #""ago" after "30 days""#),
        Case(text: #"trait("d") > 1.5 days ago"#, reason: .invalidDate, line: 1, column: 14, token: "1.5", says: "whole number of days"),
        Case(
            text: #"sum("Order Completed", last 90 days) > 1"#, reason: .unexpectedToken, line: 1, column: 24, token: "last",
            says: "missing property at 1:24"),
        Case(text: #"sum("Order Completed") > 1"#, reason: .unexpectedToken, line: 1, column: 22, token: ")", says: "missing property and window"),
        // Names
        Case(
            text: "churn_rsk >= 0.6", reason: .unknownMetric, line: 1, column: 1, token: "churn_rsk",
            says: #"unknown metric "churn_rsk" at 1:1; did you mean "churn_risk"?"#),
        Case(
            text: "recency > 1 and\n  plan = \"free\"", reason: .unknownMetric, line: 2, column: 3, token: "plan",
            says: #"traits are written trait("name")"#),
        Case(text: #"cout("x", ever) > 1"#, reason: .unknownFunction, line: 1, column: 1, token: "cout", says: #"did you mean "count"?"#),
        Case(
            text: #"rfm in ["At risk", "Cant lose them"]"#, reason: .unknownValue, line: 1, column: 20, token: #""Cant lose them""#,
            says: #"did you mean "Can't lose them"?"#),
        Case(
            text: #"lifecycle = "churned""#, reason: .unknownValue, line: 1, column: 13, token: #""churned""#,
            says: #""new", "returning", "resurrecting" and "dormant""#),
        // Types
        Case(
            text: #"churn_risk >= "high""#, reason: .typeMismatch, line: 1, column: 15, token: #""high""#,
            says: "is a string, but churn_risk is a number"),
        Case(text: "rfm = 3", reason: .typeMismatch, line: 1, column: 7, token: "3", says: "is a number, but rfm is a string"),
        Case(
            text: #"clv_52w contains "1""#, reason: .invalidOperator, line: 1, column: 9, token: "contains",
            says: "needs a string, but clv_52w is a number"),
        Case(text: #"trait("email") contains 5"#, reason: .typeMismatch, line: 1, column: 25, token: "5", says: "contains needs a string"),
        Case(
            text: #"sum("Order Completed", revenue, ever) > "lots""#, reason: .typeMismatch, line: 1, column: 41, token: #""lots""#,
            says: "but sum(...) is a number"),
        Case(
            text: #"first_time("Signup", ever) > 5"#, reason: .typeMismatch, line: 1, column: 30, token: "5", says: "write a date such as 2026-01-01"),
        Case(
            text: #"count("x", ever) > 2026-01-01"#, reason: .typeMismatch, line: 1, column: 20, token: "2026-01-01",
            says: "is a date, but count(...) is a number"),
        Case(text: #"lifecycle > "new""#, reason: .invalidOperator, line: 1, column: 11, token: ">", says: "does not apply to strings"),
        Case(text: #"trait("vip") < true"#, reason: .invalidOperator, line: 1, column: 14, token: "<", says: "use = or !="),
        Case(text: "recency exists", reason: .invalidOperator, line: 1, column: 9, token: "exists", says: "applies to traits and event properties"),
        Case(
            text: #"last_time("x", ever) in [2026-01-01]"#, reason: .typeMismatch, line: 1, column: 26, token: "2026-01-01",
            says: "lists hold strings or numbers"),
        Case(
            text: #"last_time("x", ever) in [1]"#, reason: .invalidOperator, line: 1, column: 22, token: "in",
            says: "needs strings or numbers, but last_time(...) is a date"),
        Case(text: #"trait("plan") in ["a", 1]"#, reason: .typeMismatch, line: 1, column: 24, token: "1", says: "but the list holds strings"),
        Case(text: #"trait("x") in [true]"#, reason: .typeMismatch, line: 1, column: 16, token: "true", says: "lists hold strings or numbers"),
        Case(text: #"churn_risk in ["a"]"#, reason: .typeMismatch, line: 1, column: 16, token: #""a""#, says: "but churn_risk is a number"),
        Case(
            text: #"count("x", ever, where price > "5") > 1"#, reason: .invalidOperator, line: 1, column: 30, token: ">",
            says: "does not apply to strings"),
        // Values
        Case(
            text: "churn_risk >= 60", reason: .invalidValue, line: 1, column: 15, token: "60",
            says: "outside churn_risk's range 0…1; write 60% as 0.6"),
        Case(text: "r_score in [1, 2.5]", reason: .invalidValue, line: 1, column: 16, token: "2.5", says: "not a whole number"),
        Case(text: "m_score = 6", reason: .invalidValue, line: 1, column: 11, token: "6", says: "range 1…5"),
        Case(text: "rfm in []", reason: .invalidValue, line: 1, column: 8, token: "[]", says: "empty list"),
        Case(text: #"trait("") exists"#, reason: .invalidValue, line: 1, column: 7, token: #""""#, says: "empty trait name"),
        Case(text: #"count("", ever) > 1"#, reason: .invalidValue, line: 1, column: 7, token: #""""#, says: "empty event name"),
        Case(text: #"sum("x", "", ever) > 1"#, reason: .invalidValue, line: 1, column: 10, token: #""""#, says: "empty property name"),
        Case(text: #"in segment """#, reason: .invalidValue, line: 1, column: 12, token: #""""#, says: "empty segment name"),
        Case(text: #"count("x", ever, where "" exists) > 1"#, reason: .invalidValue, line: 1, column: 24, token: #""""#, says: "empty property name"),
        Case(text: #"trait("d") < 40000 days ago"#, reason: .invalidDate, line: 1, column: 14, token: "40000 days ago", says: "0…36500 days ago"),
        // Windows
        Case(
            text: #"count("Order Completed") >= 2"#, reason: .invalidWindow, line: 1, column: 24, token: ")",
            says: #"count(...) needs a window such as "last 90 days""#),
        Case(
            text: #"count("x", last 0 days) > 1"#, reason: .invalidWindow, line: 1, column: 12, token: "last 0 days",
            says: #""last 0 days" at 1:12: the window must be 1…3650 days"#),
        Case(text: #"count("x", last 3651 days) > 1"#, reason: .invalidWindow, line: 1, column: 12, token: "last 3651 days", says: "1…3650"),
        Case(text: #"count("x", LAST -5 DAYS) > 1"#, reason: .invalidWindow, line: 1, column: 12, token: "LAST -5 DAYS", says: "the window must be"),
        Case(
            text: #"count("x", between 2026-03-01 and 2026-01-01) > 1"#, reason: .invalidWindow, line: 1, column: 12,
            token: "between 2026-03-01 and 2026-01-01", says: "between 2026-03-01 and 2026-01-01 at 1:12: the start is after the end"),
        Case(
            text: #"count("x", between today and 3 days ago) > 1"#, reason: .invalidWindow, line: 1, column: 12,
            token: "between today and 3 days ago", says: "the start is after the end"),
        Case(
            text: #"count("x", between 0 days ago and 99999 days ago) > 1"#, reason: .invalidDate, line: 1, column: 35, token: "99999 days ago",
            says: "days ago"),
        Case(text: #"first_time("x") < today"#, reason: .invalidWindow, line: 1, column: 15, token: ")", says: "first_time(...) needs a window"),
    ]

    @Test("each error kind names its token at its line and column", arguments: cases)
    func errors(_ c: Case) {
        do {
            let e = try SegmentExpressionParser.parse(c.text)
            Issue.record("parsed as \(e)")
        } catch {
            #expect(error.reason == c.reason)
            #expect(error.line == c.line)
            #expect(error.column == c.column)
            #expect(error.token == c.token)
            #expect(error.message.contains(c.says), "\(error.message)")
            #expect(error.message.contains("at \(c.line):\(c.column)"), "\(error.message)")
            #expect(error.description == error.message)
            #expect(error.jsonPath == nil)
        }
    }

    @Test("the reasons are all exercised")
    func reasonsCovered() {
        let covered = Set(Self.cases.map(\.reason))
        // Limits have their own suite; unknown segments need known names; invalidJSON is the JSON form's.
        let elsewhere: Set<SegmentExpressionError.Reason> = [.limitExceeded, .unknownSegment, .invalidJSON]
        #expect(covered.union(elsewhere) == Set(SegmentExpressionError.Reason.allCases))
    }

    @Test("exact messages of the issue's examples")
    func exactMessages() throws {
        func message(_ text: String) -> String {
            do {
                _ = try SegmentExpressionParser.parse(text)
                return "parsed"
            } catch { return error.message }
        }
        #expect(message("rfm = \"At risk\" and churn_rsk >= 0.6") == #"unknown metric "churn_rsk" at 1:21; did you mean "churn_risk"?"#)
        #expect(message(#"count("x", last 0 days) >= 1"#) == #""last 0 days" at 1:12: the window must be 1…3650 days"#)
        #expect(
            message(#"count("x", between 2026-03-01 and 2026-01-01) >= 1"#)
                == "between 2026-03-01 and 2026-01-01 at 1:12: the start is after the end")
        #expect(
            message(#"count("Order Completed") >= 2"#)
                == #"missing window at 1:24: count(...) needs a window such as "last 90 days", "between 2026-01-01 and 2026-03-31" or "ever""#)
        #expect(
            message(#"rfm = "at risk""#)
                == #"unknown RFM segment "at risk" at 1:7; did you mean "At risk"? (the RFM segments are "Champions", "Loyal", "Potential loyalist", "New", "Promising", "Needs attention", "About to sleep", "At risk", "Can't lose them", "Hibernating" and "Lost")"#
        )
    }

    @Test("columns count characters as the user sees them")
    func columnsInCharacters() {
        // "é" written as e + combining accent, and a family emoji of 5 scalars, are one column each.
        for prefix in ["trait(\"e\u{301}\") = 1 and ", "trait(\"👩‍👩‍👧\") = 1 and ", "trait(\"a\") = 1 and "] {
            do {
                _ = try SegmentExpressionParser.parse(prefix + "churn_rsk > 0")
                Issue.record("parsed")
            } catch {
                #expect(error.column == 20)
                #expect(error.line == 1)
            }
        }
        // \r\n, \r and \n each end a line.
        for breakText in ["\r\n", "\r", "\n"] {
            do {
                _ = try SegmentExpressionParser.parse("recency > 1\(breakText)and\(breakText)\tchurn_rsk > 0")
                Issue.record("parsed")
            } catch {
                #expect(error.line == 3)
                #expect(error.column == 2)
            }
        }
    }

    @Test("unknown segments, when the caller knows the segments")
    func unknownSegment() throws {
        let known: Set<String> = ["VIP", "Tea lovers"]
        #expect(try SegmentExpressionParser.parse(#"in segment "VIP""#, knownSegments: known) == .inSegment("VIP"))
        do {
            _ = try SegmentExpressionParser.parse("recency > 1 and\nin segment \"Tea lover\"", knownSegments: known)
            Issue.record("parsed")
        } catch {
            #expect(error.reason == .unknownSegment)
            #expect(error.location == .text(line: 2, column: 12))
            #expect(error.token == #""Tea lover""#)
            #expect(error.message == #"unknown segment "Tea lover" at 2:12; did you mean "Tea lovers"?"#)
        }
    }
}
