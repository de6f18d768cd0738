import Foundation
import TenureCore
import Testing

/// Evaluates generated segment expressions on a simulated shop twice: with ``SegmentEvaluator``,
/// and with DuckDB (`scripts/crosscheck/segments_duckdb.py` running the SQL that
/// ``SegmentCrossCheckSQL`` writes for each expression), and requires the same members, customer
/// for customer.
@Suite("Segment evaluation: cross-check against DuckDB")
struct SegmentDuckDBCrossCheckTests {
    static let requireCrossChecks = ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1"

    /// Whether `python3` with the `duckdb` module can be run.
    static let duckDBAvailable: Bool = {
        (try? run(["python3", "-c", "import duckdb"]))?.status == 0
    }()

    static let asOf = DayNumber.day(year: 2026, month: 6, day: 30)
    static let script = "scripts/crosscheck/segments_duckdb.py"

    @Test(
        "the members of generated expressions equal DuckDB's on 2,000 simulated customers",
        .enabled(
            if: duckDBAvailable || requireCrossChecks,
            "needs python3 with duckdb (pip install duckdb); TENURE_REQUIRE_CROSSCHECKS=1 makes this a failure"))
    func crossCheck() throws {
        // Given: a shop of 2,000 customers with typed, untyped and broken traits and ~2 years of
        // orders, page views and logins, and expressions over all of it.
        let shop = Shop(customerCount: 2_000, seed: 2026, asOf: Self.asOf)
        var maker = ExpressionMaker(seed: 7, asOf: Self.asOf)
        let expressions = try Self.fixedExpressions() + (0..<26).map { _ in maker.expression() }
        for e in expressions { try e.validate() }

        // When: the Swift evaluator and DuckDB each find the members.
        var evaluator = SegmentEvaluator(population: shop.population(for: expressions))
        let swift = try expressions.map { try evaluator.members(of: $0).indices }
        let duck = try Self.duckDBMembers(of: expressions, in: shop)

        // Then: the same customers for every expression, and enough of them are neither empty
        // nor everyone for the check to mean something.
        try #require(duck.count == expressions.count)
        for (i, e) in expressions.enumerated() where swift[i] != duck[i] {
            let mine = Set(swift[i]), theirs = Set(duck[i])
            let onlySwift = mine.subtracting(theirs).sorted(), onlyDuck = theirs.subtracting(mine).sorted()
            let example = (onlySwift + onlyDuck).first.map { "\n  e.g. " + shop.describe($0) } ?? ""
            Issue.record(
                """
                \(e)
                  Swift: \(mine.count) members, DuckDB: \(theirs.count); only Swift: \(onlySwift.prefix(8)), \
                only DuckDB: \(onlyDuck.prefix(8))\(example)
                """)
        }
        let n = shop.customers.count
        let informative = swift.filter { $0.count * 100 >= n && $0.count * 100 <= 99 * n }.count
        #expect(informative >= 8, "only \(informative) of \(expressions.count) expressions hold for 1%…99% of customers")
    }

    /// Hand-picked shapes: the issue's example (with `r_score` for the RFM segment), the
    /// missing-value rules, numeric strings, timestamps, nested property paths and windows.
    static func fixedExpressions() throws -> [SegmentExpression] {
        try [
            #"r_score >= 4 and frequency >= 3 and monetary > 100 and count("Order Completed", last 90 days) >= 2 and not trait("plan") = "free""#,
            #"trait("plan") != "free""#,
            #"not trait("age") > 40"#,
            #"trait("age") >= 30 and trait("age") < 50"#,
            #"trait("signup") >= 2025-01-01 and trait("signup") < 2025-07-01"#,
            #"trait("signup") > 365 days ago or trait("vip") = true"#,
            #"count("Order Completed", ever, where "products.category" = "tea") >= 2"#,
            #"sum("Order Completed", revenue, last 365 days, where coupon exists) >= 50"#,
            #"not last_time("Logged In", last 30 days) >= 14 days ago"#,
            #"first_time("page", between 2025-01-01 and 180 days ago) <= 2025-03-31"#,
            #"count("Order Completed", last 180 days, where "products.category" missing) >= 1"#,
            #"sum("Order Completed", "products.price", ever, where category = "tea") > 40"#,
            #"days_since_signup > 365 and recency > 90"#,
            #"count("Order Completed", between 30 days ago and 2026-01-01) = 0"#,
        ].map { try SegmentExpression(parsing: $0) }
    }

