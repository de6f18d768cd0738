import TenureCore
import Testing

/// Hostile sizes are errors naming the limit, never a crash or a stack overflow.
@Suite("Segment expressions: hard limits")
struct SegmentExpressionLimitTests {
    func error(_ text: String) -> SegmentExpressionError? {
        do {
            _ = try SegmentExpressionParser.parse(text)
            return nil
        } catch { return error }
    }

    @Test("text length")
    func textLength() throws {
        let limit = SegmentExpressionLimits.maximumTextLength
        // At the limit it parses; one character more is refused at the first character beyond it.
        let fits = "recency > 1" + String(repeating: " ", count: limit - 11)
        #expect(try SegmentExpressionParser.parse(fits) == .condition(SegmentCondition(.metric(.recency), .compare(.greater, .number(1)))))
        let e = try #require(error(fits + " "))
        #expect(e.reason == .limitExceeded)
        #expect(e.location == .text(line: 1, column: limit + 1))
        #expect(e.message.contains("text longer than 20000 characters"))
        // A megabyte is refused as fast, without reading past the limit.
        #expect(error(String(repeating: "(", count: 1_000_000))?.reason == .limitExceeded)
    }

    @Test("nesting depth: parentheses, not, and nested and/or")
    func depth() throws {
        let max = SegmentExpressionLimits.maximumDepth
        let leaf = "recency > 1"
        #expect(throws: Never.self) {
            try SegmentExpressionParser.parse(String(repeating: "(", count: max) + leaf + String(repeating: ")", count: max))
        }
        let parens = try #require(error(String(repeating: "(", count: max + 1) + leaf + String(repeating: ")", count: max + 1)))
        #expect(parens.reason == .limitExceeded)
        #expect(parens.location == .text(line: 1, column: max + 1))
        #expect(parens.token == "(")
        #expect(parens.message.contains("at most 64 levels"))

        #expect(throws: Never.self) { try SegmentExpressionParser.parse(String(repeating: "not ", count: max) + leaf) }
        let nots = try #require(error(String(repeating: "not ", count: max + 1) + leaf))
        #expect(nots.reason == .limitExceeded)
        #expect(nots.token == "not")
        #expect(nots.location == .text(line: 1, column: 4 * max + 1))

        // 64 nested ands (63 parentheses), then a 65th around them.
        var text = "\(leaf) and \(leaf)"
        for _ in 0..<max - 1 { text = "\(leaf) and (\(text))" }
        let ok = try SegmentExpressionParser.parse(text)
        try ok.validate()
        let deep = try #require(error("\(leaf) and (\(text))"))
        #expect(deep.reason == .limitExceeded)
        #expect(deep.token == "and")
        #expect(deep.location == .text(line: 1, column: 13))

        // Far too deep for any stack: refused at the 65th level, quickly.
        #expect(error(String(repeating: "(", count: 19_000))?.location == .text(line: 1, column: max + 1))
        #expect(error(String(repeating: "not ", count: 4_900) + leaf)?.reason == .limitExceeded)
    }

    @Test("list length, filter length, string and word length")
    func sizes() throws {
        let n = SegmentExpressionLimits.maximumListLength
        let list = (0..<n).map(String.init).joined(separator: ",")
        #expect(throws: Never.self) { try SegmentExpressionParser.parse("frequency in [\(list)]") }
        let long = try #require(error("frequency in [\(list),7]"))
        #expect(long.reason == .limitExceeded)
        #expect(long.token == "7")
        #expect(long.column == "frequency in [\(list),".count + 1)

        let tests = (0..<SegmentExpressionLimits.maximumFilterConditions).map { "p\($0) = 1" }.joined(separator: " and ")
        #expect(throws: Never.self) { try SegmentExpressionParser.parse("count(\"x\", ever, where \(tests)) > 0") }
        let filter = try #require(error("count(\"x\", ever, where \(tests) and extra = 1) > 0"))
        #expect(filter.reason == .limitExceeded)
        #expect(filter.token == "extra")

        let s = String(repeating: "é", count: SegmentExpressionLimits.maximumStringLength)
        #expect(throws: Never.self) { try SegmentExpressionParser.parse("trait(\"\(s)\") exists") }
        let string = try #require(error("trait(\"\(s)x\") exists"))
        #expect(string.reason == .limitExceeded)
        #expect(string.column == 7)

        let word = String(repeating: "w", count: SegmentExpressionLimits.maximumWordLength + 1)
        let w = try #require(error("recency > 1 and \(word) > 1"))
        #expect(w.reason == .limitExceeded)
        #expect(w.column == 17)
        #expect(w.message.contains("101 characters"))
        // A long property name prints quoted, so it reads back.
        let longName = String(repeating: "p", count: 150)
        let e = SegmentExpression.condition(
            SegmentCondition(
                .event(SegmentEventAggregate(.count, of: "x", over: .ever, where: [SegmentPropertyCondition(longName, .exists)])),
                .compare(.greater, .number(0))))
        #expect(try SegmentExpressionParser.parse(e.description) == e)
    }
}
