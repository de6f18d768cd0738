import TenureCore
import Testing

@Suite("Segment expressions: references to other segments")
struct SegmentReferencesTests {
    func parse(_ text: String) throws -> SegmentExpression { try SegmentExpressionParser.parse(text) }

    @Test("referenced segments, each once, in order; unknown ones")
    func referenced() throws {
        let e = try parse(#"in segment "B" and (not in segment "A" or in segment "B" or recency < 3) and in segment "C""#)
        #expect(e.referencedSegments == ["B", "A", "C"])
        #expect(e.unknownSegments(known: ["A"]) == ["B", "C"])
        #expect(try parse("recency < 3").referencedSegments.isEmpty)
    }

    @Test("cycles: none, self, long, and only reachable ones")
    func cycles() throws {
        let definitions: [String: SegmentExpression] = [
            "A": try parse(#"in segment "B" and in segment "C""#),
            "B": try parse(#"in segment "D""#),
            "C": try parse(#"in segment "D" or in segment "Unknown""#),
            "D": try parse("recency < 3"),
        ]
        // A diamond is no cycle.
        #expect(SegmentExpression.segmentCycle(in: definitions) == nil)
        #expect(SegmentExpression.segmentCycle(from: "A") { definitions[$0] } == nil)

        var withCycle = definitions
        withCycle["D"] = try parse(#"in segment "C" and recency < 3"#)
        // A → B → D → C → D: the cycle, from its first repeated segment.
        #expect(SegmentExpression.segmentCycle(from: "A") { withCycle[$0] } == ["D", "C", "D"])
        #expect(SegmentExpression.segmentCycle(in: withCycle) == ["D", "C", "D"])
        #expect(SegmentExpression.segmentCycle(from: "C") { withCycle[$0] } == ["C", "D", "C"])
        #expect(SegmentExpression.segmentCycle(from: "B") { withCycle[$0] } == ["D", "C", "D"])

        let selfRef = try parse(#"in segment "Me" or recency < 1"#)
        #expect(SegmentExpression.segmentCycle(from: "Me") { $0 == "Me" ? selfRef : nil } == ["Me", "Me"])

        // A chain of 10,000 segments closing on itself: found without deep recursion.
        let n = 10_000
        let chain = (0..<n).map { SegmentExpression.inSegment("s\(($0 + 1) % n)") }
        let cycle = SegmentExpression.segmentCycle(from: "s0") { name in Int(name.dropFirst()).map { chain[$0] } }
        #expect(cycle?.count == n + 1)
        #expect(cycle?.first == "s0" && cycle?.last == "s0")
    }
}
