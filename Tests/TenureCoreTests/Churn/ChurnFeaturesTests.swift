import Foundation
import Testing
import TenureCore

/// Cutoff day 1000 for the hand-built snapshots below.
let churnCutoff: Int32 = 1000

/// A tiny history with known answers; events after `churnCutoff` are there to prove they are ignored.
func handSnapshot(includeFuture: Bool = true) -> ActivitySnapshot {
    typealias T = EventTypeTable
    var b = ActivitySnapshotBuilder(customerCount: 8)
    func add(_ c: Int32, _ day: Int32, _ type: UInt16, _ value: Float32 = 0) {
        if includeFuture || day <= churnCutoff { b.add(customer: c, day: day, type: type, value: value) }
    }
    // Customer 0: buyer and subscriber.
    add(0, 500, T.applicationOpened)
    add(0, 600, T.orderCompleted, 100)
    add(0, 850, T.orderCompleted, 50)
    add(0, 945, T.applicationOpened)
    add(0, 950, T.orderCompleted, 30)
    add(0, 960, T.subscriptionStarted)
    add(0, 965, T.screen)
    add(0, 980, T.orderCompleted, 20)
    add(0, 990, T.page)
    add(0, 995, T.subscriptionRenewed)
    add(0, 1005, T.orderCompleted, 999)
    add(0, 1010, T.subscriptionCancelled)
    // Customer 1: only seen after the cutoff.
    add(1, 1001, T.orderCompleted, 10)
    // Customer 2: cancelled subscriber who never bought.
    add(2, 700, T.subscriptionStarted)
    add(2, 800, T.subscriptionCancelled)
    add(2, 900, T.screen)
    // Customer 3: bought 300 days before the cutoff, never again.
    add(3, 700, T.orderCompleted, 40)
    // Customer 4: bought 400 days before the cutoff (outside a 365-day lookback).
    add(4, 600, T.orderCompleted, 40)
    // Customer 5: bought 10 days before the cutoff, next purchase after a 30-day horizon.
    add(5, 990, T.orderCompleted, 40)
    add(5, 1040, T.orderCompleted, 40)
    // Customer 6: subscribed, never cancels. Customer 7: cancels one day after a 30-day horizon.
    add(6, 900, T.subscriptionStarted)
    add(7, 900, T.subscriptionStarted)
    add(7, 1031, T.subscriptionCancelled)
    return b.build()
}

@Suite("Churn features")
struct ChurnFeaturesTests {
    typealias C = ChurnFeatures.Column

    @Test("exact values on a hand-built history")
    func handValues() throws {
        let table = ChurnFeatures().table(from: handSnapshot(), cutoffDay: churnCutoff)
        #expect(table.customers == [0, 2, 3, 4, 5, 6, 7])
        #expect(table.matrix.features.map(\.name) == C.allCases.map(\.name))

        let r0 = try #require(table.row(ofCustomer: 0))
        let expected0: [C: Float] = [
            .daysSinceLastPurchase: 20, .daysSinceLastActivity: 5,
            .orders30d: 1, .orders90d: 2, .orders365d: 3, .ordersLifetime: 4,
            .revenue90d: 50, .revenue365d: 100, .averageOrderValue: 50, .tenureDays: 500,
            .sessions30d: 1, .sessionsPrior30d: 2, .sessionTrend: 2.0 / 3.0, .purchaseTrend: 1.5,
            .subscriptionActive: 1, .daysSinceLastSubscriptionEvent: 5, .subscriptionAgeDays: 40,
            .daysSinceLastFeedback: .nan, .openComplaints: 0, .complaints90d: 0,
        ]
        for column in C.allCases {
            let value = table[r0, column], expected = try #require(expected0[column], "\(column.name) has no expected value")
            #expect(value == expected || (value.isNaN && expected.isNaN), "customer 0, \(column.name)")
        }

        let r2 = try #require(table.row(ofCustomer: 2))
        #expect(table[r2, .daysSinceLastPurchase].isNaN)
        #expect(table[r2, .averageOrderValue].isNaN)
        #expect(table[r2, .ordersLifetime] == 0)
        #expect(table[r2, .daysSinceLastActivity] == 100)
        #expect(table[r2, .tenureDays] == 300)
        #expect(table[r2, .sessionTrend] == 1)
        #expect(table[r2, .purchaseTrend] == 1)
        #expect(table[r2, .subscriptionActive] == 0)
        #expect(table[r2, .daysSinceLastSubscriptionEvent] == 200)
        #expect(table[r2, .subscriptionAgeDays].isNaN)
        #expect(table.row(ofCustomer: 1) == nil)
    }

    @Test("events after the cutoff change nothing (hand data)")
    func noLeakageHand() {
        let with = ChurnFeatures().table(from: handSnapshot(), cutoffDay: churnCutoff)
        let without = ChurnFeatures().table(from: handSnapshot(includeFuture: false), cutoffDay: churnCutoff)
        #expect(with.customers == without.customers)
        #expect(with.matrix.values.map(\.bitPattern) == without.matrix.values.map(\.bitPattern))
    }

    @Test("events after the cutoff change nothing (synthetic data)")
    func noLeakageSynthetic() {
        let full = SyntheticActivity.makeSnapshot(customers: 2_000, events: 20_000, seed: 3)
        let cutoff = SyntheticActivity.firstDay + 400
        var b = ActivitySnapshotBuilder(customerCount: full.customerCount)
        for c in 0..<full.customerCount {
            for e in full.events(of: c) where e.day <= cutoff {
                b.add(customer: Int32(c), day: e.day, type: e.type, value: e.value)
            }
        }
        let truncated = b.build()
        #expect(truncated.eventCount < full.eventCount)
        let a = ChurnFeatures().table(from: full, cutoffDay: cutoff)
        let t = ChurnFeatures().table(from: truncated, cutoffDay: cutoff)
        #expect(a.customers == t.customers)
        #expect(a.matrix.values.map(\.bitPattern) == t.matrix.values.map(\.bitPattern))
        // Eligibility reads only the past as well.
        let label = ChurnLabel.noPurchase()
        #expect(label.eligibility(in: full, cutoffDay: cutoff) == label.eligibility(in: truncated, cutoffDay: cutoff))
    }
}
