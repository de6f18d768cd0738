import ArgumentParser
import Foundation
import TenureCore
import TenureStore

/// `tenure bench segments`: segment evaluation on a simulated shop held in memory, beside DuckDB's
/// SQL for the same segment on the same data (which must return the same members).
struct BenchSegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Evaluate a 5-condition segment on 1M customers / 10M events, recompute 50 segments after 10,000 new events, beside DuckDB.")

    @Option(help: "Customers.") var customers = 1_000_000
    @Option(help: "Events.") var events = 10_000_000
    @Option(help: "Timed runs (the median is reported).") var runs = 5
    @Flag(help: "100,000 customers and 1,000,000 events.") var quick = false
    @Flag(help: "A missing DuckDB is a failure.") var requirePeers = false

    static let five =
        #"trait("plan") = "pro" and rfm in ["Champions", "Loyal", "Potential loyalist", "Needs attention", "About to sleep"] and churn_risk >= 0.3 and count("Order Completed", last 90 days, where category = "Tea") >= 1 and sum("Order Completed", revenue, last 365 days) > 60"#

    func run() async throws {
        let n = quick ? 100_000 : customers, m = quick ? 1_000_000 : events
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB")
        print("generating \(ProgressLine.grouped(n)) customers and \(ProgressLine.grouped(m)) events…")
        var shop = SegmentBenchShop(customers: n, events: m, seed: 7)
        let five = try SegmentExpression(parsing: Self.five)
        let fifty = Self.fifty()
        var needs = SegmentRequirements(fifty)
        needs.add(five)

        let metricsStart = ContinuousClock.now
        var population = shop.population(needs)
        let metricsTime = ContinuousClock.now - metricsStart
        // The 5-condition segment, evaluated from scratch each run.
        var times: [Duration] = []
        var members = SegmentMembers(customerCount: 0)
        for _ in 0..<max(1, runs) {
            let start = ContinuousClock.now
            var evaluator = SegmentEvaluator(population: population)
            members = try evaluator.members(of: five)
            times.append(ContinuousClock.now - start)
        }
        let median = times.sorted()[times.count / 2]
        // An empty or everyone answer would make the comparison with DuckDB vacuous.
        guard members.count > 0, members.count < n else {
            throw BenchFailure("the 5-condition segment has \(members.count) of \(n) members: the data does not exercise it")
        }
        print(String(format: "5-condition segment: %@ of %@ customers, median %.1f ms (%d runs)",
                     ProgressLine.grouped(members.count), ProgressLine.grouped(n), median.milliseconds, times.count))
        print(String(format: "  the metric columns it reads (RFM, churn scores) computed once per snapshot: %.0f ms", metricsTime.milliseconds))

        // 50 segments recomputed after 10,000 new events: the snapshot and facts take the events,
        // the metric columns are recomputed, every segment evaluated again.
        var evaluator = SegmentEvaluator(population: population)
        let before = try fifty.map { try evaluator.members(of: $0) }
        let refreshStart = ContinuousClock.now
        shop.appendEvents(10_000, into: &population)
        population.metrics = SegmentMetricColumns(snapshot: shop.snapshot, asOf: shop.asOf, metrics: needs.metrics, scores: shop.scores)
        let appended = ContinuousClock.now - refreshStart
        var again = SegmentEvaluator(population: population)
        let after = try fifty.map { try again.members(of: $0) }
        let refreshTime = ContinuousClock.now - refreshStart
        let changed = zip(before, after).reduce(0) { $0 + $1.0.resized(to: $1.1.customerCount).subtracting($1.1).count + $1.1.subtracting($1.0.resized(to: $1.1.customerCount)).count }
        print(String(format: "50 segments after 10,000 new events: %.0f ms in total (taking the events and recomputing metrics %.0f ms, evaluating %.0f ms); %@ memberships changed",
                     refreshTime.milliseconds, appended.milliseconds, (refreshTime - appended).milliseconds, ProgressLine.grouped(changed)))
        let membershipBytes = after.reduce(0) { $0 + $1.memoryFootprint } * 2  // recorded and new, for the diff
        print(String(format: "membership bookkeeping for 50 segments: %.1f MiB (the population they read: %.0f MiB)",
                     Double(membershipBytes) / 1_048_576, Double(population.memoryFootprint) / 1_048_576))

        // DuckDB on the same data.
        guard BenchPeers.hasPythonModule("duckdb") else {
            print(try BenchPeers.missing("DuckDB", install: "pip install duckdb", required: requirePeers))
            return
        }
        let script = try BenchPeers.script("bench/segments_duckdb.py")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-bench-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The original data (before the 10,000 appended events), as the 5-condition segment saw it.
        try shop.writeCSV(to: folder, upToEvent: m)
        guard let output = runTool(["python3", script, folder.path, String(shop.asOf), String(runs)]) else {
            throw BenchFailure("the DuckDB peer failed: python3 \(script) \(folder.path)")
        }
        let lines = output.split(separator: "\n")
        guard let timing = lines.first(where: { $0.hasPrefix("duckdb_ms ") }).flatMap({ Double($0.dropFirst(10)) }),
            let memberLine = lines.first(where: { $0.hasPrefix("members ") })
        else { throw BenchFailure("the DuckDB peer printed no result: \(output.prefix(500))") }
        let duck = memberLine.dropFirst(8).split(separator: ",").compactMap { Int($0) }
        let before5 = try { var e = SegmentEvaluator(population: shop.originalPopulation!); return try e.members(of: five).indices }()
        guard duck == before5 else {
            throw BenchFailure("DuckDB's members differ from Tenure's: \(duck.count) against \(before5.count)")
        }
        print(String(format: "DuckDB, the same segment in SQL on the same data: %@ members (equal), median %.1f ms; Tenure %.1fx faster",
                     ProgressLine.grouped(duck.count), timing, timing / max(median.milliseconds, 1e-6)))
    }

    /// 50 segments of the kinds a shop saves: RFM groups, value and risk bands, category buyers
    /// over several windows, lapsing customers, plans.
    static func fifty() -> [SegmentExpression] {
        var texts: [String] = []
        for name in SegmentMetric.rfmSegmentNames { texts.append("rfm = \(SegmentTextForm.quoted(name))") }
        for r in stride(from: 0.1, through: 0.9, by: 0.1) { texts.append(String(format: "churn_risk >= %.1f and monetary > 50", r)) }
        for c in SegmentBenchShop.categories {
            for d in [30, 90, 365] { texts.append(#"count("Order Completed", last \#(d) days, where category = "\#(c)") >= 1"#) }
        }
        for d in [14, 30, 60, 120, 240] { texts.append(#"count("Order Completed", last \#(d) days) = 0 and frequency >= 2"#) }
        for p in ["free", "pro", "team"] { texts.append(#"trait("plan") = "\#(p)" and sum("Order Completed", revenue, last 365 days) > 100"#) }
        for d in [7, 30, 90] { texts.append(#"count("Logged In", last \#(d) days) >= 3"#) }
        texts.append(five)
        while texts.count < 50 { texts.append(#"recency <= \#(texts.count) and trait("country") = "DE""#) }
        return texts.prefix(50).map { try! SegmentExpression(parsing: $0) }
    }
}

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

    /// `count` new events: into the event columns, the snapshot (appended, as a refresh does) and the facts.
    mutating func appendEvents(_ count: Int, into population: inout SegmentPopulation) {
        let start = eventCustomers.count
        for _ in 0..<count { appendRandomEvent() }
        var batch = ActivityEventBatch()
        let ids = Self.names.map { snapshot.internEventType($0) }
        for i in start..<eventCustomers.count {
            batch.append(customer: eventCustomers[i], day: eventDays[i], type: ids[Int(eventKinds[i])], value: Float(eventRevenues[i]))
        }
        snapshot.append(batch)
        addFacts(start..<eventCustomers.count, to: &population.events)
    }

    /// customers.csv (customer, plan, rfm, churn_risk) and events.csv (customer, day, event,
    /// category, revenue) of the first `upToEvent` events; rfm and churn_risk are Tenure's, as a
    /// warehouse would hold a scoring's output.
    func writeCSV(to folder: URL, upToEvent: Int) throws {
        let metrics = originalPopulation!.metrics!
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
            throw ValidationError("cannot create \(eventsFile.path)")
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

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
