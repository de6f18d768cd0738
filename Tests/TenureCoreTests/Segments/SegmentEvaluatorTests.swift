import TenureCore
import Testing

/// Each construct of the segment language evaluated on small hand-written data, where the right
/// members can be read off the data.
@Suite("Segment evaluation: every construct on hand-written data")
struct SegmentEvaluatorTests {
    static let asOf = DayNumber.day(year: 2026, month: 6, day: 30)

    /// Six customers:
    /// 0: plan free, age 30, vip true, signup "2026-01-15"; 3 orders (2 tea) in the last 90 days
    /// 1: plan pro, age "41" (a numeric string), email ann@example.com; 1 coffee order 200 days ago
    /// 2: plan "Pro" (another case), age null; no orders, a page view yesterday
    /// 3: no traits; an order of 500 today, tea in its products only
    /// 4: plan free, tags ["a"]; 2 orders 400 days ago
    /// 5: nothing at all
    static func population(metrics: Set<SegmentMetric> = [], scores: CustomerScores? = nil) -> SegmentPopulation {
        let d = asOf
        var traits = SegmentTraitTable(customerCount: 6, names: ["plan", "age", "vip", "signup", "email", "tags"])
        traits.set(customer: 0, traits: ["plan": "free", "age": 30, "vip": true, "signup": "2026-01-15"])
        traits.set(customer: 1, traits: ["plan": "pro", "age": "41", "email": "ann@example.com", "signup": "2025-12-31T23:30:00-02:00"])
        traits.set(customer: 2, traits: ["plan": "Pro", "age": .null])
        traits.set(customer: 4, traits: ["plan": "free", "tags": ["a"]])
        let orders = SegmentEventSource(event: "Order Completed")
        let tea = SegmentEventSource(event: "Order Completed", filter: [SegmentPropertyCondition("category", .compare(.equal, .string("tea")))])
        let teaLines = SegmentEventSource(
            event: "Order Completed", filter: [SegmentPropertyCondition("products.category", .compare(.equal, .string("tea")))])
        let revenue = SegmentEventSource(event: "Order Completed", property: "revenue")
        let pages = SegmentEventSource(event: "page")
        let orderEvents: [(Int32, Int32, [String: JSONValue])] = [
            (0, d - 10, ["category": "tea", "revenue": 20]), (0, d - 40, ["category": "tea", "revenue": "30.5"]),
            (0, d - 80, ["category": "coffee", "revenue": 15]), (1, d - 200, ["category": "coffee", "revenue": 200]),
            (3, d, ["revenue": 500, "products": [["category": "coffee"], ["category": "tea"]]]),
            (4, d - 400, ["revenue": 10]), (4, d - 401, ["revenue": .null]),
        ]
        var events: [SegmentEventSource: SegmentEventFacts] = [:]
        for source in [orders, tea, teaLines, revenue] {
            var facts = SegmentEventFacts(asOf: d)
            for (c, day, props) in orderEvents { facts.append(customer: c, day: day, properties: props, of: source) }
            events[source] = facts
        }
        var pageFacts = SegmentEventFacts(asOf: d)
        pageFacts.append(customer: 2, day: d - 1)
        events[pages] = pageFacts
        var b = ActivitySnapshotBuilder(customerCount: 6)
        for (c, day, props) in orderEvents {
            b.add(customer: c, day: day, typeName: "Order Completed", value: Float(props["revenue"]?.doubleValue ?? 0))
        }
        b.add(customer: 2, day: d - 1, typeName: "page")
        let snapshot = b.build()
        return SegmentPopulation(
            customerCount: 6, asOf: d, traits: traits,
            metrics: metrics.isEmpty ? nil : SegmentMetricColumns(snapshot: snapshot, asOf: d, metrics: metrics, scores: scores),
            events: events)
    }

    func members(_ text: String, metrics: Set<SegmentMetric> = [], scores: CustomerScores? = nil) throws -> [Int] {
        let expression = try SegmentExpression(parsing: text)
        var evaluator = SegmentEvaluator(population: Self.population(metrics: metrics, scores: scores))
        return try evaluator.members(of: expression).indices
    }

