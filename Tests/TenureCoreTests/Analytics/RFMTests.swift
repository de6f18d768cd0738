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
