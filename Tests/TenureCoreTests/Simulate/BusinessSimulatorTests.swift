import Foundation
import Testing
import TenureCore

@Suite("Business simulator: output contract")
struct BusinessSimulatorTests {
    typealias F = SimulationFixtures

    @Test("the same seed gives identical messages and truth; another seed does not", arguments: SimulationProfile.allCases)
    func determinism(profile: SimulationProfile) throws {
        let a = F.run(profile, customers: 300, seed: 11)
        let b = F.run(profile, customers: 300, seed: 11)
        let c = F.run(profile, customers: 300, seed: 12)
        #expect(a.map(\.messages) == b.map(\.messages))
        #expect(a.map(\.truth) == b.map(\.truth))
        #expect(a.map(\.messages) != c.map(\.messages))
        #expect(a.map(\.truth.purchaseRate) != c.map(\.truth.purchaseRate))
    }

    @Test("a customer generated alone equals the same customer in a full run")
    func randomAccess() throws {
        let simulator = try BusinessSimulator(F.configuration(.d2c, customers: 200))
        var inOrder: [SimulatedCustomer] = []
        simulator.forEachCustomer { inOrder.append($0) }
        for index in [0, 57, 199] {
            let alone = simulator.customer(at: index)
            #expect(alone.messages == inOrder[index].messages)
            #expect(alone.truth == inOrder[index].truth)
        }
        var chunk: [SimulatedCustomer] = []
        simulator.forEachCustomer(in: 120..<130) { chunk.append($0) }
        #expect(chunk.map(\.truth) == Array(inOrder[120..<130]).map(\.truth))
    }

