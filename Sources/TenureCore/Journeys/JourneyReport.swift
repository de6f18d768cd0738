import Foundation

/// One customer's entry into a journey, as the report reads it.
public struct JourneyEntryRecord: Sendable, Hashable {
    /// The customer's index in the activity snapshot (nil when the snapshot does not know them yet).
    public var customer: Int?
    /// The UTC day of entry.
    public var enteredDay: Int32
    /// Whether the customer was sent the journey's messages (false: the journey's holdout or the
    /// global control group).
    public var treated: Bool
    /// Whether the goal was reached in its window.
    public var converted: Bool
    /// Whether the goal window has closed (or the goal was reached): only then is a customer
    /// counted in the conversion rate, so an open window is not read as a miss.
    public var decided: Bool

    public init(customer: Int?, enteredDay: Int32, treated: Bool, converted: Bool, decided: Bool) {
        self.customer = customer
        self.enteredDay = enteredDay
        self.treated = treated
        self.converted = converted
        self.decided = decided
    }
}

/// Treatment against control for a journey: goal conversion, retention at 30, 60 and 90 days,
/// and revenue per customer in the 30 days after entry, each with its absolute uplift, 95%
/// interval and significance (``UpliftEstimate``). Control is everyone who entered and was sent
/// nothing (the journey's holdout and the global control group, both chosen by a stable hash).
public struct JourneyReport: Sendable, Codable, Equatable {
    /// Customers who entered, treated and control.
    public var treated: Int
    public var control: Int
    /// Goal conversion among customers whose goal window has closed; nil without a goal.
    public var conversion: UpliftEstimate?
    /// Retained at N days after entry (any activity in the 30 days before day N), among
    /// customers who entered at least N days before the report day; keyed by N.
    public var retention: [Int: UpliftEstimate]
    /// Revenue (the snapshot's order values) per customer in the 30 days after entry, among
    /// customers who entered at least 30 days before the report day.
    public var revenuePerCustomer: UpliftEstimate
    /// The journey's promo codes: given, redeemed, and the redemption rate.
    public var promoCodes: PromoCodes

    public static let retentionDays = [30, 60, 90]
    public static let revenueDays = 30

    /// The report on `asOf` from the entries and the customers' activity.
    public static func make(
        _ entries: [JourneyEntryRecord], activity: ActivitySnapshot, asOf: Int32, hasGoal: Bool, promoCodes: PromoCodes = PromoCodes()
    ) -> JourneyReport {
        var conversion = (t: BinaryOutcomeCounts(customers: 0, successes: 0), c: BinaryOutcomeCounts(customers: 0, successes: 0))
        var retained: [Int: (t: BinaryOutcomeCounts, c: BinaryOutcomeCounts)] = [:]
        for n in retentionDays { retained[n] = (BinaryOutcomeCounts(customers: 0, successes: 0), BinaryOutcomeCounts(customers: 0, successes: 0)) }
        var revenue: (t: [Double], c: [Double]) = ([], [])
        var treated = 0, control = 0
        for entry in entries {
            if entry.treated { treated += 1 } else { control += 1 }
            if entry.decided {
                func add(_ c: inout BinaryOutcomeCounts) { c = BinaryOutcomeCounts(customers: c.customers + 1, successes: c.successes + (entry.converted ? 1 : 0)) }
                if entry.treated { add(&conversion.t) } else { add(&conversion.c) }
            }
            let events = entry.customer.map { activity.events(of: $0) } ?? []
            for n in retentionDays where entry.enteredDay + Int32(n) <= asOf {
                let end = entry.enteredDay + Int32(n)
                let active = events.contains { $0.type != EventTypeTable.identify && $0.day > end - 30 && $0.day <= end }
                var pair = retained[n]!
                if entry.treated {
                    pair.t = BinaryOutcomeCounts(customers: pair.t.customers + 1, successes: pair.t.successes + (active ? 1 : 0))
                } else {
                    pair.c = BinaryOutcomeCounts(customers: pair.c.customers + 1, successes: pair.c.successes + (active ? 1 : 0))
                }
                retained[n] = pair
            }
            if entry.enteredDay + Int32(revenueDays) <= asOf {
                let end = entry.enteredDay + Int32(revenueDays)
                let spent = events.reduce(0.0) { $0 + ($1.type == EventTypeTable.orderCompleted && $1.day >= entry.enteredDay && $1.day < end ? Double($1.value) : 0) }
                if entry.treated { revenue.t.append(spent) } else { revenue.c.append(spent) }
            }
        }
        return JourneyReport(
            treated: treated, control: control,
            conversion: hasGoal ? UpliftEstimate.proportions(treatment: conversion.t, control: conversion.c) : nil,
            retention: retained.mapValues { UpliftEstimate.proportions(treatment: $0.t, control: $0.c) },
            revenuePerCustomer: UpliftEstimate.means(treatment: MeanOutcomeSummary(values: revenue.t), control: MeanOutcomeSummary(values: revenue.c)),
            promoCodes: promoCodes)
    }
}
