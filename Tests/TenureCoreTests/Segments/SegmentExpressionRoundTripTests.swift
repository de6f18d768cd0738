import Foundation
import TenureCore
import Testing

/// `parse(print(ast)) == ast` and `decode(encode(ast)) == ast` for many generated expressions.
@Suite("Segment expressions: round trips")
struct SegmentExpressionRoundTripTests {
    @Test("text and JSON round trips of 3,000 generated expressions")
    func generated() throws {
        var generator = SegmentExpressionGenerator(seed: 12)
        var failures: [String] = []
        for _ in 0..<3_000 {
            let ast = generator.expression(depth: 4)
            do {
                try ast.validate()
                let text = ast.description
                let parsed = try SegmentExpressionParser.parse(text)
                if parsed != ast { failures.append("text: \(text)") }
                if parsed.description != text { failures.append("reprint: \(text)") }
                let json = ast.jsonData()
                let decoded = try SegmentExpression(json: json)
                if decoded != ast { failures.append("json: \(String(decoding: json, as: UTF8.self))") }
            } catch {
                failures.append("\(error.message)\n  in \(ast.description)")
            }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("text → AST → JSON → AST on hand-written texts")
    func texts() throws {
        let texts = [
            SegmentExpressionParserTests.example,
            #"(lifecycle = "dormant" or lifecycle = "resurrecting") and days_since_signup > 365 and expected_loss >= 250.5"#,
            #"not (rfm = "Champions" or in segment "Staff") and sum("Order Completed", revenue, between 2025-01-01 and 2025-12-31, where currency = "EUR") > 1e3"#,
            #"trait("signup") < 30 days ago and trait("beta") = true and first_time("Trial Started", last 3650 days) >= 2020-02-29"#,
        ]
        for text in texts {
            let ast = try SegmentExpressionParser.parse(text)
            let viaJSON = try SegmentExpression(json: ast.jsonData())
            #expect(viaJSON == ast)
            #expect(try SegmentExpressionParser.parse(viaJSON.description) == ast)
        }
    }

    @Test("built expressions that break a rule fail validate, with the JSON path")
    func validation() throws {
        func failure(_ e: SegmentExpression, known: Set<String>? = nil) -> SegmentExpressionError? {
            do {
                try e.validate(knownSegments: known)
                return nil
            } catch { return error }
        }
        let ok = SegmentExpression.condition(SegmentCondition(.metric(.recency), .compare(.less, .number(9))))
        #expect(failure(.and([ok]))?.jsonPath == "$.and")
        #expect(failure(.or([]))?.reason == .invalidValue)
        let nan = SegmentExpression.condition(SegmentCondition(.metric(.recency), .compare(.less, .number(.nan))))
        #expect(failure(.or([ok, .not(nan)]))?.jsonPath == "$.or[1].not.value")
        #expect(failure(.or([ok, .not(nan)]))?.reason == .invalidNumber)
        let farDate = SegmentExpression.condition(SegmentCondition(.trait("d"), .compare(.less, .date(.day(Int32.max)))))
        #expect(failure(farDate)?.jsonPath == "$.value.date")
        let badWindow = SegmentExpression.condition(
            SegmentCondition(.event(SegmentEventAggregate(.count, of: "x", over: .between(.daysAgo(1), .daysAgo(5)))), .compare(.greater, .number(0)))
        )
        #expect(failure(badWindow)?.jsonPath == "$.event.window.between")
        #expect(failure(.inSegment("B"), known: ["A"])?.reason == .unknownSegment)
        #expect(failure(.inSegment("A"), known: ["A"]) == nil)
        var deep = ok
        for _ in 0..<SegmentExpressionLimits.maximumDepth { deep = .not(deep) }
        #expect(failure(deep) == nil)
        #expect(try SegmentExpressionParser.parse(deep.description) == deep)
        #expect(failure(.not(deep))?.reason == .limitExceeded)
    }
}
