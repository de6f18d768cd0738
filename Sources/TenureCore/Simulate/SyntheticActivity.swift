import Foundation

/// Synthetic activity of any size from a seed: customers acquired over two years with gamma-
/// distributed activity and exponential lifetimes, and refresh batches of new events. It is the data
/// the analytics are tested and benchmarked on (`tenure bench analytics`, `tenure bench dashboard`)
/// when no store is at hand; the same seed gives the same events on every machine.
public enum SyntheticActivity {
    /// First day of the synthetic data: 2023-01-01.
    public static let firstDay: Int32 = 19_358

    /// Synthetic events as unordered rows: `customers` customers acquired uniformly over `days`
    /// days from ``firstDay``, each active for an exponential lifetime (mean 300 days),
    /// exactly `events` events in all (at least one per customer; gamma-distributed activity).
    /// 30 % are `Order Completed` with a whole-number value (log-normal, median 33), the rest app
    /// opens, pages and screens. Requires `events ≥ customers`.
    public static func makeBatch(customers: Int, events: Int, seed: UInt64, days: Int = 730) -> ActivityEventBatch {
        precondition(customers > 0 && events >= customers, "need at least one event per customer")
        var rng = SeededGenerator(seed: seed)
        var weights = [Double](repeating: 0, count: customers)
        var total = 0.0
        for c in 0..<customers {
            weights[c] = rng.nextGamma(shape: 0.7, rate: 1)
            total += weights[c]
        }
        let spare = events - customers
        var counts = weights.map { 1 + Int(Double(spare) * $0 / total) }
        var remaining = events - counts.reduce(0, +)
        var c = 0
        while remaining > 0 {
            counts[c % customers] += 1
            remaining -= 1
            c += 1
        }
        var batch = ActivityEventBatch(minimumCapacity: events)
        for c in 0..<customers {
            let acquired = Int(rng.nextUnitInterval() * Double(days))
            let lifetime = rng.nextExponential(rate: 1.0 / 300)
            let end = min(Double(days - 1), Double(acquired) + lifetime)
            let span = end - Double(acquired)
            for e in 0..<counts[c] {
                let day = e == 0 ? acquired : acquired + Int(rng.nextUnitInterval() * (span + 1))
                let u = rng.nextUnitInterval()
                let type: UInt16, value: Float32
                if u < 0.3 || e == 0 && u < 0.6 {
                    type = EventTypeTable.orderCompleted
                    value = Float32(max(1, rng.nextLogNormal(mu: 3.5, sigma: 0.8).rounded()))
                } else if u < 0.75 {
                    type = EventTypeTable.applicationOpened
                    value = 0
                } else if u < 0.9 {
                    type = EventTypeTable.page
                    value = 0
                } else {
                    type = EventTypeTable.screen
                    value = 0
                }
                batch.append(customer: Int32(c), day: firstDay + Int32(day), type: type, value: value)
            }
        }
        return batch
    }

    /// The snapshot of ``makeBatch(customers:events:seed:days:)``.
    public static func makeSnapshot(customers: Int, events: Int, seed: UInt64, days: Int = 730) -> ActivitySnapshot {
        var builder = ActivitySnapshotBuilder(customerCount: customers)
        builder.add(makeBatch(customers: customers, events: events, seed: seed, days: days))
        return builder.build()
    }

    /// A refresh batch for `snapshot`: `events` events on its last two days, 1 % of them from
    /// `newCustomers` customers not yet in it, the rest from random existing customers.
    public static func makeRefreshBatch(
        for snapshot: ActivitySnapshot, events: Int = 10_000, newCustomers: Int = 100, seed: UInt64
    ) -> ActivityEventBatch {
        var rng = SeededGenerator(seed: seed)
        let last = snapshot.dayRange?.upperBound ?? firstDay
        var batch = ActivityEventBatch(minimumCapacity: events)
        for i in 0..<events {
            let c = i % 100 == 0 && newCustomers > 0
                ? snapshot.customerCount + Int(rng.next() % UInt64(newCustomers))
                : Int(rng.next() % UInt64(max(snapshot.customerCount, 1)))
            let isOrder = rng.nextUnitInterval() < 0.3
            batch.append(
                customer: Int32(c), day: last + Int32(rng.next() % 2) - 1,
                type: isOrder ? EventTypeTable.orderCompleted : EventTypeTable.applicationOpened,
                value: isOrder ? Float32(rng.nextLogNormal(mu: 3.5, sigma: 0.8).rounded()) : 0)
        }
        return batch
    }
}
