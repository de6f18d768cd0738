import Testing
import TenureCore

@Suite("RFM scores and segments")
struct RFMTests {
    // As of 2024-06-30:
    // c0: 06-20 (50), 06-25 (50)            recency 5,   F 2, M 100
    // c1: 01-01 (10)                        recency 181, F 1, M 10
    // c2: 05-01 (200), 06-01, 06-29 (100)   recency 1,   F 3, M 400
    // c3: 03-01 (30), 04-01 (30)            recency 90,  F 2, M 60
    // c4: 06-25 (20)                        recency 5,   F 1, M 20
    // c5: 02-01 (500)                       recency 150, F 1, M 500
    // c6 only opens the app; c7 buys after the scoring date: neither is scored.
    static let snapshot = AnalyticsFixture.snapshot([
        (0, "2024-06-20", AnalyticsFixture.order, 50), (0, "2024-06-25", AnalyticsFixture.order, 50),
        (1, "2024-01-01", AnalyticsFixture.order, 10),
        (2, "2024-05-01", AnalyticsFixture.order, 200), (2, "2024-06-01", AnalyticsFixture.order, 100), (2, "2024-06-29", AnalyticsFixture.order, 100),
        (3, "2024-03-01", AnalyticsFixture.order, 30), (3, "2024-04-01", AnalyticsFixture.order, 30),
        (4, "2024-06-25", AnalyticsFixture.order, 20),
        (5, "2024-02-01", AnalyticsFixture.order, 500),
        (6, "2024-06-01", AnalyticsFixture.open, 0),
        (7, "2024-07-05", AnalyticsFixture.order, 80),
    ])

    @Test("NTILE(5) quintiles, worst first, ties by customer index")
    func scores() {
        let r = RFMQuery(asOf: AnalyticsFixture.day("2024-06-30")).run(on: Self.snapshot)
        #expect(r.customers == [0, 1, 2, 3, 4, 5])
        #expect(r.recencyDays == [5, 181, 1, 90, 5, 150])
        #expect(r.frequency == [2, 1, 3, 2, 1, 1])
        #expect(r.monetary == [100, 10, 400, 60, 20, 500])
        // Six customers: groups of 2, 1, 1, 1, 1. c0 and c4 tie on recency: c0 ranks lower.
        #expect(r.recencyScores == [3, 1, 5, 2, 4, 1])
        #expect(r.frequencyScores == [3, 1, 5, 4, 1, 2])
        #expect(r.monetaryScores == [3, 1, 4, 2, 1, 5])
        #expect(r.segments == [.needsAttention, .lost, .champions, .atRisk, .promising, .atRisk])
        #expect(r.segment(ofCustomer: 3) == .atRisk)
        #expect(r.segment(ofCustomer: 6) == nil)
    }

    @Test("segment counts, revenue shares and the R × FM grid")
    func summary() throws {
        let r = RFMQuery(asOf: AnalyticsFixture.day("2024-06-30")).run(on: Self.snapshot)
        let atRisk = try #require(r.summary.first { $0.segment == .atRisk })
        #expect(atRisk.customers == 2)
        #expect(atRisk.revenue == 560)
        #expect(atRisk.revenueShare == 560.0 / 1090)
        #expect(atRisk.customerShare == 2.0 / 6)
        #expect(atRisk.name == "At risk")
        #expect(r.summary.count == 11)
        #expect(r.summary.map(\.customers).reduce(0, +) == 6)
        #expect(r.grid[0] == [1, 0, 0, 1, 0])  // R = 1: c1 (FM 1), c5 (FM 4)
        #expect(r.grid[2][2] == 1)  // c0
        #expect(r.grid[4][4] == 1)  // c2
    }

    @Test("a lookback window drops older purchases")
    func lookback() {
        let r = RFMQuery(asOf: AnalyticsFixture.day("2024-06-30"), lookbackDays: 30).run(on: Self.snapshot)
        // Purchases on 2024-06-01 … 06-30 only.
        #expect(r.customers == [0, 2, 4])
        #expect(r.frequency == [2, 2, 1])
        #expect(r.monetary == [100, 200, 20])
    }

