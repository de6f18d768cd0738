import Testing
import TenureCore

@Suite("Activity snapshot")
struct ActivitySnapshotTests {
    @Test("rows in any order come out grouped by customer and sorted by day")
    func groupsAndSorts() {
        let s = AnalyticsFixture.snapshot([
            (2, "2024-03-01", AnalyticsFixture.order, 5),
            (0, "2024-02-01", AnalyticsFixture.open, 0),
            (2, "2024-01-01", AnalyticsFixture.page, 0),
            (0, "2024-01-15", AnalyticsFixture.order, 9),
            (2, "2024-02-01", AnalyticsFixture.open, 0),
        ], customers: 4)
        #expect(s.customerCount == 4)
        #expect(s.eventCount == 5)
        #expect(s.events(of: 0).map(\.day) == [AnalyticsFixture.day("2024-01-15"), AnalyticsFixture.day("2024-02-01")])
        #expect(s.events(of: 0).map(\.value) == [9, 0])
        #expect(s.events(of: 1).isEmpty)
        #expect(s.events(of: 2).map(\.type) == [AnalyticsFixture.page, AnalyticsFixture.open, AnalyticsFixture.order])
        #expect(s.firstSeenDays == [AnalyticsFixture.day("2024-01-15"), ActivitySnapshot.noDay, AnalyticsFixture.day("2024-01-01"), ActivitySnapshot.noDay])
        #expect(s.dayRange == AnalyticsFixture.day("2024-01-01")...AnalyticsFixture.day("2024-03-01"))
    }

    @Test("a long unsorted history is sorted stably")
    func longHistory() {
        var b = ActivitySnapshotBuilder()
        for i in 0..<100 { b.add(customer: 0, day: Int32(100 - i / 2), type: UInt16(i % 2)) }
        let s = b.build()
        let e = s.events(of: 0)
        let expectedDays: [Int32] = (0..<100).map { (j: Int) -> Int32 in Int32(51 + j / 2) }
        let expectedTypes: [UInt16] = (0..<100).map { (j: Int) -> UInt16 in UInt16(j % 2) }
        #expect(e.map(\.day) == expectedDays)
        // Two events a day, added as type 0 then type 1: the order survives the sort.
        #expect(e.map(\.type) == expectedTypes)
    }

    @Test("first-seen days given by the store win when earlier than the first event")
    func firstSeen() {
        var b = ActivitySnapshotBuilder()
        b.add(customer: 0, day: 100, type: AnalyticsFixture.open)
        b.setFirstSeen(customer: 0, day: 90)
        b.setFirstSeen(customer: 1, day: 95)
        let s = b.build()
        #expect(s.firstSeenDays == [90, 95])
    }

    @Test("appending a batch equals building from all rows, before and after compaction")
    func appendMatchesRebuild() {
        let first: [(Int32, String, UInt16, Float32)] = [
            (0, "2024-01-10", AnalyticsFixture.order, 3), (1, "2024-01-11", AnalyticsFixture.open, 0),
            (0, "2024-02-10", AnalyticsFixture.open, 0), (2, "2024-01-05", AnalyticsFixture.page, 0),
        ]
        let second: [(Int32, String, UInt16, Float32)] = [
            (0, "2024-01-20", AnalyticsFixture.order, 4), (4, "2024-03-01", AnalyticsFixture.order, 8),
            (1, "2024-01-01", AnalyticsFixture.page, 0), (0, "2024-02-10", AnalyticsFixture.order, 1),
        ]
        let third: [(Int32, String, UInt16, Float32)] = [(4, "2024-02-01", AnalyticsFixture.open, 0), (1, "2024-05-01", AnalyticsFixture.open, 0)]
        let base = AnalyticsFixture.snapshot(first)
        let appended = base.appending(AnalyticsFixture.batch(second)).appending(AnalyticsFixture.batch(third))
        let rebuilt = AnalyticsFixture.snapshot(first + second + third)
        #expect(base.customerCount == 3)
        #expect(appended.customerCount == 5)
        #expect(appended.eventCount == 10)
        #expect(appended.deltaEventCount == 6)
        for c in 0..<5 {
            #expect(appended.events(of: c) == rebuilt.events(of: c), "customer \(c)")
            #expect(appended.compacted().events(of: c) == rebuilt.events(of: c), "customer \(c) compacted")
        }
        // Base rows first on equal days: the open recorded before the appended order.
        #expect(appended.events(of: 0).map(\.type) == [AnalyticsFixture.order, AnalyticsFixture.order, AnalyticsFixture.open, AnalyticsFixture.order])
        #expect(appended.firstSeenDays == rebuilt.firstSeenDays)
        #expect(appended.firstSeenDays[1] == AnalyticsFixture.day("2024-01-01"))
        #expect(appended.dayRange == rebuilt.dayRange)
        #expect(appended.compacted().deltaEventCount == 0)
        // The original snapshot is untouched.
        #expect(base.eventCount == 4)
        #expect(base.events(of: 0).count == 2)
    }

