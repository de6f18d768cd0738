import Foundation
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// Scheduled triggers (inactivity, dates, replenishment, churn-risk crossings) run by the
/// scheduler on a manual clock over a store in a file, so a restart can reopen it.
@Suite("Journeys: scheduled triggers through the scheduler and the store")
struct ScheduledTriggerSchedulerTests {
    static func noon(_ y: Int, _ m: Int, _ d: Int) -> Date {
        DayNumber.date(of: DayNumber.day(year: y, month: m, day: d)).addingTimeInterval(12 * 3600)
    }

    /// A scheduler, a dispatcher and a recording channel over a store file; `reopened()` is the
    /// same after a restart (a new store object on the same file, new scheduler and caches).
    final class Rig: Sendable {
        let path: String
        let store: SQLiteStore
        let clock: ManualWallClock
        let channel: RecordingChannel
        let scores: RiskScores
        let scheduler: JourneyScheduler
        let dispatcher: OutboxDispatcher

        init(path: String? = nil, at start: Date, channel: RecordingChannel = RecordingChannel(), globalControl: Double = 0, zone: String = "UTC") throws {
            let path = path ?? FileManager.default.temporaryDirectory.appendingPathComponent("tenure-sched-\(UUID().uuidString).sqlite").path
            self.path = path
            store = try SQLiteStore(path: path)
            clock = ManualWallClock(start)
            self.channel = channel
            scores = RiskScores(file: nil, logger: Logger(label: "test"))
            scheduler = JourneyScheduler(
                configuration: .init(globalControlShare: globalControl, defaultTimeZone: TimeZone(identifier: zone)!), store: store,
                cache: SnapshotCache(store: store), scores: scores, clock: clock, logger: Logger(label: "test"))
            dispatcher = OutboxDispatcher(store: store, channels: ["webhook": channel], webhookSteps: channel, clock: clock, logger: Logger(label: "test"))
        }

        func reopened() throws -> Rig { try Rig(path: path, at: clock.now(), channel: channel) }

        func remove() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        func journey(_ json: String) async throws -> SavedJourney {
            try await store.saveJourney(try JourneyDefinition(jsonData: Data(json.utf8)), by: "test")
        }

        func track(_ user: String, _ event: String, at: Date, properties: [String: JSONValue] = [:]) async throws {
            _ = try await store.ingest([[Message(kind: .track, messageId: "\(event)-\(user)-\(UUID())", userId: user, name: event, timestamp: at, properties: properties)]])
        }

        func identify(_ user: String, _ traits: [String: JSONValue]) async throws {
            _ = try await store.ingest([[Message(kind: .identify, messageId: "i-\(user)-\(UUID())", userId: user, timestamp: clock.now(), traits: traits)]])
        }

        /// The payloads received per user id.
        func received() -> [String: [[String: JSONValue]]] {
            var out: [String: [[String: JSONValue]]] = [:]
            for m in channel.received {
                guard let o = try? JSONParser.parse(m.payload).objectValue, let user = o["customer"]?["user_id"]?.stringValue else { continue }
                out[user, default: []].append(o)
            }
            return out
        }
    }

    static func send(_ name: String, trigger: String, entry: String = #""once""#, holdout: Double = 0) -> String {
        #"{"name": "\#(name)", "holdout": \#(holdout), "entry": \#(entry), "trigger": \#(trigger), "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#
    }

