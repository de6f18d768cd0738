import Foundation
import TenureCore

/// A simulated shop in memory: customers with a plan and a country, orders with a category and
/// revenue, page views and log-ins over two years, and churn scores; enough for the benchmark's
/// segments, and written as CSV for DuckDB.
struct SegmentBenchShop {
    static let categories = ["Tea", "Coffee", "Wellness", "Kitchen", "Gifts"]
    static let plans = ["free", "pro", "team"]
    static let countries = ["DE", "FR", "GB", "US", "NL", "SE"]
    let customerCount: Int
    let asOf: Int32
    var plans: [UInt8]
    var countries: [UInt8]
    /// Every event: customer, day, kind (0 order, 1 page, 2 log-in), category, revenue.
    var eventCustomers: [Int32] = [], eventDays: [Int32] = [], eventKinds: [UInt8] = [], eventCategories: [UInt8] = [], eventRevenues: [Double] = []
    var snapshot: ActivitySnapshot
    var scores: CustomerScores
    var rng: SeededGenerator
    var originalPopulation: SegmentPopulation?
    static let names = ["Order Completed", "page", "Logged In"]

    init(customers: Int, events: Int, seed: UInt64) {
        customerCount = customers
        asOf = DayNumber.day(year: 2026, month: 6, day: 30)
        var random = SeededGenerator(seed: seed)
        plans = (0..<customers).map { _ in UInt8.random(in: 0..<3, using: &random) }
        countries = (0..<customers).map { _ in UInt8.random(in: 0..<6, using: &random) }
        rng = random
        snapshot = ActivitySnapshot()
        scores = CustomerScores(asOf: asOf, customerCount: customers)
        originalPopulation = nil
        eventCustomers.reserveCapacity(events)
        for _ in 0..<events { appendRandomEvent() }
        for c in 0..<customers where Bool.random(using: &rng) { scores.churnRisk[c] = Double.random(in: 0..<1, using: &rng) }
        snapshot = buildSnapshot()
    }

    mutating func appendRandomEvent() {
        // Customers are skewed: a few buy a lot.
        let u = Double.random(in: 0..<1, using: &rng)
        let c = Int32(Double(customerCount) * u * u)
        let kind = UInt8(Double.random(in: 0..<1, using: &rng) < 0.3 ? 0 : (Bool.random(using: &rng) ? 1 : 2))
        eventCustomers.append(min(c, Int32(customerCount - 1)))
        eventDays.append(asOf - Int32.random(in: 0..<730, using: &rng))
        eventKinds.append(kind)
        eventCategories.append(UInt8.random(in: 0..<5, using: &rng))
        eventRevenues.append(kind == 0 ? Double(Int.random(in: 400...12_000, using: &rng)) / 100 : 0)
    }

    func buildSnapshot() -> ActivitySnapshot {
        var b = ActivitySnapshotBuilder(customerCount: customerCount, expectedEvents: eventCustomers.count)
        for i in eventCustomers.indices {
            b.add(customer: eventCustomers[i], day: eventDays[i], typeName: Self.names[Int(eventKinds[i])], value: Float(eventRevenues[i]))
        }
        return b.build()
    }

    /// The population segments needing `needs` read.
    mutating func population(_ needs: SegmentRequirements) -> SegmentPopulation {
        var traits = SegmentTraitTable(customerCount: customerCount, names: needs.traits)
        for c in 0..<customerCount {
            traits.set(customer: c, name: "plan", .string(Self.plans[Int(plans[c])]))
            traits.set(customer: c, name: "country", .string(Self.countries[Int(countries[c])]))
        }
        var facts = Dictionary(uniqueKeysWithValues: needs.eventSources.map { ($0, SegmentEventFacts(asOf: asOf)) })
        addFacts(0..<eventCustomers.count, to: &facts)
        let metrics = SegmentMetricColumns(snapshot: snapshot, asOf: asOf, metrics: needs.metrics, scores: scores)
        let p = SegmentPopulation(customerCount: customerCount, asOf: asOf, traits: traits, metrics: metrics, events: facts)
        originalPopulation = p
        return p
    }

