import Foundation
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// Frequency caps and quiet hours as the outbox dispatcher applies them, on a manual clock.
@Suite("Outbox: frequency caps and quiet hours")
struct OutboxPolicyTests {
    static let threeMessages = #"""
        {"name": "Welcome", "holdout": 0, "trigger": {"event": "Signed Up"},
         "steps": [{"id": "hello", "send": {"channel": "webhook", "template": "welcome"}},
                   {"id": "tips", "send": {"channel": "webhook", "template": "tips"}},
                   {"id": "receipt", "send": {"channel": "webhook", "template": "receipt", "transactional": true}},
                   {"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]}
        """#

    func rig(_ policy: MessagePolicy) throws -> (JourneySchedulerTests.Rig, OutboxDispatcher) {
        let rig = try JourneySchedulerTests.Rig()
        let dispatcher = OutboxDispatcher(
            configuration: .init(policy: policy), store: rig.store, channels: ["webhook": rig.channel], webhookSteps: rig.channel, clock: rig.clock,
            logger: Logger(label: "test"))
        return (rig, dispatcher)
    }

    @Test("a cap lets its limit through, holds the rest until the window frees, and sends each message once; receipts are not capped")
    func capDefers() async throws {
        let (rig, dispatcher) = try rig(MessagePolicy(caps: [try FrequencyCap(parsing: "2/1d")], quietHours: nil))
        _ = try await rig.journey(Self.threeMessages)
        try await rig.track("ana", "Signed Up")
        try await rig.track("ben", "Signed Up")
        try await rig.scheduler.runOnce()
        #expect(try await dispatcher.dispatchOnce() == 8)
        #expect(rig.received() == ["ana": ["welcome", "tips", "receipt"], "ben": ["welcome", "tips", "receipt"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 6, "pending": 2])
        // Still capped a minute before the first two are a day old.
        rig.clock.advance(by: 86_400 - 60)
        #expect(try await dispatcher.dispatchOnce() == 0)
        rig.clock.advance(by: 60)
        #expect(try await dispatcher.dispatchOnce() == 2)
        #expect(rig.received() == ["ana": ["welcome", "tips", "receipt", "offer"], "ben": ["welcome", "tips", "receipt", "offer"]])
        #expect(Set(rig.channel.received.map(\.idempotencyKey)).count == rig.channel.received.count)
        #expect(try await rig.store.outboxCounts() == ["sent": 8])
    }

    @Test("quiet hours hold a customer's marketing until the end of their own night, whatever the server's zone")
    func quietHours() async throws {
        // A quiet span around the current UTC hour: quiet for a customer on UTC, daytime for one twelve hours away.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let hour = utc.component(.hour, from: JourneySchedulerTests.start)
        let quiet = QuietHours(start: ((hour + 23) % 24) * 60, end: ((hour + 2) % 24) * 60)
        let (rig, dispatcher) = try rig(MessagePolicy(caps: [], quietHours: quiet, defaultTimeZone: TimeZone(identifier: "Asia/Tokyo")!))
        _ = try await rig.journey(Self.threeMessages)
        try await rig.identify("night", ["timezone": "UTC"])
        try await rig.identify("day", ["timezone": "Etc/GMT+12"])
        try await rig.track("night", "Signed Up")
        try await rig.track("day", "Signed Up")
        try await rig.scheduler.runOnce()
        try await dispatcher.dispatchOnce()
        // The receipt is transactional: it goes at night too.
        #expect(rig.received() == ["night": ["receipt"], "day": ["welcome", "tips", "receipt", "offer"]])
        let end = try #require(quiet.end(ofQuietSpanAt: rig.clock.now(), in: TimeZone(identifier: "UTC")!))
        rig.clock.set(end.addingTimeInterval(-1))
        #expect(try await dispatcher.dispatchOnce() == 0)
        rig.clock.set(end)
        #expect(try await dispatcher.dispatchOnce() == 3)
        #expect(rig.received()["night"] == ["receipt", "welcome", "tips", "offer"])
        #expect(try await rig.store.outboxCounts() == ["sent": 8])
    }

    @Test("an opt-out still wins over a message waiting out a cap")
    func optOutWhileDeferred() async throws {
        let (rig, dispatcher) = try rig(MessagePolicy(caps: [try FrequencyCap(parsing: "1/1d")], quietHours: nil))
        _ = try await rig.journey(Self.threeMessages)
        try await rig.track("ana", "Signed Up")
        try await rig.scheduler.runOnce()
        try await dispatcher.dispatchOnce()
        #expect(rig.received() == ["ana": ["welcome", "receipt"]])
        try await rig.identify("ana", ["unsubscribed": true])
        rig.clock.advance(by: 3 * 86_400)
        try await dispatcher.dispatchOnce()
        #expect(rig.received() == ["ana": ["welcome", "receipt"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 2, "suppressed": 2])
    }
}

/// A journey's send steps say how they compete for a capped slot.
@Suite("Outbox: priorities and drops set by journey steps")
struct OutboxStepPolicyTests {
    @Test("under a cap of one a day, the step with the higher priority goes, a step that may not wait is dropped, the other waits")
    func stepPriorities() async throws {
        let rig = try JourneySchedulerTests.Rig()
        let dispatcher = OutboxDispatcher(
            configuration: .init(policy: MessagePolicy(caps: [try FrequencyCap(parsing: "1/1d")], quietHours: nil)), store: rig.store,
            channels: ["webhook": rig.channel], webhookSteps: rig.channel, clock: rig.clock, logger: Logger(label: "test"))
        let json = #"""
            {"name": "Competing", "holdout": 0, "trigger": {"event": "Go"},
             "steps": [{"id": "news", "send": {"channel": "webhook", "template": "news", "when_capped": "drop"}},
                       {"id": "tips", "send": {"channel": "webhook", "template": "tips"}},
                       {"id": "offer", "send": {"channel": "webhook", "template": "offer", "priority": 10}}]}
            """#
        let definition = try JourneyDefinition(jsonData: Data(json.utf8))
        #expect(try JourneyDefinition(json: definition.json) == definition)
        #expect(throws: JourneyDefinitionError.self) { try JourneyDefinition(jsonData: Data(json.replacingOccurrences(of: #""priority": 10"#, with: #""priority": 101"#).utf8)) }
        #expect(throws: JourneyDefinitionError.self) { try JourneyDefinition(jsonData: Data(json.replacingOccurrences(of: #""drop""#, with: #""later""#).utf8)) }
        _ = try await rig.store.saveJourney(definition, by: "test")
        try await rig.track("ana", "Go")
        try await rig.scheduler.runOnce()
        try await dispatcher.dispatchOnce()
        #expect(rig.received() == ["ana": ["offer"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 1, "dropped": 1, "pending": 1])
        rig.clock.advance(by: 86_400)
        try await dispatcher.dispatchOnce()
        #expect(rig.received() == ["ana": ["offer", "tips"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 2, "dropped": 1])
    }
}
