import TenureCore
import Testing

@Suite("Segment windows and dates")
struct SegmentWindowTests {
    let asOf = DayNumber.day(year: 2026, month: 3, day: 31)

    @Test("windows resolve to inclusive day ranges ending no later than the evaluation day")
    func dayRanges() throws {
        #expect(SegmentWindow.lastDays(1).dayRange(asOf: asOf) == asOf...asOf)
        #expect(SegmentWindow.lastDays(90).dayRange(asOf: asOf) == (asOf - 89)...asOf)
        let jan = try #require(SegmentDate(isoString: "2026-01-01"))
        #expect(SegmentWindow.between(jan, .daysAgo(0)).dayRange(asOf: asOf) == DayNumber.day(year: 2026, month: 1, day: 1)...asOf)
        #expect(SegmentWindow.between(.daysAgo(10), .day(asOf + 100)).dayRange(asOf: asOf) == (asOf - 10)...asOf)
        #expect(SegmentWindow.between(.daysAgo(1), jan).dayRange(asOf: asOf) == nil)
        #expect(SegmentWindow.ever.dayRange(asOf: asOf) == Int32.min...asOf)
        // Never traps, whatever the values.
        #expect(SegmentWindow.lastDays(Int.max).dayRange(asOf: Int32.min) == Int32.min...Int32.min)
        #expect(SegmentDate.daysAgo(Int.max).resolved(asOf: 0) == Int32.min)
        #expect(SegmentDate.daysAgo(30).resolved(asOf: asOf) == asOf - 30)
    }

    @Test("ISO dates: exactly YYYY-MM-DD, real days, years 1 to 9999")
    func isoDates() {
        #expect(SegmentDate(isoString: "2024-02-29") == .day(DayNumber.day(year: 2024, month: 2, day: 29)))
        #expect(SegmentDate(isoString: "0001-01-01") == .day(SegmentDate.earliestDay))
        #expect(SegmentDate(isoString: "9999-12-31") == .day(SegmentDate.latestDay))
        for bad in ["2023-02-29", "2026-00-10", "2026-1-01", "26-01-01", "0000-01-01", "2026-01-01T00:00", "２０２６-01-01", "-026-01-01"] {
            #expect(SegmentDate(isoString: bad) == nil, "\(bad)")
        }
        #expect(SegmentDate.day(SegmentDate.earliestDay).description == "0001-01-01")
        #expect(SegmentDate.daysAgo(0).description == "today")
        #expect(SegmentDate.daysAgo(1).description == "1 day ago")
    }

    @Test("comparisons hold as written")
    func comparisons() {
        #expect(SegmentComparison.greaterOrEqual.holds(2, 2))
        #expect(!SegmentComparison.greater.holds(2, 2))
        #expect(SegmentComparison.notEqual.holds(Int32(1), 2))
        #expect(SegmentComparison.allCases.filter(\.isOrdering) == [.less, .lessOrEqual, .greater, .greaterOrEqual])
    }
}
