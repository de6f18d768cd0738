import Foundation
import Testing
import TenureCore
import TenureStore

@Suite("Customer attributes built from the store")
struct CustomerAttributesStoreTests {
    /// Customer `a`: traits, NPS answers in three spellings, a CSAT answer, four orders of which two
    /// are discounted. Anonymous visitor `anon-1` answers a survey, orders with a discount and gets a
    /// trait, then is merged into the known customer `b`. Customers `c0`…`c59` each live in another city.
    static func messages() -> [Message] {
        var m: [Message] = [
            identify("i1", user: "a", [
                "email": "ada@example.com", "first_name": "Ada", "user_id": "crm-17", "customerId": 17,
                "plan": "pro", "employees": 12, "vip": true, "tags": ["x"],
            ], "2026-01-01T00:00:00Z"),
            // A later identify with an escaped string and a nested object: read by the full parser.
            identify("i1b", user: "a", ["name": "Ada \"the first\" Lovelace", "company": ["name": "ACME", "size": 5]], "2026-01-01T00:00:01Z"),
            track("s1", user: "a", "Survey Responded", "2026-01-10T12:00:00Z", ["survey": "nps", "score": 9, "reason": "fast"]),
            track("s2", user: "a", "Survey Responded", "2026-01-20T12:00:00Z", ["survey": "csat", "score": 4]),
            track("s3", user: "a", "Survey Responded", "2026-02-10T12:00:00Z", ["nps": 3]),
            track("s4", user: "a", "survey sent", "2026-03-01T12:00:00Z", ["$survey_response": "7"]),
            track("s5", user: "a", "Survey Responded", "2026-03-02T12:00:00Z", ["survey": "NPS", "score": 11]),  // off the scale
            track("o1", user: "a", "Order Completed", "2026-01-05T10:00:00Z", ["order_id": "o1", "total": 10, "discount": 0]),
            track("o2", user: "a", "Order Completed", "2026-01-15T10:00:00Z", ["order_id": "o2", "total": 20, "discount": 2.5]),
            track("o3", user: "a", "Order Completed", "2026-02-15T10:00:00Z", ["order_id": "o3", "total": 30, "coupon": "SPRING"]),
            track("o4", user: "a", "Order Completed", "2026-03-15T10:00:00Z", [
                "order_id": "o4", "total": 40, "discount": 0, "coupon": "",
                "products": [["product_id": "p1", "price": 40, "coupon": "ITEM10", "discount": 4]],  // a line's coupon is not the order's
            ]),
            track("b1", user: "b", "Order Completed", "2026-01-03T10:00:00Z", ["order_id": "b1", "total": 15]),
            identify("i2", user: nil, anon: "anon-1", ["plan": "basic", "employees": "many"], "2026-01-04T00:00:00Z"),
            track("v1", user: nil, anon: "anon-1", "Survey Responded", "2026-01-06T09:00:00Z", ["score": 2]),
            track("v2", user: nil, anon: "anon-1", "Order Completed", "2026-01-07T09:00:00Z", ["order_id": "v2", "total": 8, "discount": "1.50"]),
            identify("i3", user: "b", anon: "anon-1", ["country": "DE"], "2026-01-08T00:00:00Z"),
        ]
        for i in 0..<60 {
            m.append(identify("c\(i)", user: "c\(i)", ["city": .string("City \(i)"), "country": i % 2 == 0 ? "FR" : "DE"], "2026-01-02T00:00:00Z"))
        }
        return m
    }

    static func day(_ text: String) -> Int32 { DayNumber.day(of: at(text)) }

    /// The snapshot index of the customer with `userId`.
    static func index(of userId: String, in store: SQLiteStore, _ snapshot: StoreSnapshot) async throws -> Int {
        let profile = try #require(try await store.customer(userId: userId))
        return try #require(snapshot.customerIds.firstIndex(of: profile.id))
    }