    @Test("the documented R × FM segment map, cell by cell")
    func segmentMap() {
        let expected: [[String]] = [
            // FM = 1 … 5, for R = 5 down to 1
            ["New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"],
            ["Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"],
            ["About to sleep", "About to sleep", "Needs attention", "Loyal", "Loyal"],
            ["Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"],
            ["Lost", "Lost", "At risk", "At risk", "Can't lose them"],
        ]
        for (row, r) in zip(expected, [5, 4, 3, 2, 1]) {
            #expect(row == (1...5).map { RFMSegment.classify(recency: r, frequencyMonetary: $0).displayName }, "R = \(r)")
        }
        #expect(RFMSegment.classify(recency: 5, frequency: 4, monetary: 3) == .champions)  // FM = 4 (3.5 rounds up)
        #expect(RFMSegment.classify(recency: 5, frequency: 3, monetary: 2) == .potentialLoyalist)  // FM = 3
    }

    @Test("movement between two dates")
    func transitions() {
        let m = RFMTransitionMatrix(
            snapshot: Self.snapshot, query: RFMQuery(asOf: 0), from: AnalyticsFixture.day("2024-03-31"), to: AnalyticsFixture.day("2024-06-30"))
        func cell(_ a: String, _ b: String) -> Int { m.counts[m.labels.firstIndex(of: a)!][m.labels.firstIndex(of: b)!] }
        // At 03-31: c1 Lost (R1 F1 M1), c3 About to sleep (R3, FM 2), c5 At risk (R2, FM 3).
        #expect(cell("Lost", "Lost") == 1)
        #expect(cell("About to sleep", "At risk") == 1)
        #expect(cell("At risk", "At risk") == 1)
        #expect(cell("Not scored", "Needs attention") == 1)
        #expect(cell("Not scored", "Champions") == 1)
        #expect(cell("Not scored", "Promising") == 1)
        #expect(m.counts.flatMap { $0 }.reduce(0, +) == 6)
    }
}

@Suite("RFM scores at scale")
struct RFMScaleTests {
    @Test("quintiles over thousands of customers match a plain sort with the documented tie rule")
    func manyCustomers() {
        var rng = SeededGenerator(seed: 5)
        var b = ActivitySnapshotBuilder()
        var expectedMoney: [Double] = []
        for c in 0..<2_503 {
            let orders = 1 + Int(rng.next() % 4)
            var money = 0.0
            for _ in 0..<orders {
                // Fractional and negative values (refund-heavy customers) exercise the float keys.
                let v = Float32(Double(rng.next() % 20_000) / 100 - 20)
                money += Double(v)
                b.add(customer: Int32(c), day: 19_000 + Int32(rng.next() % 50), type: AnalyticsFixture.order, value: v)
            }
            expectedMoney.append(money)
        }
        let r = RFMQuery(asOf: 19_100).run(on: b.build())
        #expect(r.customers.count == 2_503)
        // NTILE(5) by hand: order by (value, customer), first n % 5 groups one larger.
        func ntile(_ values: [Double]) -> [UInt8] {
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            let n = values.count, q = n / 5, extra = n % 5
            var out = [UInt8](repeating: 0, count: n)
            var rank = 0
            for g in 0..<5 {
                for _ in 0..<(q + (g < extra ? 1 : 0)) {
                    out[order[rank]] = UInt8(g + 1)
                    rank += 1
                }
            }
            return out
        }
        #expect(r.monetary == expectedMoney)
        #expect(r.monetaryScores == ntile(expectedMoney))
        #expect(r.frequencyScores == ntile(r.frequency.map(Double.init)))
        #expect(r.recencyScores == ntile(r.recencyDays.map { -Double($0) }))
        #expect(r.monetaryScores.filter { $0 == 1 }.count == 501)
    }
}

