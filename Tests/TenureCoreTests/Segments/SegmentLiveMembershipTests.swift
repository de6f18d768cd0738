import TenureCore
import Testing

/// The incremental refresh against a full evaluation, property-style: random segments of the
/// language (traits, metrics, counts, sums and first/last times over windows with property
/// filters, segment references) over a random shop, then rounds of random new events (some for
/// new customers, some changing traits), each round's patched members compared with a full
/// evaluation of everything gathered from scratch.
@Suite("Segment live membership: incremental refreshes equal full evaluations")
struct SegmentLiveMembershipTests {
    static let asOf = DayNumber.day(year: 2026, month: 6, day: 30)
    static let names = ["Order Completed", "page", "Logged In"]
    static let categories = ["Tea", "Coffee", "Gifts"]
    static let plans = ["free", "pro", "team"]

    /// A shop kept as plain lists, from which a population is built from scratch.
    struct Shop {
        var rng: SeededGenerator
        var customerCount: Int
        var events: [(customer: Int32, day: Int32, kind: Int, properties: [String: JSONValue], value: Float)] = []
        var traits: [[String: JSONValue]]
        var snapshot: ActivitySnapshot
        var scores: CustomerScores

        init(seed: UInt64, customers: Int, events count: Int) {
            rng = SeededGenerator(seed: seed)
            customerCount = customers
            traits = []
            snapshot = ActivitySnapshot()
            scores = CustomerScores(asOf: SegmentLiveMembershipTests.asOf, customerCount: customers)
            for _ in 0..<customers { traits.append(randomTraits()) }
            for c in 0..<customers where Bool.random(using: &rng) { scores.churnRisk[c] = Double.random(in: 0..<1, using: &rng) }
            for _ in 0..<count { events.append(randomEvent(customers: customers)) }
            var b = ActivitySnapshotBuilder(customerCount: customers, expectedEvents: count)
            for e in events { b.add(customer: e.customer, day: e.day, typeName: SegmentLiveMembershipTests.names[e.kind], value: e.value) }
            snapshot = b.build()
        }

        mutating func randomTraits() -> [String: JSONValue] {
            var t: [String: JSONValue] = [:]
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: break
            case 1: t["plan"] = .number(3)
            default: t["plan"] = .string(SegmentLiveMembershipTests.plans.randomElement(using: &rng)!)
            }
            if Bool.random(using: &rng) { t["age"] = .number(Double(Int.random(in: 18...80, using: &rng))) }
            return t
        }

