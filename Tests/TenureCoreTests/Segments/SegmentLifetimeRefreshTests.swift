import TenureCore
import Testing

/// `p_alive` when no scoring gives it: BG/NBD is fitted once for the evaluation day, and a refresh
/// after new events scores the customers they touched with that same fit, from their purchases now.
@Suite("Segment metric columns: the day's lifetime fit scores new purchases")
struct SegmentLifetimeRefreshTests {
    static let asOf = DayNumber.day(year: 2026, month: 6, day: 30)

    @Test("after new purchases, touched customers' P(alive) is the day's BG/NBD fit applied to their purchases now; others keep theirs")
    func touchedCustomersRescoredWithTheDaysFit() throws {
        var rng = SeededGenerator(seed: 41)
        let n = 400, d = Self.asOf
        var builder = ActivitySnapshotBuilder(customerCount: n)
        var ids: [Int] = [], days: [Int] = []
        for c in 0..<n {
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let day = d - Int32.random(in: 0..<500, using: &rng)
                builder.add(customer: Int32(c), day: day, typeName: "Order Completed", value: 20)
                ids.append(c)
                days.append(Int(day))
            }
        }
        var snapshot = builder.build()
        var columns = SegmentMetricColumns(snapshot: snapshot, asOf: d, metrics: [.pAlive])
        let before = (0..<n).map { columns.value(.pAlive, of: $0) }
        // The day's fit, computed independently from the same purchases.
        let model = try BGNBDModel.fit(
            CustomerRFMSummary(customers: ids, days: days, observationEndDay: Int(d), unit: .weeks).patterns()).model

        // Customers 0..<40 buy again today (a purchase on the evaluation day moves recency).
        var batch = ActivityEventBatch()
        let type = snapshot.internEventType("Order Completed")
        for c in 0..<40 {
            batch.append(customer: Int32(c), day: d, type: type, value: 20)
            ids.append(c)
            days.append(Int(d))
        }
        snapshot.append(batch)
        let population = SegmentPopulation(customerCount: n, asOf: d, metrics: columns)
        columns = try #require(population.metrics)
        var live = try SegmentLiveMembership(
            definitions: ["alive": try SegmentExpression(parsing: "p_alive >= 0.5")], population: population, threads: 1)
        _ = try live.refresh(SegmentPopulationChange(customerCount: n, customers: Array(0..<40)), snapshot: snapshot, scores: nil, threads: 1)
        let after = try #require(live.population.metrics)

        let now = try CustomerRFMSummary(customers: ids, days: days, observationEndDay: Int(d), unit: .weeks)
        var changed = 0
        for (row, c) in now.customers.enumerated() {
            let value = try #require(after.value(.pAlive, of: c)?.doubleValue)
            if c < 40 {
                let expected = model.probabilityAlive(frequency: now.frequency[row], recency: now.recency[row], age: now.age[row])
                #expect(abs(value - expected) <= 1e-12, "customer \(c)")
                if value != before[c]?.doubleValue { changed += 1 }
            } else {
                #expect(value == before[c]?.doubleValue, "customer \(c) had no new purchase")
            }
        }
        #expect(changed >= 30, "a purchase today should change most of the 40 touched customers' P(alive)")
        // The members follow the new values.
        let expectedMembers = (0..<n).filter { (after.value(.pAlive, of: $0)?.doubleValue ?? 0) >= 0.5 }
        #expect(live.members["alive"]?.indices == expectedMembers)
    }
}