    /// Writes the shop and the expressions' SQL to a temporary directory and runs the script.
    static func duckDBMembers(of expressions: [SegmentExpression], in shop: Shop) throws -> [[Int]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        struct Query: Encodable {
            var name: String
            var sql: String
        }
        let queries = try expressions.map { Query(name: $0.description, sql: try SegmentCrossCheckSQL.sql($0)) }
        let files = ["customers.json", "events.json", "expressions.json", "members.json"].map { dir.appendingPathComponent($0) }
        let encoder = JSONEncoder()
        try encoder.encode(shop.customers).write(to: files[0])
        try encoder.encode(shop.events).write(to: files[1])
        try encoder.encode(queries).write(to: files[2])
        let result = try run([
            "python3", try repositoryRoot().appendingPathComponent(script).path, "members", "--customers", files[0].path,
            "--events", files[1].path, "--as-of", String(shop.asOf), "--expressions", files[2].path, "--out", files[3].path,
        ])
        try #require(result.status == 0, "segments_duckdb.py failed: \(result.output)")
        return try JSONDecoder().decode([[Int]].self, from: Data(contentsOf: files[3]))
    }

    /// The repository root: the first directory above this file (symlinks resolved) holding the script.
    static func repositoryRoot() throws -> URL {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(script).path) { return dir }
            dir.deleteLastPathComponent()
        }
        throw CrossCheckError(description: "\(script) not found above \(#filePath)")
    }

    struct CrossCheckError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a command, returning its status and its output and errors together.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension SegmentDuckDBCrossCheckTests {
    /// Seeded random choices.
    struct Dice {
        var rng: SeededGenerator

        init(seed: UInt64) {
            rng = SeededGenerator(seed: seed)
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
        /// A multiple of 0.25 in `0.25 … max / 4`: exact in a `Float`, so sums are exact in
        /// any order and DuckDB's totals equal Swift's bit for bit.
        mutating func quarters(_ max: Int) -> Double { Double(int(1...max)) / 4 }
    }

    /// A simulated shop: customers with traits as clients send them (numbers as strings, nulls,
    /// timestamps with offsets, values of the wrong type) and their events over about two years
    /// before the evaluation day, plus a few after it that no window may count.
    struct Shop {
        struct Customer: Encodable {
            var customer: Int
            /// The day the profile was created, when older than the first event.
            var created: Int32?
            var traits: [String: JSONValue]
        }

        struct Event: Encodable {
            var customer: Int32
            var day: Int32
            var event: String
            var properties: [String: JSONValue]
        }

        static let traitNames: Set<String> = ["plan", "age", "vip", "signup", "country", "email"]
        static let categories = ["tea", "coffee", "cocoa"]

        var asOf: Int32
        var customers: [Customer] = []
        var events: [Event] = []

        init(customerCount n: Int, seed: UInt64, asOf: Int32) {
            self.asOf = asOf
            var dice = Dice(seed: seed)
            for i in 0..<n {
                let created = dice.chance(0.85) ? asOf - Int32(dice.int(0...1000)) : nil
                customers.append(Customer(customer: i, created: created, traits: Self.traits(i, &dice, asOf)))
                events += Self.events(Int32(i), &dice, asOf)
            }
        }

        static func traits(_ i: Int, _ dice: inout Dice, _ asOf: Int32) -> [String: JSONValue] {
            var t: [String: JSONValue] = [:]
            let plan = dice.int(0...99)
            switch plan {
            case 0..<35: t["plan"] = "free"
            case 35..<60: t["plan"] = "pro"
            case 60..<72: t["plan"] = "team"
            case 72..<78: t["plan"] = "Pro"
            case 78..<80: t["plan"] = 3
            case 80..<85: t["plan"] = .null
            default: break
            }
            let age = dice.int(18...80)
            switch dice.int(0...99) {
            case 0..<50: t["age"] = .number(Double(age))
            case 50..<55: t["age"] = .number(Double(age) + 0.5)
            case 55..<65: t["age"] = .string(String(age))
            case 65..<70: t["age"] = .string(" \(age).5 ")
            case 70..<73: t["age"] = "unknown"
            case 73..<78: t["age"] = .null
            default: break
            }
            switch dice.int(0...99) {
            case 0..<30: t["vip"] = true
            case 30..<75: t["vip"] = false
            case 75..<78: t["vip"] = "true"
            case 78..<82: t["vip"] = .null
            default: break
            }
            let signup = asOf - Int32(dice.int(0...1000))
            switch dice.int(0...99) {
            case 0..<45: t["signup"] = .string(DayNumber.isoString(signup))
            case 45..<65: t["signup"] = .string(timestamp(signup, &dice, zone: true))
            case 65..<75: t["signup"] = .string(timestamp(signup, &dice, zone: false) + ".250Z")
            case 75..<80: t["signup"] = .string(timestamp(signup, &dice, zone: false).replacingOccurrences(of: "T", with: " "))
            case 80..<83: t["signup"] = .string(dice.pick(["yesterday", "14/03/2025", "2025-02-30", ""]))
            case 83..<86: t["signup"] = .number(Double(signup))
            case 86..<88: t["signup"] = .null
            default: break
            }
            if dice.chance(0.9) { t["country"] = .string(dice.pick(["US", "US", "US", "DE", "DE", "FR", "GB", "BR", "JP"])) }
            if dice.chance(0.8) { t["email"] = .string("user\(i)@" + dice.pick(["example.com", "mail.de", "shop.io"])) }
            return t
        }

        /// `2025-03-14T23:30:00-02:00`: a time on `day` in some zone, so the UTC day may be
        /// the day before or after; without a zone, the bare UTC time.
        static func timestamp(_ day: Int32, _ dice: inout Dice, zone: Bool) -> String {
            func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            var s = DayNumber.isoString(day) + "T\(pad(dice.int(0...23))):\(pad(dice.int(0...59))):\(pad(dice.int(0...59)))"
            if zone {
                let hours = dice.int(-12...14)
                s += hours == 0 && dice.chance(0.5) ? "Z" : (hours < 0 ? "-" : "+") + pad(abs(hours)) + ":" + dice.pick(["00", "30"])
            }
            return s
        }

        static func events(_ c: Int32, _ dice: inout Dice, _ asOf: Int32) -> [Event] {
            var out: [Event] = []
            let start = asOf - Int32(dice.int(0...760))
            let end = min(asOf, start + Int32(dice.int(0...760)))
            func day() -> Int32 { start + Int32(dice.int(0...Int(end - start))) }
            let orders = dice.pick([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 12, 20])
            for _ in 0..<orders { out.append(Event(customer: c, day: day(), event: "Order Completed", properties: order(&dice))) }
            for _ in 0..<dice.pick([0, 0, 1, 3, 6, 10, 25]) {
                var p: [String: JSONValue] = [:]
                if dice.chance(0.9) { p["path"] = .string(dice.pick(["/", "/pricing", "/blog/tea", "/blog/coffee", "/docs"])) }
                out.append(Event(customer: c, day: day(), event: "page", properties: p))
            }
            for _ in 0..<dice.pick([0, 0, 2, 5, 12]) {
                out.append(Event(customer: c, day: day(), event: "Logged In", properties: dice.chance(0.5) ? ["method": "google"] : [:]))
            }
            // Names differ by case only, and days after the evaluation day: no aggregate counts them.
            if dice.chance(0.03) { out.append(Event(customer: c, day: day(), event: "order completed", properties: order(&dice))) }
            if dice.chance(0.05) {
                let later = asOf + Int32(dice.int(1...10))
                out.append(Event(customer: c, day: later, event: dice.pick(["Order Completed", "page"]), properties: order(&dice)))
            }
            return out
        }

        static func order(_ dice: inout Dice) -> [String: JSONValue] {
            var p: [String: JSONValue] = [:]
            switch dice.int(0...99) {
            case 0..<80: p["category"] = .string(dice.pick(categories))
            case 80..<85: p["category"] = .null
            default: break
            }
            let revenue = dice.quarters(800)
            switch dice.int(0...99) {
            case 0..<70: p["revenue"] = .number(revenue)
            case 70..<80: p["revenue"] = .string("\(revenue)")
            case 80..<82: p["revenue"] = .string(" \(revenue)")
            case 82..<90: break
            case 90..<95: p["revenue"] = .null
            default: p["revenue"] = "n/a"
            }
            switch dice.int(0...99) {
            case 0..<25: p["coupon"] = .string(dice.pick(["SPRING10", "WELCOME"]))
            case 25..<30: p["coupon"] = .null
            default: break
            }
            func product() -> JSONValue {
                var item: [String: JSONValue] = ["price": .number(dice.quarters(200))]
                switch dice.int(0...99) {
                case 0..<85: item["category"] = .string(dice.pick(categories))
                case 85..<90: item["category"] = .null
                default: break
                }
                return .object(item)
            }
            switch dice.int(0...99) {
            case 0..<65: p["products"] = .array((0..<dice.int(1...3)).map { _ in dice.chance(0.95) ? product() : "gift" })
            case 65..<70: p["products"] = product()  // one object, not a list
            case 70..<73: p["products"] = .null
            default: break
            }
            return p
        }

        /// What the evaluator reads for `expressions`: the traits, RFM measures and scores and
        /// days since signup (from a snapshot whose purchase values are the orders' revenue),
        /// and the events of each source they aggregate.
        func population(for expressions: [SegmentExpression]) -> SegmentPopulation {
            let n = customers.count
            var traits = SegmentTraitTable(customerCount: n, names: Self.traitNames)
            for c in customers { traits.set(customer: c.customer, traits: c.traits) }
            var builder = ActivitySnapshotBuilder(customerCount: n, expectedEvents: events.count)
            for e in events {
                let value = e.event == StandardEvent.orderCompleted ? Float(e.properties["revenue"]?.doubleValue ?? 0) : 0
                builder.add(customer: e.customer, day: e.day, typeName: e.event, value: value)
            }
            for c in customers { if let d = c.created { builder.setFirstSeen(customer: Int32(c.customer), day: d) } }
            let metrics = SegmentMetricColumns(
                snapshot: builder.build(), asOf: asOf, metrics: [.recency, .frequency, .monetary, .rScore, .fScore, .mScore, .daysSinceSignup])
            let byName = Dictionary(grouping: events, by: \.event)
            var facts: [SegmentEventSource: SegmentEventFacts] = [:]
            for source in SegmentRequirements(expressions).eventSources {
                var f = SegmentEventFacts(asOf: asOf)
                for e in byName[source.event] ?? [] { f.append(customer: e.customer, day: e.day, properties: e.properties, of: source) }
                facts[source] = f
            }
            return SegmentPopulation(customerCount: n, asOf: asOf, traits: traits, metrics: metrics, events: facts)
        }

        /// A customer's traits and events, for a failure message.
        func describe(_ customer: Int) -> String {
            let mine = events.filter { $0.customer == Int32(customer) }.sorted { $0.day < $1.day }
            let lines = mine.prefix(12).map { "\(DayNumber.isoString($0.day)) \($0.event) \($0.properties)" }
            let c = customers[customer]
            return "customer \(customer), created \(c.created.map(DayNumber.isoString) ?? "-"), traits \(c.traits); \(mine.count) events:\n    "
                + lines.joined(separator: "\n    ")
        }
    }

    /// Random valid expressions over the shop's vocabulary: `and` / `or` / `not` of trait tests of
    /// every type, metric tests and event aggregates over every kind of window, with and without
    /// property filters (nested `products.category` included).
    struct ExpressionMaker {
        var dice: Dice
        let asOf: Int32

        init(seed: UInt64, asOf: Int32) {
            dice = Dice(seed: seed)
            self.asOf = asOf
        }

        mutating func expression(depth: Int = 0) -> SegmentExpression {
            if depth >= 2 || (depth > 0 && dice.chance(0.3)) {
                let atom = SegmentExpression.condition(condition())
                return dice.chance(0.2) ? .not(atom) : atom
            }
            let items = (0..<dice.int(2...3)).map { _ in expression(depth: depth + 1) }
            let e: SegmentExpression = dice.chance(0.5) ? .and(items) : .or(items)
            return dice.chance(0.15) ? .not(e) : e
        }

        mutating func condition() -> SegmentCondition {
            switch dice.int(0...19) {
            case 0..<7: trait()
            case 7..<11: metric()
            default: aggregate()
            }
        }

        mutating func comparison() -> SegmentComparison { dice.pick(SegmentComparison.allCases) }

        mutating func date() -> SegmentDate {
            dice.chance(0.5) ? .daysAgo(dice.int(0...900)) : .day(asOf - Int32(dice.int(0...900)))
        }

        mutating func trait() -> SegmentCondition {
            let name = dice.pick(["plan", "age", "vip", "signup", "country", "email"])
            let predicate: SegmentPredicate
            switch name {
            case "plan":
                predicate = dice.pick([
                    .compare(dice.pick([.equal, .notEqual]), .string(dice.pick(["free", "pro", "team", "Pro"]))),
                    .isIn([.string("pro"), .string("Pro")]), .isIn([.string("free"), .string("team")]),
                    .startsWith(dice.pick(["p", "P", "fr"])), .contains(dice.pick(["ro", "e", ""])), .exists, .missing,
                ])
            case "age":
                let x = Double(dice.int(18...80)) + (dice.chance(0.2) ? 0.5 : 0)
                predicate = dice.pick([
                    .compare(comparison(), .number(x)), .compare(comparison(), .number(x)), .isIn([.number(30), .number(41), .number(37.5)]),
                    .compare(.equal, .string("41")), .exists, .missing,
                ])
            case "vip":
                predicate = dice.pick([
                    .compare(dice.pick([.equal, .notEqual]), .boolean(dice.chance(0.5))), .exists, .compare(.equal, .string("true")),
                ])
            case "signup":
                predicate = dice.chance(0.9) ? .compare(comparison(), .date(date())) : .exists
            case "country":
                predicate = dice.pick([
                    .compare(dice.pick([.equal, .notEqual]), .string(dice.pick(["US", "DE", "JP"]))), .isIn([.string("FR"), .string("GB")]),
                    .startsWith("D"), .missing,
                ])
            default:
                predicate = dice.pick([.contains(dice.pick(["@example.com", "mail", "@"])), .startsWith("user1"), .exists])
            }
            return SegmentCondition(.trait(name), predicate)
        }

        mutating func metric() -> SegmentCondition {
            let metric = dice.pick([SegmentMetric.recency, .frequency, .monetary, .daysSinceSignup, .rScore, .fScore, .mScore])
            let x: Double =
                switch metric {
                case .recency: Double(dice.int(0...700))
                case .frequency: Double(dice.int(0...12))
                case .monetary: dice.quarters(2_000)
                case .daysSinceSignup: Double(dice.int(0...1000))
                default: Double(dice.int(1...5))
                }
            if metric.isWholeNumber, dice.chance(0.4) {
                return SegmentCondition(.metric(metric), .isIn((0..<dice.int(1...3)).map { _ in .number(Double(dice.int(1...5))) }))
            }
            return SegmentCondition(.metric(metric), .compare(comparison(), .number(x)))
        }

        mutating func window() -> SegmentWindow {
            switch dice.int(0...9) {
            case 0..<3: return .lastDays(dice.chance(0.6) ? dice.pick([1, 7, 30, 90, 180, 365, 730]) : dice.int(1...900))
            case 3..<5:
                let a = asOf - Int32(dice.int(-10...800)), b = asOf - Int32(dice.int(-10...800))
                return .between(.day(min(a, b)), .day(max(a, b)))
            case 5..<7:
                let a = dice.int(0...800), b = dice.int(0...800)
                return .between(.daysAgo(max(a, b)), .daysAgo(min(a, b)))
            case 7:
                // Mixed: sometimes ends before it starts, so it is empty.
                let day = SegmentDate.day(asOf - Int32(dice.int(0...800)))
                let ago = SegmentDate.daysAgo(dice.int(0...800))
                return dice.chance(0.5) ? .between(day, ago) : .between(ago, day)
            default: return .ever
            }
        }

        mutating func orderFilter() -> SegmentPropertyCondition {
            dice.pick([
                SegmentPropertyCondition("category", .compare(.equal, .string("tea"))),
                SegmentPropertyCondition("category", .compare(.notEqual, .string("tea"))),
                SegmentPropertyCondition("category", .isIn([.string("coffee"), .string("cocoa")])),
                SegmentPropertyCondition("category", .startsWith("co")),
                SegmentPropertyCondition("products.category", .compare(.equal, .string("tea"))),
                SegmentPropertyCondition("products.category", .compare(.notEqual, .string("tea"))),
                SegmentPropertyCondition("products.category", .isIn([.string("cocoa")])),
                SegmentPropertyCondition("products.category", .missing),
                SegmentPropertyCondition("products.category", .exists),
                SegmentPropertyCondition("products.price", .compare(.greater, .number(dice.quarters(200)))),
                SegmentPropertyCondition("coupon", .exists),
                SegmentPropertyCondition("coupon", .missing),
                SegmentPropertyCondition("coupon", .compare(.equal, .string("WELCOME"))),
                SegmentPropertyCondition("revenue", .compare(comparison(), .number(dice.quarters(400)))),
                SegmentPropertyCondition("revenue", .exists),
            ])
        }

        mutating func pageFilter() -> SegmentPropertyCondition {
            dice.pick([
                SegmentPropertyCondition("path", .compare(.equal, .string("/pricing"))),
                SegmentPropertyCondition("path", .startsWith("/blog")),
                SegmentPropertyCondition("path", .missing),
            ])
        }

        mutating func aggregate() -> SegmentCondition {
            let event = dice.pick(["Order Completed", "Order Completed", "Order Completed", "page", "Logged In"])
            let isOrder = event == "Order Completed"
            var functions: [SegmentEventAggregate.Function] = [.count, .count, .firstTime, .lastTime]
            if isOrder { functions += [.sum(property: "revenue"), .sum(property: "revenue"), .sum(property: "products.price")] }
            let function = dice.pick(functions)
            var filter: [SegmentPropertyCondition] = []
            if isOrder, dice.chance(0.5) { filter = (0..<dice.int(1...2)).map { _ in orderFilter() } }
            if event == "page", dice.chance(0.4) { filter = [pageFilter()] }
            let aggregate = SegmentEventAggregate(function, of: event, over: window(), where: filter)
            let predicate: SegmentPredicate
            switch function {
            case .count:
                predicate = dice.chance(0.15) ? .isIn([.number(1), .number(2), .number(3)]) : .compare(comparison(), .number(Double(dice.int(0...8))))
            case .sum:
                predicate = .compare(comparison(), dice.chance(0.1) ? .number(0) : .number(dice.quarters(1_600)))
            case .firstTime, .lastTime:
                predicate = .compare(comparison(), .date(date()))
            }
            return SegmentCondition(.event(aggregate), predicate)
        }
    }
}