        mutating func randomEvent(customers: Int) -> (customer: Int32, day: Int32, kind: Int, properties: [String: JSONValue], value: Float) {
            let u = Double.random(in: 0..<1, using: &rng)
            let c = Int32(min(customers - 1, Int(Double(customers) * u * u)))
            let kind = Int.random(in: 0..<3, using: &rng)
            // Mostly within the last 400 days; a few in the future (counted by no window ending today).
            let day = SegmentLiveMembershipTests.asOf - Int32.random(in: -2..<400, using: &rng)
            var properties: [String: JSONValue] = [:]
            var value: Float = 0
            if kind == 0 {
                properties["category"] = .string(SegmentLiveMembershipTests.categories.randomElement(using: &rng)!)
                let revenue = Double(Int.random(in: 100...20_000, using: &rng)) / 100
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: break  // no revenue
                case 1: properties["revenue"] = .string("\(revenue)")
                default: properties["revenue"] = .number(revenue)
                }
                value = Float(revenue)
            }
            return (c, day, kind, properties, value)
        }

        func facts(of source: SegmentEventSource, from start: Int) -> SegmentEventFacts {
            var f = SegmentEventFacts(asOf: SegmentLiveMembershipTests.asOf)
            for e in events[start...] where SegmentLiveMembershipTests.names[e.kind] == source.event {
                if source.needsProperties {
                    f.append(customer: e.customer, day: e.day, properties: e.properties, of: source)
                } else {
                    f.append(customer: e.customer, day: e.day)
                }
            }
            return f
        }

        /// Everything gathered from scratch, as a full evaluation reads it.
        func population(_ needs: SegmentRequirements) -> SegmentPopulation {
            var table = SegmentTraitTable(customerCount: customerCount, names: needs.traits)
            for c in 0..<customerCount { table.set(customer: c, traits: traits[c]) }
            var events: [SegmentEventSource: SegmentEventFacts] = [:]
            for source in needs.eventSources { events[source] = facts(of: source, from: 0) }
            let metrics = SegmentMetricColumns(snapshot: snapshot, asOf: SegmentLiveMembershipTests.asOf, metrics: needs.metrics, scores: scores)
            return SegmentPopulation(customerCount: customerCount, asOf: SegmentLiveMembershipTests.asOf, traits: table, metrics: metrics, events: events)
        }

        /// `count` new events (some for new customers, some with new traits), as a store returns them.
        mutating func arrive(_ count: Int, newCustomers: Int, needs: SegmentRequirements) -> SegmentPopulationChange {
            let start = events.count
            for _ in 0..<newCustomers {
                traits.append(randomTraits())
                scores.churnRisk.append(.nan)
                scores.probabilityAlive.append(.nan)
                scores.clv.append(.nan)
                scores.expectedLoss.append(.nan)
            }
            customerCount += newCustomers
            for _ in 0..<count { events.append(randomEvent(customers: customerCount)) }
            var batch = ActivityEventBatch()
            for e in events[start...] {
                batch.append(customer: e.customer, day: e.day, type: snapshot.internEventType(SegmentLiveMembershipTests.names[e.kind]), value: e.value)
            }
            snapshot.append(batch)
            let touched = Set(events[start...].map { Int($0.customer) }).sorted()
            // Some of them identify with new traits. The store reads the traits of the customers
            // with new events and of new customers.
            var changedTraits: [Int: [String: JSONValue]] = [:]
            for c in touched {
                if Int.random(in: 0..<4, using: &rng) == 0 { traits[c] = randomTraits() }
                changedTraits[c] = traits[c]
            }
            for c in (customerCount - newCustomers)..<customerCount { changedTraits[c] = traits[c] }
            var facts: [SegmentEventSource: SegmentEventFacts] = [:]
            for source in needs.eventSources { facts[source] = self.facts(of: source, from: start) }
            return SegmentPopulationChange(customerCount: customerCount, customers: touched, events: facts, traits: changedTraits)
        }
    }

    /// Random segments of the language over the shop's names, each referring only to earlier ones.
    static func segments(count: Int, rng: inout SeededGenerator) throws -> [String: SegmentExpression] {
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        func window() -> String {
            pick(["last \(Int.random(in: 1...120, using: &rng)) days", "last 365 days", "ever", "between 60 days ago and 10 days ago"])
        }
        func filter() -> String {
            pick(["", #", where category = "Tea""#, #", where category in ["Tea", "Gifts"]"#, #", where revenue > 50"#, #", where category != "Coffee" and revenue exists"#])
        }
        func condition(_ i: Int) -> String {
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: return #"trait("plan") = "\#(pick(plans))""#
            case 1: return pick([#"trait("plan") exists"#, #"trait("plan") missing"#, #"trait("age") >= \#(Int.random(in: 20...70, using: &rng))"#])
            case 2: return "rfm = \(SegmentTextForm.quoted(pick(SegmentMetric.rfmSegmentNames)))"
            case 3: return pick(["r_score", "f_score", "m_score"]) + " >= \(Int.random(in: 1...5, using: &rng))"
            case 4: return pick(["recency <= \(Int.random(in: 1...200, using: &rng))", "frequency >= \(Int.random(in: 1...4, using: &rng))", "monetary > \(Int.random(in: 10...300, using: &rng))"])
            case 5: return pick(["churn_risk >= 0.\(Int.random(in: 1...9, using: &rng))", "lifecycle = \(SegmentTextForm.quoted(pick(SegmentMetric.lifecycleStates)))", "days_since_signup > \(Int.random(in: 0...300, using: &rng))"])
            case 6, 7: return #"count("\#(pick(names))", \#(window())\#(filter())) >= \#(Int.random(in: 0...3, using: &rng))"#
            case 8: return #"sum("Order Completed", revenue, \#(window())\#(filter())) > \#(Int.random(in: 0...200, using: &rng))"#
            case 9: return #"\#(pick(["first_time", "last_time"]))("\#(pick(names))", \#(window())) > \#(Int.random(in: 1...200, using: &rng)) days ago"#
            case 10: return #"count("Order Completed", \#(window())) = 0"#
            default: return i > 0 ? #"in segment "s\#(Int.random(in: 0..<i, using: &rng))""# : "frequency >= 1"
            }
        }
        var out: [String: SegmentExpression] = [:]
        for i in 0..<count {
            var text = condition(i)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let next = Bool.random(using: &rng) ? condition(i) : "not (\(condition(i)))"
                text = Bool.random(using: &rng) ? "(\(text)) and \(next)" : "(\(text)) or \(next)"
            }
            out["s\(i)"] = try SegmentExpression(parsing: text)
        }
        return out
    }

    @Test("random batches of events over random segments: patched members equal a full evaluation, round after round",
          arguments: [1, 2, 3, 4] as [UInt64])
    func incrementalEqualsFull(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed &* 7919)
        let definitions = try Self.segments(count: 16, rng: &rng)
        let needs = SegmentRequirements(definitions.values)
        var shop = Shop(seed: seed, customers: 300, events: 3_000)
        var live = try SegmentLiveMembership(definitions: definitions, population: shop.population(needs), threads: 2)
        var changedSomething = false
        for round in 0..<6 {
            let before = live.members
            let change = shop.arrive(Int.random(in: 1...60, using: &rng), newCustomers: round % 2 == 0 ? 0 : 3, needs: needs)
            let refresh = try live.refresh(change, snapshot: shop.snapshot, scores: shop.scores, threads: 2)
            let full = try SegmentEvaluator.evaluateAll(definitions, population: shop.population(needs), threads: 1)
            for name in definitions.keys.sorted() {
                let now = try #require(live.members[name]), expected = try #require(full[name])
                #expect(now == expected, "round \(round), \(name): \(definitions[name]!)")
                // The reported entries and exits are the difference from the previous members.
                let previous = (before[name] ?? SegmentMembers(customerCount: 0)).resized(to: expected.customerCount)
                let changes = try #require(refresh.changes[name])
                #expect(changes.entered == expected.subtracting(previous).indices, "round \(round), \(name)")
                #expect(changes.exited == previous.subtracting(expected).indices, "round \(round), \(name)")
                changedSomething = changedSomething || !changes.isEmpty
            }
            #expect(refresh.customersEvaluated >= change.customers.count)
        }
        // The data must exercise the property: some membership moved.
        #expect(changedSomething)
    }

    @Test("a new purchase moves the RFM cuts for customers without new events, and they are re-evaluated")
    func rfmCutsMoveForUntouchedCustomers() throws {
        // Five buyers with 1…5 purchases: frequency scores 1…5. A sixth customer's three purchases
        // push the customer with 3 purchases (index 2, tie broken by index) down a group.
        let d = Self.asOf
        var b = ActivitySnapshotBuilder(customerCount: 6)
        for c in 0..<5 { for k in 0...c { b.add(customer: Int32(c), day: d - Int32(k), typeName: "Order Completed", value: 10) } }
        var snapshot = b.build()
        let definitions = ["top": try SegmentExpression(parsing: "f_score >= 3")]
        let metrics = SegmentMetricColumns(snapshot: snapshot, asOf: d, metrics: [.fScore])
        var live = try SegmentLiveMembership(
            definitions: definitions, population: SegmentPopulation(customerCount: 6, asOf: d, metrics: metrics), threads: 1)
        #expect(live.members["top"]?.indices == [2, 3, 4])
        var batch = ActivityEventBatch()
        for k in 0..<3 { batch.append(customer: 5, day: d - Int32(k), type: snapshot.internEventType("Order Completed"), value: 10) }
        snapshot.append(batch)
        let refresh = try live.refresh(SegmentPopulationChange(customerCount: 6, customers: [5]), snapshot: snapshot, scores: nil, threads: 1)
        let full = SegmentMetricColumns(snapshot: snapshot, asOf: d, metrics: [.fScore])
        #expect(live.members["top"]?.indices == full.members(.fScore, .compare(.greaterOrEqual, .number(3))).indices)
        #expect(refresh.customersEvaluated > 1)
    }
}