    func addFacts(_ range: Range<Int>, to facts: inout [SegmentEventSource: SegmentEventFacts]) {
        for source in Array(facts.keys) {
            guard let kind = Self.names.firstIndex(of: source.event) else { continue }
            var f = facts[source]!
            for i in range where Int(eventKinds[i]) == kind {
                if source.needsProperties {
                    let properties: [String: JSONValue] = [
                        "category": .string(Self.categories[Int(eventCategories[i])]), "revenue": .number(eventRevenues[i]),
                    ]
                    f.append(customer: eventCustomers[i], day: eventDays[i], properties: properties, of: source)
                } else {
                    f.append(customer: eventCustomers[i], day: eventDays[i])
                }
            }
            facts[source] = f
        }
    }

    /// `count` new events: into the event columns and the snapshot (appended, as a refresh does),
    /// and returned as the store returns what arrived since a population was gathered: the
    /// sources' facts of the new events, the customers they touch and those customers' traits.
    mutating func newEvents(_ count: Int, sources: Set<SegmentEventSource>) -> SegmentPopulationChange {
        let start = eventCustomers.count
        for _ in 0..<count { appendRandomEvent() }
        var batch = ActivityEventBatch()
        let ids = Self.names.map { snapshot.internEventType($0) }
        for i in start..<eventCustomers.count {
            batch.append(customer: eventCustomers[i], day: eventDays[i], type: ids[Int(eventKinds[i])], value: Float(eventRevenues[i]))
        }
        snapshot.append(batch)
        var facts = Dictionary(uniqueKeysWithValues: sources.map { ($0, SegmentEventFacts(asOf: asOf)) })
        addFacts(start..<eventCustomers.count, to: &facts)
        let touched = Set(eventCustomers[start...].map { Int($0) }).sorted()
        var traits: [Int: [String: JSONValue]] = [:]
        for c in touched {
            traits[c] = ["plan": .string(Self.plans[Int(plans[c])]), "country": .string(Self.countries[Int(countries[c])])]
        }
        return SegmentPopulationChange(customerCount: customerCount, customers: touched, events: facts, traits: traits)
    }

    /// customers.csv (customer, plan, rfm, churn_risk) and events.csv (customer, day, event,
    /// category, revenue) of the first `upToEvent` events; rfm and churn_risk are Tenure's, as a
    /// warehouse would hold a scoring's output.
    func writeCSV(to folder: URL, upToEvent: Int) throws {
        guard let metrics = originalPopulation?.metrics else {
            throw BenchFailure("the shop's population was not built before its CSV was written")
        }
        var out = "customer,plan,rfm,churn_risk\n"
        out.reserveCapacity(customerCount * 40)
        for c in 0..<customerCount {
            let rfm = metrics.value(.rfm, of: c)?.stringValue ?? ""
            let risk = scores.churnRisk[c].isNaN ? "" : "\(scores.churnRisk[c])"
            out += "\(c),\(Self.plans[Int(plans[c])]),\"\(rfm.replacingOccurrences(of: "\"", with: "\"\""))\",\(risk)\n"
        }
        try out.write(to: folder.appendingPathComponent("customers.csv"), atomically: false, encoding: .utf8)
        let eventsFile = folder.appendingPathComponent("events.csv")
        guard FileManager.default.createFile(atPath: eventsFile.path, contents: nil) else {
            throw BenchFailure("cannot create \(eventsFile.path)")
        }
        let handle = try FileHandle(forWritingTo: eventsFile)
        defer { try? handle.close() }
        var chunk = "customer,day,event,category,revenue\n"
        for i in 0..<min(upToEvent, eventCustomers.count) {
            chunk += "\(eventCustomers[i]),\(eventDays[i]),\(Self.names[Int(eventKinds[i])]),\(Self.categories[Int(eventCategories[i])]),\(eventRevenues[i])\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }
}
