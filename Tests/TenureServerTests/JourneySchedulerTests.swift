import Foundation
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// Journeys run by the scheduler and the outbox dispatcher on a manual clock, over an in-memory
/// store, sending to a recording channel.
@Suite("Journeys: scheduler, outbox and channels")
struct JourneySchedulerTests {
    /// Now, to the second (ingestion refuses events far from the real time).
    static let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    struct Rig {
        let store: SQLiteStore
        let clock = ManualWallClock(JourneySchedulerTests.start)
        let channel: RecordingChannel
        let scheduler: JourneyScheduler
        let dispatcher: OutboxDispatcher

        init(store: SQLiteStore? = nil, channel: RecordingChannel = RecordingChannel(), globalControl: Double = 0) throws {
            let store = try store ?? SQLiteStore.inMemory()
            self.store = store
            self.channel = channel
            scheduler = JourneyScheduler(
                configuration: .init(globalControlShare: globalControl), store: store, cache: SnapshotCache(store: store), clock: clock, logger: Logger(label: "test"))
            dispatcher = OutboxDispatcher(store: store, channels: ["webhook": channel], webhookSteps: channel, clock: clock, logger: Logger(label: "test"))
        }

        func journey(_ json: String) async throws -> SavedJourney {
            try await store.saveJourney(try JourneyDefinition(jsonData: Data(json.utf8), knownSegments: Set(try await store.segments().map(\.name))), by: "test")
        }

        func track(_ user: String, _ event: String, id: String? = nil, at: Date? = nil, properties: [String: JSONValue] = [:]) async throws {
            _ = try await store.ingest([[Message(kind: .track, messageId: id ?? "\(event)-\(user)-\(UUID())", userId: user, name: event,
                                                 timestamp: at ?? clock.now(), properties: properties)]])
        }

        func identify(_ user: String, _ traits: [String: JSONValue]) async throws {
            _ = try await store.ingest([[Message(kind: .identify, messageId: "i-\(user)-\(UUID())", userId: user, timestamp: clock.now(), traits: traits)]])
        }

        /// Templates received per user id.
        func received() -> [String: [String]] {
            var out: [String: [String]] = [:]
            for m in channel.received {
                guard let o = try? JSONParser.parse(m.payload).objectValue, let user = o["customer"]?["user_id"]?.stringValue else { continue }
                out[user, default: []].append(o["template"]?.stringValue ?? o["step"]?.stringValue ?? "?")
            }
            return out
        }
    }