    @Test("day numbers and period grids follow the UTC calendar, weeks from Monday")
    func calendar() {
        #expect(DayNumber.isoString(0) == "1970-01-01")
        #expect(AnalyticsFixture.day("2024-02-29") - AnalyticsFixture.day("2024-02-28") == 1)
        #expect(AnalyticsFixture.day("2000-03-01") == 11_017)
        #expect(DayNumber.day(isoString: "2023-02-29") == nil)
        let weeks = PeriodGrid(unit: .week, range: DayRange(first: AnalyticsFixture.day("2024-01-03"), last: AnalyticsFixture.day("2024-01-15")))
        // 2024-01-01 and 2024-01-15 are Mondays.
        #expect(weeks.periods.map(\.label) == ["2024-01-01", "2024-01-08", "2024-01-15"])
        #expect(weeks.periods[2].endDay == AnalyticsFixture.day("2024-01-21"))
        let quarters = PeriodGrid(unit: .quarter, range: DayRange(first: AnalyticsFixture.day("2023-12-31"), last: AnalyticsFixture.day("2024-04-01")))
        #expect(quarters.periods.map(\.label) == ["2023-Q4", "2024-Q1", "2024-Q2"])
        #expect(quarters.periods[1].endDay == AnalyticsFixture.day("2024-03-31"))
        let months = PeriodGrid(unit: .month, range: DayRange(first: AnalyticsFixture.day("2024-01-31"), last: AnalyticsFixture.day("2024-03-01")))
        #expect(months.periods.map(\.startDay) == [AnalyticsFixture.day("2024-01-01"), AnalyticsFixture.day("2024-02-01"), AnalyticsFixture.day("2024-03-01")])
        #expect(months.index(of: AnalyticsFixture.day("2023-12-31")) == -1)
    }
}

@Suite("Incremental refresh at scale")
struct IncrementalRefreshTests {
    @Test("metrics on an appended snapshot equal those on a full rebuild")
    func appendedEqualsRebuilt() throws {
        let rows = SyntheticActivity.makeBatch(customers: 2_000, events: 20_000, seed: 3, days: 400)
        var builder = ActivitySnapshotBuilder()
        builder.add(rows)
        let base = builder.build()
        let first = SyntheticActivity.makeRefreshBatch(for: base, events: 1_000, newCustomers: 20, seed: 4)
        let once = base.appending(first)
        let second = SyntheticActivity.makeRefreshBatch(for: once, events: 1_000, newCustomers: 20, seed: 5)
        let twice = once.appending(second)

        var all = ActivitySnapshotBuilder()
        all.add(rows)
        all.add(first)
        all.add(second)
        let rebuilt = all.build()

        #expect(twice.customerCount == rebuilt.customerCount)
        #expect(twice.customerCount > base.customerCount)
        #expect(twice.eventCount == 22_000)
        #expect(twice.deltaEventCount == 2_000)
        #expect(twice.firstSeenDays == rebuilt.firstSeenDays)
        let days = try #require(rebuilt.dayRange)
        let range = DayRange(first: days.lowerBound, last: days.upperBound)
        #expect(CohortRetentionQuery(range: range).run(on: twice) == CohortRetentionQuery(range: range).run(on: rebuilt))
        #expect(RFMQuery(asOf: range.last).run(on: twice) == RFMQuery(asOf: range.last).run(on: rebuilt))
        #expect(
            NonContractualChurnQuery(windowDays: 30, range: range).run(on: twice)
                == NonContractualChurnQuery(windowDays: 30, range: range).run(on: rebuilt))
        let compact = twice.compacted()
        #expect(compact.deltaEventCount == 0)
        for c in stride(from: 0, to: rebuilt.customerCount, by: 7) {
            #expect(compact.events(of: c) == rebuilt.events(of: c))
        }
    }
}

