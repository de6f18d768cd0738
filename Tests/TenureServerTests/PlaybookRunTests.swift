import Foundation
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureDocuments
import TenureServer
import TenureStore

/// Every shipped playbook installed as a user would (`PlaybookInstaller`) and run end to end on
/// a manual clock: the trigger fires on the data a business would have, the steps run, and the
/// recording channel receives each message once; held-out customers receive nothing.
@Suite("Shipped playbooks, end to end")
struct PlaybookRunTests {
    static let start = DayNumber.date(of: DayNumber.day(year: 2026, month: 3, day: 2)).addingTimeInterval(9 * 3600)

    final class Rig: Sendable {
        let store: SQLiteStore
        let clock = ManualWallClock(PlaybookRunTests.start)
        let channel = RecordingChannel()
        let scheduler: JourneyScheduler
        let dispatcher: OutboxDispatcher
        let segments: SegmentService
        let cache: SnapshotCache

        init() throws {
            store = try SQLiteStore.inMemory()
            cache = SnapshotCache(store: store)
            scheduler = JourneyScheduler(store: store, cache: cache, clock: clock, logger: Logger(label: "test"))
            dispatcher = OutboxDispatcher(store: store, channels: ["webhook": channel], webhookSteps: channel, clock: clock, logger: Logger(label: "test"))
            segments = SegmentService(store: store, cache: cache, scores: nil, clock: clock, logger: Logger(label: "test"))
        }

        func install(_ playbook: JourneyPlaybook) async throws -> String {
            try await PlaybookInstaller(store: store).install(playbook, industry: .d2c, by: "test").journey
        }

        func track(_ user: String, _ event: String, at: Date? = nil, properties: [String: JSONValue] = [:]) async throws {
            _ = try await store.ingest([[Message(kind: .track, messageId: "\(event)-\(user)-\(UUID())", userId: user, name: event, timestamp: at ?? clock.now(), properties: properties)]])
        }

        func identify(_ user: String, _ traits: [String: JSONValue] = [:], at: Date? = nil) async throws {
            _ = try await store.ingest([[Message(kind: .identify, messageId: "i-\(user)-\(UUID())", userId: user, timestamp: at ?? clock.now(), traits: traits)]])
        }

        /// Runs the scheduler and the dispatcher after the snapshot cache has caught up.
        func run() async throws {
            try await Task.sleep(for: .seconds(1.1))
            _ = try await segments.refreshIfNeeded()
            try await scheduler.runOnce()
            try await dispatcher.dispatchOnce()
        }

        func advance(days: Double) async throws {
            clock.advance(by: days * 86_400)
            try await run()
        }

        /// Templates received per user, and the payloads.
        func received() -> [String: [String]] {
            var out: [String: [String]] = [:]
            for m in channel.received {
                guard let o = try? JSONParser.parse(m.payload).objectValue, let user = o["customer"]?["user_id"]?.stringValue else { continue }
                out[user, default: []].append(o["template"]?.stringValue ?? "?")
            }
            return out
        }

        func payloads(_ user: String) -> [[String: JSONValue]] {
            channel.received.compactMap { try? JSONParser.parse($0.payload).objectValue }.filter { $0["customer"]?["user_id"]?.stringValue == user }
        }
    }

    /// The users of `users` not held out of the journey (10% by the stable hash).
    static func treated(_ users: [String], journey: String) -> [String] {
        users.filter { !JourneyHoldout.isHeldOut(customer: $0, journey: journey, share: 0.1) }
    }