    @Test("surveys, discounted orders and traits land on the right customers, days and values")
    func buildsAttributes() async throws {
        // Given the messages above in a store
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([Self.messages()])
        let snapshot = try await store.activitySnapshot()
        // When the attributes are built beside the snapshot
        let attributes = try await store.customerAttributes(of: snapshot)
        // Then they cover the snapshot's customers, with the merged visitor counted for b
        #expect(attributes.customerCount == snapshot.activity.customerCount)
        #expect(snapshot.activity.customerCount == 62)
        let a = try await Self.index(of: "a", in: store, snapshot)
        let b = try await Self.index(of: "b", in: store, snapshot)
        let scores = attributes.surveyScores.sorted { ($0.customer, $0.day) < ($1.customer, $1.day) }
        let expected: [(Int, Int32, Float)] = [
            (a, Self.day("2026-01-10T12:00:00Z"), 9), (a, Self.day("2026-02-10T12:00:00Z"), 3), (a, Self.day("2026-03-01T12:00:00Z"), 7),
            (b, Self.day("2026-01-06T09:00:00Z"), 2),
        ].sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        #expect(scores.map(\.customer) == expected.map(\.0))
        #expect(scores.map(\.day) == expected.map(\.1))
        #expect(scores.map(\.score) == expected.map(\.2))
        let discounted = attributes.discountedOrders.map { "\($0.customer)@\($0.day)" }.sorted()
        #expect(discounted == [
            "\(a)@\(Self.day("2026-01-15T10:00:00Z"))", "\(a)@\(Self.day("2026-02-15T10:00:00Z"))", "\(b)@\(Self.day("2026-01-07T09:00:00Z"))",
        ].sorted())
        // Traits: identifiers, names, e-mail, lists and a 60-level city are left out
        #expect(attributes.traits.map(\.name) == ["country", "employees", "plan", "vip"])
        let plan = try #require(attributes.trait(named: "plan"))
        #expect(plan.levels == ["basic", "pro"])
        #expect(plan.values[a] == 1 && plan.values[b] == 0)
        let employees = try #require(attributes.trait(named: "employees"))
        #expect(employees.levels == nil && employees.values[a] == 12 && employees.values[b].isNaN)  // "many" is not a number
        #expect(try #require(attributes.trait(named: "vip")).values[a] == 1)
        let country = try #require(attributes.trait(named: "country"))
        #expect(country.levels == ["DE", "FR"] && country.values[b] == 0 && country.values[a].isNaN)
    }

    @Test("trait names that identify a person are skipped")
    func identifierNames() {
        for name in ["email", "Email", "first_name", "lastName", "user_id", "userID", "customerId", "id", "$phone", "billing_address", "zip_code", "Name"] {
            #expect(CustomerTraitColumns.isSkippedName(name), "\(name)")
        }
        for name in ["plan", "country", "employees", "is_paid", "video_count", "plan_name", "signup_channel"] {
            #expect(!CustomerTraitColumns.isSkippedName(name), "\(name)")
        }
    }

    @Test("churn features read NPS, discount share and traits when the store feeds them")
    func featuresFromStore() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([Self.messages()])
        let snapshot = try await store.activitySnapshot()
        let attributes = try await store.customerAttributes(of: snapshot)
        let cutoff = Self.day("2026-03-20T00:00:00Z")
        // When features are computed at a cutoff after every event
        let table = ChurnFeatures().table(from: snapshot.activity, cutoffDay: cutoff, attributes: attributes)
        let names = table.matrix.features.map(\.name)
        #expect(Array(names.suffix(7)) == ChurnFeatures.attributeColumnNames + ["trait_country", "trait_employees", "trait_plan", "trait_vip"])
        let a = try await Self.index(of: "a", in: store, snapshot)
        let b = try await Self.index(of: "b", in: store, snapshot)
        let ra = try #require(table.row(ofCustomer: a)), rb = try #require(table.row(ofCustomer: b))
        func column(_ name: String) throws -> Int { try #require(table.matrix.featureIndex(named: name)) }
        func value(_ row: Int, _ name: String) throws -> Float { table.matrix[row, try column(name)] }
        // Then a's latest answer is the PostHog one (7), 18 days old; two of four orders were discounted
        #expect(try value(ra, "latest_nps") == 7)
        #expect(try value(ra, "days_since_latest_nps") == Float(cutoff - Self.day("2026-03-01T12:00:00Z")))
        #expect(try value(ra, "discounted_order_share") == 0.5)
        let plan = try column("trait_plan"), country = try column("trait_country")
        #expect(table.matrix.displayValue(row: ra, feature: plan) == "pro")
        // b bought twice (once as the anonymous visitor, with a discount) and answered once as the visitor
        #expect(try value(rb, "latest_nps") == 2)
        #expect(try value(rb, "discounted_order_share") == 0.5)
        #expect(table.matrix.displayValue(row: rb, feature: country) == "DE")
        // At a cutoff before any survey, the NPS columns are missing
        let early = ChurnFeatures().table(from: snapshot.activity, cutoffDay: Self.day("2026-01-05T00:00:00Z"), attributes: attributes)
        let ea = try #require(early.row(ofCustomer: a))
        let nps = try #require(early.matrix.featureIndex(named: "latest_nps"))
        #expect(early.matrix[ea, nps].isNaN)
    }

    @Test("attributes only cover the snapshot's events and customers")
    func asOfSnapshot() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await store.ingest([Self.messages()])
        let snapshot = try await store.activitySnapshot()
        _ = try await store.ingest([[
            track("late1", user: "a", "Survey Responded", "2026-03-10T00:00:00Z", ["score": 0]),
            track("late2", user: "newcomer", "Order Completed", "2026-03-10T00:00:00Z", ["order_id": "n1", "total": 5, "coupon": "NEW"]),
        ]])
        let attributes = try await store.customerAttributes(of: snapshot)
        #expect(attributes.customerCount == snapshot.customerIds.count)
        #expect(attributes.surveyScores.count == 4 && attributes.discountedOrders.count == 3)
        let fresh = try await store.activitySnapshot()
        let now = try await store.customerAttributes(of: fresh)
        #expect(now.customerCount == snapshot.customerIds.count + 1)
        #expect(now.surveyScores.count == 5 && now.discountedOrders.count == 4)
    }
}