    @Test("traits: strings, numbers, numeric strings, booleans, dates, exists and missing")
    func traits() throws {
        #expect(try members(#"trait("plan") = "free""#) == [0, 4])
        #expect(try members(#"trait("plan") != "free""#) == [1, 2])  // an unset trait fails != too
        #expect(try members(#"not trait("plan") = "free""#) == [1, 2, 3, 5])
        #expect(try members(#"trait("plan") in ["pro", "Pro"]"#) == [1, 2])
        #expect(try members(#"trait("plan") starts with "P""#) == [2])
        #expect(try members(#"trait("email") contains "@example""#) == [1])
        #expect(try members(#"trait("age") > 35"#) == [1])
        #expect(try members(#"trait("age") >= 30"#) == [0, 1])
        #expect(try members(#"trait("age") = "41""#) == [1])  // compared as a string, the string matches
        #expect(try members(#"trait("age") = "30""#) == [])  // a JSON number is not a string
        #expect(try members(#"trait("age") exists"#) == [0, 1])  // null is not set
        #expect(try members(#"trait("age") missing"#) == [2, 3, 4, 5])
        #expect(try members(#"trait("vip") = true"#) == [0])
        #expect(try members(#"trait("vip") != true"#) == [])
        #expect(try members(#"trait("tags") exists"#) == [4])
        #expect(try members(#"trait("signup") < 2026-01-01"#) == [])  // 2025-12-31T23:30-02:00 is 2026-01-01 UTC
        #expect(try members(#"trait("signup") = 2026-01-01"#) == [1])
        #expect(try members(#"trait("signup") > 200 days ago"#) == [0, 1])
    }

    @Test("event aggregates: count, sum, first and last time over windows, with property filters")
    func aggregates() throws {
        #expect(try members(#"count("Order Completed", last 90 days) >= 2"#) == [0])
        #expect(try members(#"count("Order Completed", last 90 days) = 0"#) == [1, 2, 4, 5])
        #expect(try members(#"count("Order Completed", last 1 day) = 1"#) == [3])
        #expect(try members(#"count("Order Completed", ever) >= 2"#) == [0, 4])
        #expect(try members(#"count("Order Completed", last 90 days, where category = "tea") = 2"#) == [0])
        #expect(try members(#"count("Order Completed", ever, where "products.category" = "tea") >= 1"#) == [3])
        #expect(try members(#"count("Order Completed", between 2025-01-01 and 2025-12-31) >= 1"#) == [1, 4])
        #expect(try members(#"count("Order Completed", between 60 days ago and 30 days ago) = 1"#) == [0])
        #expect(try members(#"sum("Order Completed", revenue, last 90 days) = 65.5"#) == [0])  // "30.5" counts
        #expect(try members(#"sum("Order Completed", revenue, ever) >= 200"#) == [1, 3])
        #expect(try members(#"sum("Order Completed", revenue, ever) = 0"#) == [2, 5])  // none sums to 0
        #expect(try members(#"sum("Order Completed", revenue, ever) = 10"#) == [4])  // null adds nothing
        #expect(try members(#"last_time("Order Completed", ever) < 100 days ago"#) == [1, 4])
        #expect(try members(#"first_time("Order Completed", ever) >= 90 days ago"#) == [0, 3])
        #expect(try members(#"last_time("page", last 7 days) = 1 day ago"#) == [2])
        // Never done: no first time, whatever the test.
        #expect(try members(#"not first_time("page", ever) < today"#) == [0, 1, 3, 4, 5])
    }