@Suite("RFM scores from histograms")
struct RFMHistogramScoringTests {
    /// NTILE(5) by hand: order by (value, customer position), the first n % 5 groups one larger.
    static func ntile(_ values: [Double]) -> [UInt8] {
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        let n = values.count, q = n / 5, extra = n % 5
        var out = [UInt8](repeating: 0, count: n)
        var rank = 0
        for g in 0..<5 {
            for _ in 0..<(q + (g < extra ? 1 : 0)) {
                out[order[rank]] = UInt8(g + 1)
                rank += 1
            }
        }
        return out
    }

    static func expectSortedScores(_ r: RFMReport) {
        #expect(r.recencyScores == ntile(r.recencyDays.map { -Double($0) }))
        #expect(r.frequencyScores == ntile(r.frequency.map(Double.init)))
        #expect(r.monetaryScores == ntile(r.monetary))
        #expect(r.segments == r.customers.indices.map {
            RFMSegment.classify(recency: Int(r.recencyScores[$0]), frequency: Int(r.frequencyScores[$0]), monetary: Int(r.monetaryScores[$0]))
        })
    }

    @Test("enough events for several workers, whole-currency totals full of ties")
    func severalWorkers() {
        // 450,000 events: more than one worker's share (200,000), so cut points fall in either
        // worker's customers; 1–50 per order makes thousands of equal totals around each cut.
        var rng = SeededGenerator(seed: 11)
        var b = ActivitySnapshotBuilder()
        for c in 0..<90_000 {
            for _ in 0..<(1 + Int(rng.next() % 9)) {
                let isOrder = rng.next() % 3 != 0
                b.add(
                    customer: Int32(c), day: 19_000 + Int32(rng.next() % 200),
                    type: isOrder ? AnalyticsFixture.order : AnalyticsFixture.open, value: isOrder ? Float32(1 + rng.next() % 50) : 0)
            }
        }
        let snapshot = b.build()
        #expect(snapshot.eventCount > 400_000)
        for (asOf, lookback) in [(Int32(19_199), nil), (19_150, 60), (19_010, nil)] as [(Int32, Int32?)] {
            let r = RFMQuery(asOf: asOf, lookbackDays: lookback).run(on: snapshot)
            #expect(r.customers.count > 1_000)
            Self.expectSortedScores(r)
            #expect(r.summary.map(\.customers).reduce(0, +) == r.customers.count)
            #expect(r.grid.flatMap { $0 }.reduce(0, +) == r.customers.count)
        }
    }

    @Test("a customer with 70,000 purchases takes the sorting path and scores the same way")
    func beyondTheHistograms() {
        var b = ActivitySnapshotBuilder()
        for i in 0..<70_000 { b.add(customer: 0, day: 19_000 + Int32(i % 100), type: AnalyticsFixture.order, value: 1) }
        for c in 1..<40 {
            for k in 0..<(c % 7 + 1) { b.add(customer: Int32(c), day: 19_000 + Int32(c + k), type: AnalyticsFixture.order, value: Float32(c % 5)) }
        }
        let r = RFMQuery(asOf: 19_120).run(on: b.build())
        #expect(r.customers.count == 40 && r.frequency[0] == 70_000)
        Self.expectSortedScores(r)
    }

    @Test("fewer than five customers: the higher groups stay empty")
    func fewCustomers() {
        var b = ActivitySnapshotBuilder()
        b.add(customer: 0, day: 19_000, type: AnalyticsFixture.order, value: 5)
        b.add(customer: 1, day: 19_001, type: AnalyticsFixture.order, value: 5)
        b.add(customer: 2, day: 19_001, type: AnalyticsFixture.order, value: 2)
        let r = RFMQuery(asOf: 19_010).run(on: b.build())
        // Groups of 1, 1, 1, 0, 0 (NTILE): ranks 0, 1, 2 get scores 1, 2, 3.
        #expect(r.recencyScores == [1, 2, 3])
        #expect(r.monetaryScores == [2, 3, 1])
        Self.expectSortedScores(r)
    }
}