    static let welcome = #"""
        {"name": "Welcome", "holdout": 0, "trigger": {"event": "Signed Up"},
         "steps": [{"id": "hello", "send": {"channel": "webhook", "template": "welcome"}},
                   {"id": "two days", "wait": {"days": 2}},
                   {"id": "tips", "send": {"channel": "webhook", "template": "tips"}}]}
        """#

    @Test("a welcome series: each customer gets each message once, the second after two days and not before; a restarted scheduler repeats nothing")
    func welcomeSeries() async throws {
        let rig = try Rig()
        _ = try await rig.journey(Self.welcome)
        for i in 0..<10 { try await rig.track("u\(i)", "Signed Up", id: "signup-\(i)") }
        let first = try await rig.scheduler.runOnce()
        #expect(first.events.entered.values.reduce(0, +) == 10 && first.runs == 10)
        #expect(try await rig.dispatcher.dispatchOnce() == 10)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: (0..<10).map { ("u\($0)", ["welcome"]) }))
        // The same events again (a client retrying) and another pass: nothing new.
        for i in 0..<10 { try await rig.track("u\(i)", "Signed Up", id: "signup-\(i)") }
        #expect(try await rig.scheduler.runOnce().runs == 0)
        #expect(try await rig.dispatcher.dispatchOnce() == 0)
        rig.clock.advance(by: 86_400)
        #expect(try await rig.scheduler.runOnce().runs == 0)
        rig.clock.advance(by: 86_400)
        // A new scheduler and dispatcher, as after a restart, over the same store.
        let restarted = try Rig(store: rig.store, channel: rig.channel)
        restarted.clock.set(rig.clock.now())
        #expect(try await restarted.scheduler.runOnce().runs == 10)
        #expect(try await restarted.scheduler.runOnce().runs == 0)
        #expect(try await restarted.dispatcher.dispatchOnce() == 10)
        #expect(rig.received() == Dictionary(uniqueKeysWithValues: (0..<10).map { ("u\($0)", ["welcome", "tips"]) }))
        let keys = rig.channel.received.map(\.idempotencyKey)
        #expect(Set(keys).count == 20)
        #expect(try await rig.store.outboxCounts() == ["sent": 20])
        let journey = try #require(try await rig.store.journey(named: "Welcome"))
        let counts = try await rig.store.journeyCounts(id: journey.id, at: restarted.clock.now())
        #expect(counts.steps == ["hello": 10, "two days": 10, "tips": 10])
        #expect(counts.arms[.treatment]?.entered == 10 && counts.arms[.treatment]?.active == 0)
    }

    @Test("the holdout goes through the steps and receives nothing; assignment is the stable hash; the global control group receives nothing either")
    func holdout() async throws {
        let rig = try Rig(globalControl: 0.1)
        _ = try await rig.journey(Self.welcome.replacingOccurrences(of: #""holdout": 0"#, with: #""holdout": 0.3"#))
        for i in 0..<300 { try await rig.track("u\(i)", "Signed Up") }
        try await rig.scheduler.runOnce()
        rig.clock.advance(by: 2 * 86_400)
        try await rig.scheduler.runOnce()
        try await rig.dispatcher.dispatchOnce()
        let received = rig.received()
        for i in 0..<300 {
            let user = "u\(i)"
            let control = JourneyHoldout.isInGlobalControl(customer: user, share: 0.1) || JourneyHoldout.isHeldOut(customer: user, journey: "Welcome", share: 0.3)
            #expect((received[user] == nil) == control, "\(user)")
            if !control { #expect(received[user] == ["welcome", "tips"]) }
        }
        let journey = try #require(try await rig.store.journey(named: "Welcome"))
        let counts = try await rig.store.journeyCounts(id: journey.id, at: rig.clock.now())
        let held = counts.arms[.holdout]?.entered ?? 0, global = counts.arms[.globalControl]?.entered ?? 0
        #expect(held + global + (counts.arms[.treatment]?.entered ?? 0) == 300)
        #expect(held > 50 && held < 110 && global > 10 && global < 50)
        #expect(counts.steps["tips"] == 300)
        #expect(counts.withheld == 2 * (held + global))
    }

    @Test("a goal ends the journey and counts; an order before entry or after the window does not count")
    func goal() async throws {
        let rig = try Rig()
        _ = try await rig.journey(#"""
            {"name": "Win-back", "holdout": 0, "trigger": {"event": "Offer Eligible"}, "goal": {"event": "Order Completed", "within_days": 14},
             "steps": [{"id": "offer", "send": {"channel": "webhook", "template": "offer"}},
                       {"id": "wait", "wait": {"days": 3}},
                       {"id": "reminder", "send": {"channel": "webhook", "template": "reminder"}}]}
            """#)
        try await rig.track("a", "Order Completed", at: rig.clock.now().addingTimeInterval(-3600))
        try await rig.track("a", "Offer Eligible")
        try await rig.track("b", "Offer Eligible")
        try await rig.scheduler.runOnce()
        rig.clock.advance(by: 86_400)
        try await rig.track("a", "Order Completed")
        let pass = try await rig.scheduler.runOnce()
        #expect(pass.events.converted == 1)
        rig.clock.advance(by: 3 * 86_400)
        try await rig.scheduler.runOnce()
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received() == ["a": ["offer"], "b": ["offer", "reminder"]])
        let journey = try #require(try await rig.store.journey(named: "Win-back"))
        let arm = try await rig.store.journeyCounts(id: journey.id, at: rig.clock.now()).arms[.treatment]
        #expect(arm?.converted == 1 && arm?.entered == 2)
        // An order after the window closes does not count.
        rig.clock.advance(by: 15 * 86_400)
        try await rig.track("b", "Order Completed")
        #expect(try await rig.scheduler.runOnce().events.converted == 0)
    }

    @Test("opt-outs: a message to an unsubscribed customer is suppressed when queued, one whose customer unsubscribes while it waits is suppressed when sent; transactional messages pass marketing opt-outs, never a channel's")
    func optOuts() async throws {
        let rig = try Rig()
        _ = try await rig.journey(#"""
            {"name": "News", "holdout": 0, "trigger": {"event": "Go"},
             "steps": [{"id": "news", "send": {"channel": "webhook", "template": "news"}},
                       {"id": "receipt", "send": {"channel": "webhook", "template": "receipt", "transactional": true}}]}
            """#)
        try await rig.identify("quiet", ["unsubscribed": true])
        try await rig.identify("noweb", ["unsubscribed_channels": ["webhook"]])
        for user in ["quiet", "noweb", "late", "ok"] { try await rig.track(user, "Go") }
        try await rig.scheduler.runOnce()
        // "late" unsubscribes (an Unsubscribed event without a channel: all marketing) before dispatch.
        try await rig.track("late", StandardEvent.unsubscribed)
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received() == ["quiet": ["receipt"], "late": ["receipt"], "ok": ["news", "receipt"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 4, "suppressed": 4])
    }

    @Test("a segment entry triggers; a branch follows the segment language; a wait for an event wakes on it or times out")
    func segmentBranchAndEventWait() async throws {
        let rig = try Rig()
        for (user, plan) in [("p1", "pro"), ("p2", "pro"), ("f1", "free")] { try await rig.identify(user, ["plan": .string(plan)]) }
        _ = try await rig.store.createSegment(name: "Everyone known", definition: #"trait("plan") exists"#, description: "", by: "t")
        _ = try await rig.journey(#"""
            {"name": "Survey", "holdout": 0, "trigger": {"segment_entered": "Everyone known"},
             "steps": [{"id": "pro?", "branch": {"if": "trait(\"plan\") = \"pro\"", "then": "ask", "else": "end"}},
                       {"id": "ask", "send": {"channel": "webhook", "template": "survey"}},
                       {"id": "answer", "wait": {"event": "Survey Responded", "days": 5, "then": "thanks", "timeout": "end"}},
                       {"id": "thanks", "send": {"channel": "webhook", "template": "thanks"}},
                       {"id": "end", "exit": true}]}
            """#)
        let segments = SegmentService(store: rig.store, cache: SnapshotCache(store: rig.store), scores: nil, clock: rig.clock, logger: Logger(label: "t"))
        try await segments.refreshIfNeeded()
        try await rig.scheduler.runOnce()
        try await rig.track("p1", "Survey Responded")
        rig.clock.advance(by: 60)
        try await rig.scheduler.runOnce()
        rig.clock.advance(by: 6 * 86_400)
        try await rig.scheduler.runOnce()
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received() == ["p1": ["survey", "thanks"], "p2": ["survey"]])
    }

    @Test("entry rules: once ever refuses a second entry; once per N days allows it after N days; imported history triggers nothing")
    func entryRules() async throws {
        let rig = try Rig()
        _ = try await rig.journey(#"{"name": "Once", "holdout": 0, "trigger": {"event": "Go"}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "once"}}]}"#)
        _ = try await rig.journey(#"{"name": "Weekly", "holdout": 0, "entry": {"once_per_days": 7}, "trigger": {"event": "Go"}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "weekly"}}]}"#)
        try await rig.track("a", "Go")
        try await rig.track("old", "Go", at: rig.clock.now().addingTimeInterval(-3 * 86_400))
        try await rig.scheduler.runOnce()
        rig.clock.advance(by: 3 * 86_400)
        try await rig.track("a", "Go")
        let refused = try await rig.scheduler.runOnce()
        #expect(refused.events.entered.isEmpty && refused.events.refused == 2)
        rig.clock.advance(by: 5 * 86_400)
        try await rig.track("a", "Go")
        try await rig.scheduler.runOnce()
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received() == ["a": ["once", "weekly", "weekly"]])
    }

    @Test("a refused delivery is failed, a 5xx-like one is retried later with backoff, and a paused journey runs no step until resumed")
    func retriesAndPause() async throws {
        let channel = RecordingChannel { message in
            message.attempts == 0 ? .retry("HTTP 503") : .delivered
        }
        let rig = try Rig(channel: channel)
        _ = try await rig.journey(Self.welcome)
        try await rig.track("a", "Signed Up")
        try await rig.scheduler.runOnce()
        try await rig.dispatcher.dispatchOnce()
        #expect(try await rig.store.outboxCounts() == ["pending": 1])
        #expect(try await rig.dispatcher.dispatchOnce() == 0)  // not due yet
        rig.clock.advance(by: 2)
        #expect(try await rig.dispatcher.dispatchOnce() == 1)
        #expect(try await rig.store.outboxCounts() == ["sent": 1])
        #expect(Set(channel.received.map(\.idempotencyKey)).count == 1 && channel.received.count == 2)
        _ = try await rig.store.setJourneyStatus(named: "Welcome", to: .paused, by: "t")
        rig.clock.advance(by: 3 * 86_400)
        #expect(try await rig.scheduler.runOnce().runs == 0)
        _ = try await rig.store.setJourneyStatus(named: "Welcome", to: .active, by: "t")
        #expect(try await rig.scheduler.runOnce().runs == 1)

        let rejecting = try Rig(channel: RecordingChannel { _ in .rejected("HTTP 400") })
        _ = try await rejecting.journey(Self.welcome)
        try await rejecting.track("b", "Signed Up")
        try await rejecting.scheduler.runOnce()
        try await rejecting.dispatcher.dispatchOnce()
        #expect(try await rejecting.store.outboxCounts() == ["failed": 1])
    }
}