    @Test("metrics: RFM, recency, frequency, lifecycle, days since signup, scores")
    func metrics() throws {
        let all = Set(SegmentMetric.allCases)
        #expect(try members("frequency >= 2", metrics: all) == [0, 4])
        #expect(try members("recency <= 10", metrics: all) == [0, 3])
        #expect(try members("monetary > 100", metrics: all) == [1, 3])
        // Lifecycle over 30-day periods: 0 bought 10 and 40 days ago (returning), 3 is new today,
        // 2 is new (first event yesterday), 1 and 4 were last active long ago (none).
        #expect(try members(#"lifecycle = "returning""#, metrics: all) == [0])
        #expect(try members(#"lifecycle = "new""#, metrics: all) == [2, 3])
        #expect(try members(#"lifecycle in ["new", "returning", "resurrecting", "dormant"]"#, metrics: all) == [0, 2, 3])
        let named = try members(#"rfm in ["Champions", "Loyal", "Potential loyalist", "New", "Promising", "Needs attention", "About to sleep", "At risk", "Can't lose them", "Hibernating", "Lost"]"#, metrics: all)
        #expect(named == [0, 1, 3, 4])  // every purchaser has a segment; 2 and 5 have none
        // Without scores churn risk is unavailable: no one passes, not even !=.
        #expect(try members("churn_risk >= 0", metrics: all) == [])
        #expect(try members("not churn_risk >= 0", metrics: all) == [0, 1, 2, 3, 4, 5])
        var scores = CustomerScores(asOf: Self.asOf, customerCount: 6)
        scores.churnRisk[1] = 0.9
        scores.churnRisk[4] = 0.7
        scores.clv[1] = 250
        scores.clv[4] = 20
        scores.expectedLoss[1] = 225
        scores.expectedLoss[4] = 14
        #expect(try members("churn_risk >= 0.7", metrics: all, scores: scores) == [1, 4])
        #expect(try members("churn_risk >= 0.6 and clv_52w > 100", metrics: all, scores: scores) == [1])
        #expect(try members("expected_loss < 100", metrics: all, scores: scores) == [4])
        #expect(try members("p_alive >= 0", metrics: all, scores: scores) == [])  // scores give none
        // Without scores P(alive) and CLV come from BG/NBD on the purchasers.
        #expect(try members("p_alive >= 0 and p_alive <= 1", metrics: all) == [0, 1, 3, 4])
    }

    @Test("days since signup counts from the first-seen day")
    func daysSinceSignup() throws {
        var b = ActivitySnapshotBuilder(customerCount: 3)
        b.setFirstSeen(customer: 0, day: Self.asOf - 5)
        b.setFirstSeen(customer: 1, day: Self.asOf - 50)
        let metrics = SegmentMetricColumns(snapshot: b.build(), asOf: Self.asOf, metrics: [.daysSinceSignup])
        var evaluator = SegmentEvaluator(population: SegmentPopulation(customerCount: 3, asOf: Self.asOf, metrics: metrics))
        #expect(try evaluator.members(of: SegmentExpression(parsing: "days_since_signup <= 30")).indices == [0])
        #expect(try evaluator.members(of: SegmentExpression(parsing: "days_since_signup > 30")).indices == [1])
    }

    @Test("and, or, not and parentheses combine members")
    func combinations() throws {
        #expect(try members(#"trait("plan") = "free" and count("Order Completed", ever) >= 3"#) == [0])
        #expect(try members(#"trait("plan") = "free" or trait("age") exists"#) == [0, 1, 4])
        #expect(try members(#"not (trait("plan") = "free" or trait("age") exists)"#) == [2, 3, 5])
        #expect(try members(#"(trait("plan") = "pro" or trait("plan") = "Pro") and not count("page", ever) >= 1"#) == [1])
    }

    @Test("in segment reads the members of the segment it names, evaluated first")
    func segmentReferences() throws {
        let definitions = [
            "Free": try SegmentExpression(parsing: #"trait("plan") = "free""#),
            "Free buyers": try SegmentExpression(parsing: #"in segment "Free" and count("Order Completed", ever) >= 1"#, knownSegments: ["Free"]),
            "Others": try SegmentExpression(parsing: #"not in segment "Free buyers""#, knownSegments: ["Free buyers"]),
        ]
        var evaluator = SegmentEvaluator(population: Self.population())
        let all = try evaluator.evaluateAll(definitions)
        #expect(all["Free"]?.indices == [0, 4])
        #expect(all["Free buyers"]?.indices == [0, 4])
        #expect(all["Others"]?.indices == [1, 2, 3, 5])
        var cyclic = SegmentEvaluator(population: Self.population())
        #expect(throws: SegmentEvaluationError.cycle(["A", "B", "A"])) {
            try cyclic.evaluateAll(["A": .inSegment("B"), "B": .inSegment("A")])
        }
        #expect(throws: SegmentEvaluationError.unknownSegment("Gone")) { try cyclic.evaluateAll(["A": .inSegment("Gone")]) }
        // On several cores: the same members, references included, and the same errors.
        var more = definitions
        more["Pro"] = try SegmentExpression(parsing: #"trait("plan") = "pro""#)
        more["Buyers"] = try SegmentExpression(parsing: #"count("Order Completed", ever) >= 1"#)
        var sequential = SegmentEvaluator(population: Self.population())
        let expected = try sequential.evaluateAll(more)
        for threads in [1, 2, 3, 8] {
            let concurrent = try SegmentEvaluator.evaluateAll(more, population: Self.population(), threads: threads)
            #expect(concurrent.mapValues(\.indices) == expected.mapValues(\.indices), "\(threads) threads")
        }
        #expect(throws: SegmentEvaluationError.self) {
            try SegmentEvaluator.evaluateAll(["A": try SegmentExpression(parsing: #"trait("nope") = 1"#), "B": .inSegment("A"), "C": .inSegment("B")], population: Self.population(), threads: 2)
        }
    }

    @Test("a population built without what an expression reads is an error, not an empty segment")
    func missingData() throws {
        var evaluator = SegmentEvaluator(population: Self.population())
        #expect(throws: SegmentEvaluationError.self) { try evaluator.members(of: SegmentExpression(parsing: #"trait("country") = "DE""#)) }
        #expect(throws: SegmentEvaluationError.self) { try evaluator.members(of: SegmentExpression(parsing: "recency < 3")) }
        #expect(throws: SegmentEvaluationError.self) {
            try evaluator.members(of: SegmentExpression(parsing: #"count("Signed Up", ever) >= 1"#))
        }
        let needs = SegmentRequirements(try SegmentExpression(parsing: #"trait("country") = "DE" and count("Signed Up", ever) >= 1 and recency < 3"#))
        let missing = Self.population().missing(needs)
        #expect(missing.traits == ["country"] && missing.metrics == [.recency] && missing.eventSources == [SegmentEventSource(event: "Signed Up")])
    }

    @Test("strings compare code point by code point; numeric strings are plain decimals")
    func exactness() throws {
        var traits = SegmentTraitTable(customerCount: 4, names: ["city", "score"])
        traits.set(customer: 0, traits: ["city": "caf\u{E9}", "score": "0x1A"])  // é as one character
        traits.set(customer: 1, traits: ["city": "cafe\u{301}", "score": " 26 "])  // e + combining accent
        traits.set(customer: 2, traits: ["city": "e\u{301}te", "score": "2.6e1"])
        traits.set(customer: 3, traits: ["score": "26abc"])
        var evaluator = SegmentEvaluator(population: SegmentPopulation(customerCount: 4, asOf: Self.asOf, traits: traits))
        func members(_ text: String) throws -> [Int] { try evaluator.members(of: SegmentExpression(parsing: text)).indices }
        #expect(try members(#"trait("city") = "caf\u{E9}""#) == [0])
        #expect(try members(#"trait("city") in ["cafe\u{301}"]"#) == [1])
        #expect(try members(#"trait("city") starts with "e""#) == [2])
        #expect(try members(#"trait("city") contains "e""#) == [1, 2])
        #expect(try members(#"trait("score") = 26"#) == [1, 2])
    }

    @Test("members: set operations keep bits past the population clear")
    func membersBits() {
        let a = SegmentMembers(customerCount: 130, members: [0, 64, 129, 200, -1])
        #expect(a.indices == [0, 64, 129] && a.count == 3)
        #expect(a.complement().count == 127)
        #expect(SegmentMembers.all(customerCount: 130).count == 130)
        let b = SegmentMembers(customerCount: 130, members: [64, 100])
        #expect(a.intersection(b).indices == [64])
        #expect(a.union(b).indices == [0, 64, 100, 129])
        #expect(a.subtracting(b).indices == [0, 129])
        #expect(a.resized(to: 65).indices == [0, 64])
        #expect(a.resized(to: 300).indices == [0, 64, 129])
    }
}