    @Test("inactivity fires on the 30th day, not before, once per spell: across two passes, a new hour, and a restart that reopens the store file")
    func inactivity() async throws {
        let last = Self.noon(2025, 5, 10)
        let rig = try Rig(at: last.addingTimeInterval(29 * 86_400))
        defer { rig.remove() }
        _ = try await rig.journey(Self.send("Lapsed", trigger: #"{"inactivity": {"days": 30, "event": "Order Completed"}}"#, entry: #""when_not_active""#))
        try await rig.track("a", "Order Completed", at: last.addingTimeInterval(-20 * 86_400))
        try await rig.track("a", "Order Completed", at: last)
        try await rig.track("b", "Order Completed", at: last.addingTimeInterval(5 * 86_400))
        try await rig.track("c", "Page Viewed", at: last)
        let before = try await rig.scheduler.runOnce()
        #expect(before.evaluatedScheduled && before.scheduled.entered == 0)
        rig.clock.advance(by: 86_400)
        let due = try await rig.scheduler.runOnce()
        #expect(due.scheduled.entered == 1 && due.runs == 1)
        #expect(try await rig.scheduler.runOnce().evaluatedScheduled == false)  // nothing changed: not evaluated again
        rig.clock.advance(by: 3600)
        let again = try await rig.scheduler.runOnce()
        #expect(again.evaluatedScheduled && again.scheduled.entered == 0 && again.scheduled.already == 1)
        let restarted = try rig.reopened()
        restarted.clock.advance(by: 86_400)
        let afterRestart = try await restarted.scheduler.runOnce()
        #expect(afterRestart.evaluatedScheduled && afterRestart.scheduled.entered == 0 && afterRestart.scheduled.already == 1)
        try await restarted.dispatcher.dispatchOnce()
        let received = rig.received()
        #expect(received.keys.sorted() == ["a"] && received["a"]?.count == 1)
        #expect(received["a"]?.first?["trigger"]?["key"]?.stringValue == "inactive:2025-05-10")
        // A new order and 30 more days: a new spell, a new key.
        try await restarted.track("a", "Order Completed", at: last.addingTimeInterval(32 * 86_400))
        try await Task.sleep(for: .seconds(1.1))  // the snapshot cache refreshes at most once a second
        restarted.clock.set(last.addingTimeInterval(62 * 86_400))
        let next = try await restarted.scheduler.runOnce()
        #expect(next.scheduled.entered == 1)  // b's spell is too far back by now (beyond the catch-up), a's new one is due
        let journey = try #require(try await restarted.store.journey(named: "Lapsed"))
        #expect(try await restarted.store.journeyEntries(id: journey.id, at: restarted.clock.now()).count == 2)
    }

    @Test("a birthday on Feb 29 fires on Feb 28 in a non-leap year; the once entry rule refuses the next year's")
    func leapBirthday() async throws {
        let rig = try Rig(at: Self.noon(2025, 2, 27))
        defer { rig.remove() }
        try await rig.identify("leap", ["birthday": "2000-02-29"])
        try await rig.identify("june", ["birthday": "2000-06-01"])
        _ = try await rig.journey(Self.send("Birthday", trigger: #"{"date": {"trait": "birthday", "anniversary": true}}"#))
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 0)
        rig.clock.advance(by: 86_400)
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 1)
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received()["leap"]?.first?["trigger"]?["key"]?.stringValue == "date:2025-02-28")
        rig.clock.set(Self.noon(2026, 2, 28))
        let nextYear = try await rig.scheduler.runOnce()
        #expect(nextYear.scheduled.entered == 0 && nextYear.scheduled.refused == 1)
    }

    @Test("a customer in another time zone fires on their own local day; others on the business's")
    func timeZones() async throws {
        // 11:00 UTC on Mar 9 2025: Mar 10 in Auckland (UTC+13), Mar 9 in Berlin.
        let rig = try Rig(at: DayNumber.date(of: DayNumber.day(year: 2025, month: 3, day: 9)).addingTimeInterval(11 * 3600), zone: "Europe/Berlin")
        defer { rig.remove() }
        try await rig.identify("nz", ["birthday": "1990-03-10", "timezone": "Pacific/Auckland"])
        try await rig.identify("de", ["birthday": "1990-03-10"])
        _ = try await rig.journey(Self.send("Birthday", trigger: #"{"date": {"trait": "birthday", "anniversary": true}}"#))
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 1)
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received().keys.sorted() == ["nz"])
        // 23:30 UTC: Mar 10 has begun in Berlin.
        rig.clock.advance(by: 12.5 * 3600)
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 1)
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received().keys.sorted() == ["de", "nz"])
    }

    @Test("replenishment fires 10 days before the predicted run-out and the message carries the interval and the date")
    func replenishment() async throws {
        let first = Self.noon(2025, 1, 1)
        let rig = try Rig(at: first.addingTimeInterval(49 * 86_400))
        defer { rig.remove() }
        for (days, category) in [(0, "tea"), (20, "tea"), (40, "tea"), (45, "coffee")] {
            try await rig.track("t", "Order Completed", at: first.addingTimeInterval(Double(days) * 86_400), properties: ["category": .string(category)])
        }
        try await rig.track("once", "Order Completed", at: first, properties: ["category": "tea"])
        _ = try await rig.journey(Self.send(
            "Refill", trigger: #"{"replenishment": {"event": "Order Completed", "where": "category = \"tea\"", "days_before": 10, "min_orders": 2}}"#))
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 0)
        rig.clock.advance(by: 86_400)
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 1)
        try await rig.dispatcher.dispatchOnce()
        let payload = try #require(rig.received()["t"]?.first)
        #expect(payload["replenishment"]?["interval_days"] == .number(20))
        #expect(payload["replenishment"]?["runs_out_on"] == .string("2025-03-02"))
        #expect(payload["trigger"]?["key"]?.stringValue == "replenish:2025-02-10")
    }

    @Test("entry rules, the group, the holdout and the global control group apply to scheduled triggers as to events")
    func entryRulesAndHoldout() async throws {
        let rig = try Rig(at: Self.noon(2025, 6, 1), globalControl: 0.1)
        defer { rig.remove() }
        for i in 0..<200 { try await rig.identify("u\(i)", ["birthday": "1990-06-01"]) }
        // Another journey of the same group holds "u0" (entered by an event).
        _ = try await rig.journey(#"{"name": "Busy", "group": "g", "holdout": 0, "trigger": {"event": "Go"}, "steps": [{"id": "w", "wait": {"days": 5}}]}"#)
        try await rig.track("u0", "Go", at: rig.clock.now())
        try await rig.scheduler.runOnce()
        _ = try await rig.journey(#"""
            {"name": "Birthday", "group": "g", "holdout": 0.3, "trigger": {"date": {"trait": "birthday", "anniversary": true}},
             "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}
            """#)
        let pass = try await rig.scheduler.runOnce()
        #expect(pass.scheduled.entered == 199 && pass.scheduled.refused == 1)
        try await rig.dispatcher.dispatchOnce()
        let received = rig.received()
        for i in 1..<200 {
            let user = "u\(i)"
            let control = JourneyHoldout.isInGlobalControl(customer: user, share: 0.1) || JourneyHoldout.isHeldOut(customer: user, journey: "Birthday", share: 0.3)
            #expect((received[user] == nil) == control, "\(user)")
        }
        #expect(received["u0"] == nil)
        let journey = try #require(try await rig.store.journey(named: "Birthday"))
        let counts = try await rig.store.journeyCounts(id: journey.id, at: rig.clock.now())
        #expect((counts.arms[.holdout]?.entered ?? 0) > 30 && (counts.arms[.globalControl]?.entered ?? 0) > 5)
    }

    @Test("a churn-risk crossing fires once per crossing: not at the first scoring seen (a baseline), then for who rose past the threshold")
    func churnRisk() async throws {
        let rig = try Rig(at: Date().addingTimeInterval(-3600))
        defer { rig.remove() }
        for user in ["a", "b", "c"] { try await rig.track(user, "Order Completed", at: rig.clock.now()) }
        _ = try await rig.journey(Self.send("Risky", trigger: #"{"churn_risk_above": 0.6}"#))
        let snapshot = try await rig.store.activitySnapshot()
        var userOf: [Int64: String] = [:]
        for user in ["a", "b", "c"] {
            for match in try await rig.store.searchCustomers(user, limit: 10) where match.userId == user { userOf[match.id] = user }
        }
        #expect(userOf.count == 3)
        func ranking(_ risks: [String: Double], at date: Date) throws -> RiskScores.Ranking {
            var report = try JSONDecoder().decode(AtRiskReport.self, from: Data(#"""
                {"cutoffDay": 0, "trainCutoffDay": 0, "horizonDays": 30, "clvHorizonWeeks": 52, "scoredCount": 3, "trainCount": 3, "customers": []}
                """#.utf8))
            var scores = CustomerScores(asOf: 0, customerCount: snapshot.customerIds.count)
            for (i, id) in snapshot.customerIds.enumerated() {
                scores.churnRisk[i] = userOf[id].flatMap { risks[$0] } ?? .nan
            }
            report.scores = scores
            var r = RiskScores.Ranking(scoredAt: date, report: report, userIds: [], backtest: nil)
            r.snapshotGeneration = snapshot.mergeGeneration
            return r
        }
        await rig.scores.update(try ranking(["a": 0.7, "b": 0.3], at: rig.clock.now()))
        #expect(try await rig.scheduler.runOnce().scheduled.entered == 0)
        rig.clock.advance(by: 60)
        await rig.scores.update(try ranking(["a": 0.8, "b": 0.65, "c": 0.9], at: rig.clock.now()))
        let crossed = try await rig.scheduler.runOnce()
        #expect(crossed.scheduled.entered == 2)  // b rose, c was unscored; a was above already
        rig.clock.advance(by: 3600)
        #expect(try await rig.scheduler.runOnce().scheduled.already == 2)
    }
}