@Suite("Default report range")
struct ReportRangeTests {
    @Test("one event dated 1970 does not stretch the default range of a shop from 2024")
    func oneOldEvent() {
        var rows: [(Int32, String, UInt16, Float)] = [(0, "1970-01-01", AnalyticsFixture.order, 5)]
        for c in 1...400 { rows.append((Int32(c), "2024-0\(1 + c % 9)-1\(c % 10)", AnalyticsFixture.order, 10)) }
        rows.append((1, "2026-11-30", AnalyticsFixture.open, 0))
        let s = AnalyticsFixture.snapshot(rows, customers: 401)
        #expect(s.dayRange?.lowerBound == AnalyticsFixture.day("1970-01-01"))
        #expect(s.reportRange?.lowerBound == AnalyticsFixture.day("2024-01-10"))
        #expect(s.reportRange?.upperBound == AnalyticsFixture.day("2026-11-30"), "the newest event stays in")
    }

    @Test("history without far outliers is covered whole, and at most 20 years")
    func wholeHistory() {
        let far = AnalyticsFixture.snapshot([(0, "2001-05-01", AnalyticsFixture.order, 5), (1, "2024-03-01", AnalyticsFixture.order, 5)], customers: 2)
        // Two events: neither is an outlier, but 23 years are more than reports cover.
        #expect(far.reportRange?.upperBound == AnalyticsFixture.day("2024-03-01"))
        #expect(far.reportRange?.lowerBound == AnalyticsFixture.day("2024-03-01") - 366 * 20)
        let three = AnalyticsFixture.snapshot([(0, "2001-05-01", AnalyticsFixture.order, 5), (1, "2024-02-01", AnalyticsFixture.order, 5),
                                               (1, "2024-03-01", AnalyticsFixture.order, 5)], customers: 2)
        #expect(three.reportRange == AnalyticsFixture.day("2024-02-01")...AnalyticsFixture.day("2024-03-01"))
        let near = AnalyticsFixture.snapshot([(0, "2023-05-01", AnalyticsFixture.order, 5), (1, "2024-03-01", AnalyticsFixture.order, 5),
                                              (1, "2024-04-01", AnalyticsFixture.order, 5)], customers: 2)
        #expect(near.reportRange == near.dayRange)
        #expect(AnalyticsFixture.snapshot([], customers: 1).reportRange == nil)
    }

    @Test("appended events widen the range at its new end")
    func appended() {
        let s = AnalyticsFixture.snapshot([(0, "2024-01-01", AnalyticsFixture.order, 5), (0, "2024-02-01", AnalyticsFixture.order, 5)], customers: 1)
        var batch = ActivityEventBatch()
        batch.append(customer: 0, day: AnalyticsFixture.day("2024-06-01"), type: AnalyticsFixture.order, value: 1)
        let next = s.appending(batch)
        #expect(next.reportRange == AnalyticsFixture.day("2024-01-01")...AnalyticsFixture.day("2024-06-01"))
        #expect(next.compacted().reportRange == next.reportRange)
    }
}