    @Test("every message is valid: unique id, an identity, inside the period, increasing per customer", arguments: SimulationProfile.allCases)
    func messagesAreValid(profile: SimulationProfile) throws {
        let customers = F.all(profile)
        let configuration = F.configuration(profile, customers: customers.count)
        let start = configuration.start, end = configuration.end
        var ids = Set<String>()
        var total = 0
        for customer in customers {
            #expect(!customer.messages.isEmpty)
            var previous = Date.distantPast
            for message in customer.messages {
                total += 1
                ids.insert(message.messageId)
                #expect(message.messageId.hasPrefix("sim-7-"))
                let hasIdentity = !(message.userId ?? "").isEmpty || !(message.anonymousId ?? "").isEmpty
                #expect(hasIdentity)
                if message.userId != nil { #expect(message.userId == customer.truth.userId) }
                #expect(message.timestamp >= start && message.timestamp < end)
                #expect(message.timestamp > previous)
                previous = message.timestamp
                if message.kind != .identify { #expect(message.name?.isEmpty == false) }
            }
            #expect(customer.truth.signup >= start && customer.truth.signup < end)
        }
        #expect(ids.count == total)
    }

    @Test("signup identify carries the profile traits with a real IANA time zone", arguments: SimulationProfile.allCases)
    func identifyTraits(profile: SimulationProfile) throws {
        for customer in F.all(profile).prefix(500) {
            let identify = try #require(customer.messages.first { $0.kind == .identify })
            #expect(identify.timestamp == customer.truth.signup)
            for key in ["email", "first_name", "country", "city", "timezone", "signup_channel", "marketing_opt_in"] {
                #expect(identify.traits[key] != nil, "missing trait \(key)")
            }
            let zone = try #require(identify.traits["timezone"]?.stringValue)
            #expect(TimeZone(identifier: zone) != nil)
            #expect(identify.traits["email"]?.stringValue?.contains("@") == true)
            #expect(identify.traits["country"]?.stringValue == customer.truth.country)
            if profile == .subscription { #expect(identify.traits["plan"]?.stringValue == customer.truth.plan) }
        }
    }

    @Test("orders follow the e-commerce spec: totals add up, products sum to the subtotal", arguments: SimulationProfile.allCases)
    func orderProperties(profile: SimulationProfile) throws {
        var orderIds = Set<String>()
        var orders = 0, withCoupon = 0
        for customer in F.all(profile) {
            var revenue = 0.0
            for message in customer.messages where F.isOrder(message) {
                orders += 1
                let p = message.properties
                let total = try #require(F.number(message, "total")), subtotal = try #require(F.number(message, "subtotal"))
                let shipping = try #require(F.number(message, "shipping")), tax = try #require(F.number(message, "tax"))
                let discount = try #require(F.number(message, "discount")), orderRevenue = try #require(F.number(message, "revenue"))
                #expect(abs(total - (subtotal + shipping + tax - discount)) < 0.005)
                #expect(abs(orderRevenue - (subtotal - discount)) < 0.005)
                #expect(subtotal > 0 && discount >= 0 && tax >= 0 && shipping >= 0)
                #expect(p["currency"]?.stringValue == "USD")
                #expect((p["coupon"] != nil) == (discount > 0))
                if p["coupon"] != nil { withCoupon += 1 }
                let products = try #require(p["products"]?.arrayValue)
                #expect(!products.isEmpty)
                var sum = 0.0
                for product in products {
                    for key in ["product_id", "sku", "name", "category"] { #expect(product[key]?.stringValue != nil) }
                    let price = try #require(product["price"]?.doubleValue), quantity = try #require(product["quantity"]?.doubleValue)
                    #expect(price > 0 && quantity >= 1)
                    sum += price * quantity
                }
                #expect(abs(sum - subtotal) < 0.005)
                let orderId = try #require(p["order_id"]?.stringValue)
                #expect(orderIds.insert(orderId).inserted)
                revenue += orderRevenue
            }
            #expect(abs(revenue - customer.truth.revenue) < 0.01 * Double(max(1, customer.truth.orders)))
        }
        #expect(orders > 0)
        if profile != .gaming { #expect(withCoupon > 0 && withCoupon < orders / 2) }
    }

    @Test("the summary counts what was emitted")
    func summaryMatchesMessages() throws {
        let simulator = try BusinessSimulator(F.configuration(.subscription, customers: 400))
        var byKind: [Message.Kind: Int] = [:], byName: [String: Int] = [:]
        var revenue = 0.0, subscriptionRevenue = 0.0, churned = 0
        let summary = simulator.forEachCustomer { customer in
            if customer.truth.churned { churned += 1 }
            for message in customer.messages {
                byKind[message.kind, default: 0] += 1
                guard message.kind == .track, let name = message.name else { continue }
                byName[name, default: 0] += 1
                if name == StandardEvent.orderCompleted { revenue += F.number(message, "revenue") ?? 0 }
                if name == StandardEvent.subscriptionStarted || name == StandardEvent.subscriptionRenewed {
                    subscriptionRevenue += F.number(message, "amount") ?? 0
                }
            }
        }
        #expect(summary.customers == 400)
        #expect(summary.churned == churned)
        #expect(summary.messagesByKind == byKind)
        #expect(summary.eventsByName == byName)
        #expect(summary.messages == byKind.values.reduce(0, +))
        #expect(summary.orders == byName[StandardEvent.orderCompleted, default: 0])
        #expect(abs(summary.orderRevenue - revenue) < 0.01)
        #expect(abs(summary.subscriptionRevenue - subscriptionRevenue) < 0.01)

        var halves = simulator.forEachCustomer(in: 0..<150) { _ in }
        halves.merge(simulator.forEachCustomer(in: 150..<400) { _ in })
        #expect(halves == summary)
    }

    @Test("each profile emits its own mix of events", arguments: SimulationProfile.allCases)
    func profileEventMix(profile: SimulationProfile) throws {
        var names: [String: Int] = [:], kinds: [Message.Kind: Int] = [:]
        for customer in F.all(profile) {
            for message in customer.messages {
                kinds[message.kind, default: 0] += 1
                if message.kind == .track, let name = message.name { names[name, default: 0] += 1 }
            }
        }
        for name in [StandardEvent.orderCompleted, StandardEvent.applicationOpened, StandardEvent.surveyResponded,
                     StandardEvent.complaintOpened, StandardEvent.complaintResolved, StandardEvent.unsubscribed] {
            #expect(names[name, default: 0] > 0, "no \(name)")
        }
        switch profile {
        case .gaming:
            #expect(kinds[.page] == nil)
            #expect(names[StandardEvent.applicationOpened, default: 0] > 5 * names[StandardEvent.orderCompleted, default: 0])
        case .subscription, .d2c:
            #expect(names[StandardEvent.subscriptionStarted, default: 0] > 0)
            #expect(names[StandardEvent.subscriptionRenewed, default: 0] > 0)
            #expect(names[StandardEvent.subscriptionCancelled, default: 0] > 0)
            #expect(kinds[.page, default: 0] > 0)
        case .ecommerce:
            #expect(names[StandardEvent.subscriptionStarted] == nil)
            #expect(kinds[.page, default: 0] > kinds[.screen, default: 0])
        }
    }

    @Test("some customers browse anonymously first, then an identify carries both ids")
    func anonymousBrowsingThenIdentify() throws {
        let customers = F.d2c
        let anonymous = customers.filter { $0.truth.anonymousId != nil }
        let share = Double(anonymous.count) / Double(customers.count)
        let standardError = (0.2 * 0.8 / Double(customers.count)).squareRoot()
        #expect(abs(share - 0.2) < 4 * standardError + 0.01)  // a few early signups cannot browse before the start
        for customer in anonymous {
            let anonymousId = try #require(customer.truth.anonymousId)
            let identifyIndex = try #require(customer.messages.firstIndex { $0.kind == .identify })
            #expect(identifyIndex > 0)
            for message in customer.messages[..<identifyIndex] {
                #expect(message.userId == nil && message.anonymousId == anonymousId)
            }
            let identify = customer.messages[identifyIndex]
            #expect(identify.userId == customer.truth.userId && identify.anonymousId == anonymousId)
            #expect(customer.messages[(identifyIndex + 1)...].allSatisfy { $0.userId == customer.truth.userId && $0.anonymousId == nil })
        }
        for customer in customers where customer.truth.anonymousId == nil {
            #expect(customer.messages.allSatisfy { $0.anonymousId == nil && $0.userId != nil })
        }
    }

    @Test("signups spread over the period, growing, in index order")
    func signupsGrow() throws {
        let customers = F.d2c
        let configuration = F.configuration(.d2c, customers: customers.count)
        let signups = customers.map(\.truth.signup)
        #expect(signups == signups.sorted())
        let middle = configuration.start.addingTimeInterval(configuration.end.timeIntervalSince(configuration.start) / 2)
        let firstHalf = signups.filter { $0 < middle }.count
        #expect(Double(customers.count - firstHalf) > 1.3 * Double(firstHalf))  // growth 3×: expected ratio ≈ 1.73
        #expect(customers.map(\.truth.userId).first == "c0000001")
    }

    @Test("ground truth renders as CSV with a header and one parseable line per customer")
    func truthCSV() throws {
        let truths = F.d2c.prefix(300).map(\.truth)
        let csv = CustomerTruth.csv(truths)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == truths.count + 2)  // header, rows, empty string after the final newline
        #expect(lines.last == "")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(header.prefix(7)) == ["userId", "signup", "churned", "churn_date", "lambda", "dropout", "mean_spend"])
        for (truth, line) in zip(truths, lines.dropFirst()) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == header.count)
            #expect(fields[0] == truth.userId)
            #expect(fields[2] == (truth.churned ? "true" : "false"))
            #expect(fields[3].isEmpty == !truth.churned)
            #expect(Double(fields[4]) == truth.purchaseRate)
            #expect(Double(fields[5]) == truth.dropout)
            let signup = try #require(ISO8601DateFormatter().date(from: fields[1]))
            #expect(abs(signup.timeIntervalSince(truth.signup)) < 1)
            if let churnDate = truth.churnDate {
                let parsed = try #require(ISO8601DateFormatter().date(from: fields[3]))
                #expect(abs(parsed.timeIntervalSince(churnDate)) < 1)
            }
        }
    }

    @Test("a configuration that cannot run says what to fix")
    func invalidConfiguration() throws {
        var configuration = F.configuration(.d2c, customers: 0)
        #expect(throws: SimulationError.self) { try BusinessSimulator(configuration) }
        configuration.customers = 10
        configuration.currency = "usd"
        do {
            _ = try BusinessSimulator(configuration)
            Issue.record("lower-case currency accepted")
        } catch {
            #expect(error.description.contains("currency"))
        }
        configuration.currency = "EUR"
        configuration.months = 0
        #expect(throws: SimulationError.self) { try BusinessSimulator(configuration) }
        configuration.months = 3
        let simulator = try BusinessSimulator(configuration)
        let order = simulator.customer(at: 0).messages.first(where: F.isOrder)
        #expect(order?.properties["currency"]?.stringValue == "EUR")
    }
}