    @Test("onboarding: a welcome on sign-up, tips two days later, a first-order code after a week only for those who did not order")
    func onboarding() async throws {
        let rig = try Rig()
        let journey = try await rig.install(.onboarding)
        let users = (0..<30).map { "new\($0)" }
        for u in users { try await rig.identify(u, ["email": .string("\(u)@example.com")]) }
        try await rig.run()
        let treated = Self.treated(users, journey: journey)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: treated.map { ($0, ["onboarding-welcome"]) }))
        try await rig.advance(days: 2.1)
        // Half of them order before the week is out.
        for u in treated.prefix(treated.count / 2) { try await rig.track(u, "Order Completed", properties: ["total": 20]) }
        // Five days after the tips (sent at 11:24), then the next 10:00: the sixth morning.
        try await rig.advance(days: 5.1)
        #expect(rig.channel.received.count == 2 * treated.count)
        try await rig.advance(days: 0.9)
        let j = try #require(try await rig.store.journey(named: journey))
        let counts = try await rig.store.journeyCounts(id: j.id, at: rig.clock.now())
        let outbox = try await rig.store.outboxCounts()
        // Held-out customers run the steps too, receiving nothing.
        #expect(counts.steps["first-order nudge"] == treated.count - treated.count / 2 + (counts.heldOutSteps["first-order nudge"] ?? 0), "\(counts) \(outbox)")
        for (i, u) in treated.enumerated() {
            let ordered = i < treated.count / 2
            #expect(rig.received()[u] == (ordered ? ["onboarding-welcome", "onboarding-tips"] : ["onboarding-welcome", "onboarding-tips", "onboarding-first-order"]), "\(u)")
            if !ordered {
                let code = rig.payloads(u).last?["promo_code"]?["code"]?.stringValue
                #expect(code?.hasPrefix("HELLO-") == true, "\(u)")
            }
        }
        #expect(Set(rig.channel.received.map(\.idempotencyKey)).count == rig.channel.received.count)
    }

    @Test("replenishment: ten days before a customer's usual tea interval runs out, a reminder; a second only if they have not reordered")
    func replenishment() async throws {
        let rig = try Rig()
        let journey = try await rig.install(.replenishment)
        let tea: [String: JSONValue] = ["total": 24, "products": [["category": "Tea", "name": "Monthly Tea Pack"]]]
        let users = (0..<20).map { "tea\($0)" }
        // Orders 30 days apart, the last one today: tea runs out in 30 days, the reminder is due in 20.
        for u in users {
            try await rig.identify(u, at: Self.start.addingTimeInterval(-61 * 86_400))
            for back in [60.0, 30, 0] { try await rig.track(u, "Order Completed", at: Self.start.addingTimeInterval(-back * 86_400), properties: tea) }
        }
        try await rig.track("coffee", "Order Completed", at: Self.start.addingTimeInterval(-30 * 86_400), properties: ["products": [["category": "Coffee"]]])
        try await rig.track("coffee", "Order Completed", properties: ["products": [["category": "Coffee"]]])
        try await rig.run()
        try await rig.advance(days: 19)
        #expect(rig.received().isEmpty)
        try await rig.advance(days: 1.05)
        let treated = Self.treated(users, journey: journey)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: treated.map { ($0, ["replenishment-reminder"]) }))
        let interval = rig.payloads(treated[0]).first?["replenishment"]?["interval_days"]?.doubleValue
        #expect(interval == 30)
        for u in treated.prefix(5) { try await rig.track(u, "Order Completed", properties: tea) }
        // Three days after the reminder (sent after 10:00), then the next 10:00: the fourth morning.
        try await rig.advance(days: 3.05)
        #expect(rig.channel.received.count == treated.count)
        try await rig.advance(days: 1)
        for (i, u) in treated.enumerated() {
            #expect(rig.received()[u] == (i < 5 ? ["replenishment-reminder"] : ["replenishment-reminder", "replenishment-last-call"]), "\(u)")
        }
    }

    @Test("exit survey: a survey on cancellation, a thank-you to those who answer, a reminder to the others")
    func exitSurvey() async throws {
        let rig = try Rig()
        let journey = try await rig.install(.exitSurvey)
        let users = (0..<20).map { "sub\($0)" }
        for u in users { try await rig.track(u, "Subscription Started", at: Self.start.addingTimeInterval(-90 * 86_400), properties: ["plan": "monthly"]) }
        try await rig.run()
        for u in users { try await rig.track(u, "Subscription Cancelled", properties: ["plan": "monthly"]) }
        try await rig.run()
        let treated = Self.treated(users, journey: journey)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: treated.map { ($0, ["exit-survey"]) }))
        for u in treated.prefix(4) { try await rig.track(u, "Survey Responded", properties: ["reason": "price"]) }
        try await rig.advance(days: 0.01)
        try await rig.advance(days: 3.1)
        for (i, u) in treated.enumerated() {
            #expect(rig.received()[u] == (i < 4 ? ["exit-survey", "exit-survey-thanks"] : ["exit-survey", "exit-survey-reminder"]), "\(u)")
        }
    }

    @Test("post-purchase: recommendations three days after an order, at most once a month")
    func postPurchase() async throws {
        let rig = try Rig()
        let journey = try await rig.install(.postPurchase)
        let users = (0..<20).map { "buyer\($0)" }
        try await rig.run()
        for u in users { try await rig.track(u, "Order Completed", properties: ["total": 30]) }
        try await rig.run()
        try await rig.advance(days: 2.5)
        #expect(rig.received().isEmpty)
        try await rig.advance(days: 1)
        // A second order a week later enters no one again within the 30 days.
        for u in users { try await rig.track(u, "Order Completed", properties: ["total": 30]) }
        try await rig.advance(days: 5)
        let treated = Self.treated(users, journey: journey)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: treated.map { ($0, ["post-purchase-recommendations"]) }))
    }

    @Test("win-back and loyalty upgrade: their installed segments pick the customers the RFM grid says, and only those hear from them")
    func segmentPlaybooks() async throws {
        let rig = try Rig()
        let winBack = try await rig.install(.winBack)
        let loyalty = try await rig.install(.loyaltyUpgrade)
        #expect(Set(try await rig.store.segments().map(\.name)) == ["Valuable at risk", "Loyalty upgrade candidates"])
        // Old heavy spenders gone quiet, and recent repeat buyers.
        let lapsed = (0..<15).map { "lapsed\($0)" }
        let recent = (0..<15).map { "recent\($0)" }
        for (i, u) in lapsed.enumerated() {
            for k in 0..<8 { try await rig.track(u, "Order Completed", at: Self.start.addingTimeInterval(Double(-400 + k * 30 - i) * 86_400), properties: ["revenue": 200]) }
        }
        for (i, u) in recent.enumerated() {
            for k in 0..<3 { try await rig.track(u, "Order Completed", at: Self.start.addingTimeInterval(Double(-60 + k * 25 - i % 3) * 86_400), properties: ["revenue": 40]) }
        }
        try await rig.run()
        let received = rig.received()
        let offers = received.filter { $0.value.contains("win-back-offer") }.keys
        let invitations = received.filter { $0.value.contains("loyalty-upgrade") }.keys
        #expect(!offers.isEmpty && offers.allSatisfy { $0.hasPrefix("lapsed") }, "\(received)")
        #expect(!invitations.isEmpty && invitations.allSatisfy { $0.hasPrefix("recent") }, "\(received)")
        for u in offers {
            #expect(!JourneyHoldout.isHeldOut(customer: u, journey: winBack, share: 0.1))
            #expect(rig.payloads(u).first?["promo_code"]?["code"]?.stringValue?.hasPrefix("WB-") == true)
        }
        for u in invitations { #expect(!JourneyHoldout.isHeldOut(customer: u, journey: loyalty, share: 0.1)) }
        #expect(Set(rig.channel.received.map(\.idempotencyKey)).count == rig.channel.received.count)
    }
}
