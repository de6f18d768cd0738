import Foundation
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// Journeys with a budget (`"target": {"top": N, "by": …}`): only the top of the ranking enters.
@Suite("Journeys: top-N targeting")
struct JourneyTargetingTests {
    @Test("the document reads and writes a target, and refuses bad ones by field")
    func document() throws {
        let json = #"{"name": "Budget", "trigger": {"event": "Slipping"}, "target": {"top": 3, "by": "risk"}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#
        let d = try JourneyDefinition(jsonData: Data(json.utf8))
        #expect(d.target == JourneyTarget(top: 3, by: .risk))
        #expect(try JourneyDefinition(json: d.json) == d)
        #expect(try JourneyDefinition(jsonData: Data(json.replacingOccurrences(of: #", "by": "risk""#, with: "").utf8)).target?.by == .uplift)
        for (bad, path) in [(#"{"top": 0}"#, "target.top"), (#"{"top": 3, "by": "luck"}"#, "target.by"), (#"{"top": 3, "size": 1}"#, "target"), (#"7"#, "target")] {
            let error = #expect(throws: JourneyDefinitionError.self) {
                try JourneyDefinition(jsonData: Data(json.replacingOccurrences(of: #"{"top": 3, "by": "risk"}"#, with: bad).utf8))
            }
            #expect(error?.path.hasPrefix(path) == true, "\(bad): \(String(describing: error))")
        }
        #expect(JourneyTarget.topPositions([0.2, .nan, 0.9, 0.5, 0.9], top: 3) == [2, 4, 3])
        #expect(JourneyTarget.topPositions([.nan, .infinity], top: 3).isEmpty)
        #expect(JourneyTarget.topPositions([0.1], top: 0).isEmpty)
    }

    @Test("by risk: of the customers the trigger picks, only the top N by churn risk enter; without scores, nobody does")
    func byRisk() async throws {
        let store = try SQLiteStore.inMemory()
        let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let scores = RiskScores(file: nil, logger: Logger(label: "test"))
        let cache = SnapshotCache(store: store)
        let scheduler = JourneyScheduler(store: store, cache: cache, scores: scores, clock: clock, logger: Logger(label: "test"))
        let users = (0..<10).map { "u\($0)" }
        for u in users {
            _ = try await store.ingest([[Message(kind: .track, messageId: "o-\(u)", userId: u, name: "Order Completed", timestamp: clock.now().addingTimeInterval(-86_400 * 40))]])
        }
        let json = #"{"name": "Budget", "holdout": 0, "trigger": {"event": "Slipping"}, "target": {"top": 3, "by": "uplift"}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#
        _ = try await store.saveJourney(try JourneyDefinition(jsonData: Data(json.utf8)), by: "test")
        // No scores yet: the budget is spent on nobody.
        _ = try await store.ingest([[Message(kind: .track, messageId: "s-u0", userId: "u0", name: "Slipping", timestamp: clock.now())]])
        #expect(try await scheduler.runOnce().events.entered.values.reduce(0, +) == 0)
        // Risk rises with the user number: u9, u8 and u7 are the top three.
        let snapshot = try await store.activitySnapshot()
        var report = try JSONDecoder().decode(AtRiskReport.self, from: Data(#"""
            {"cutoffDay": 0, "trainCutoffDay": 0, "horizonDays": 30, "clvHorizonWeeks": 52, "scoredCount": 10, "trainCount": 10, "customers": []}
            """#.utf8))
        var customerScores = CustomerScores(asOf: 0, customerCount: snapshot.customerIds.count)
        let userIds = try await store.userIds(of: snapshot.customerIds)
        for (i, user) in userIds.enumerated() { customerScores.churnRisk[i] = user.flatMap { Double($0.dropFirst()) }.map { $0 / 10 } ?? .nan }
        report.scores = customerScores
        var ranking = RiskScores.Ranking(scoredAt: clock.now(), report: report, userIds: [], backtest: nil)
        ranking.snapshotGeneration = snapshot.mergeGeneration
        await scores.update(ranking)
        for u in users {
            _ = try await store.ingest([[Message(kind: .track, messageId: "s2-\(u)", userId: u, name: "Slipping", timestamp: clock.now())]])
        }
        // By uplift with no decided entries of its own, the journey ranks by risk.
        let pass = try await scheduler.runOnce()
        #expect(pass.events.entered.values.reduce(0, +) == 3)
        let journey = try #require(try await store.journey(named: "Budget"))
        let entered = try await store.journeyEntries(id: journey.id, at: clock.now())
        #expect(Set(try await store.userIds(of: entered.map(\.customerId)).compactMap { $0 }) == ["u7", "u8", "u9"])
    }
}

/// A wait is handed out when it is due, never half a millisecond before (which would run the
/// customer once for nothing).
@Suite("Journeys: due to the millisecond")
struct JourneyDueTimeTests {
    @Test("a wait due at a whole millisecond runs once: not at 0.4 ms before, once at it")
    func dueToTheMillisecond() async throws {
        let rig = try JourneySchedulerTests.Rig()
        _ = try await rig.journey(#"{"name": "W", "holdout": 0, "trigger": {"event": "Go"}, "steps": [{"id": "w", "wait": {"seconds": 10}}, {"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#)
        let start = Date(timeIntervalSince1970: (rig.clock.now().timeIntervalSince1970 * 1000).rounded(.down) / 1000 + 0.0002)
        rig.clock.set(start)
        try await rig.track("a", "Go")
        #expect(try await rig.scheduler.runOnce().runs == 1)
        // The wait ends at start + 10 s, stored to the millisecond (rounded to start's ms).
        let due = Date(timeIntervalSince1970: (start.timeIntervalSince1970 * 1000).rounded() / 1000 + 10)
        rig.clock.set(due.addingTimeInterval(-0.0004))
        #expect(try await rig.scheduler.runOnce().runs == 0)
        rig.clock.set(due)
        #expect(try await rig.scheduler.runOnce().runs == 1)
        #expect(try await rig.scheduler.runOnce().runs == 0)
    }
}

/// "Top N by uplift": once the journey has learnt from its own treatment and control entries,
/// it admits the customers its messages change, not the ones at most risk.
@Suite("Journeys: targeting by learnt uplift")
struct JourneyUpliftTargetingTests {
    @Test("after a first wave with a holdout, the next wave's top 20 are the persuadable frequent buyers")
    func byUplift() async throws {
        let store = try SQLiteStore.inMemory()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let clock = ManualWallClock(start)
        let scores = RiskScores(file: nil, logger: Logger(label: "test"))
        let scheduler = JourneyScheduler(store: store, cache: SnapshotCache(store: store), scores: scores, clock: clock, logger: Logger(label: "test"))
        // 200 frequent buyers (10 orders) and 200 occasional ones (1 order), all long before.
        let frequent = (0..<200).map { "f\($0)" }, occasional = (0..<200).map { "o\($0)" }
        // The occasional buyers are stored first, so a ranking by risk (all equal: ties by store
        // order) would pick them; only a learnt uplift picks the frequent ones.
        var history: [Message] = occasional.map {
            Message(kind: .track, messageId: "h-\($0)", userId: $0, name: "Order Completed", timestamp: start.addingTimeInterval(-100 * 86_400), properties: ["revenue": 30])
        }
        for u in frequent { for k in 0..<10 { history.append(Message(kind: .track, messageId: "h-\(u)-\(k)", userId: u, name: "Order Completed", timestamp: start.addingTimeInterval(Double(-200 + k * 15) * 86_400), properties: ["revenue": 30])) } }
        _ = try await store.ingest([history])
        // Everyone equally at risk: the first wave (no entries to learn from yet) takes all 400.
        let snapshot = try await store.activitySnapshot()
        var report = try JSONDecoder().decode(AtRiskReport.self, from: Data(#"""
            {"cutoffDay": 0, "trainCutoffDay": 0, "horizonDays": 30, "clvHorizonWeeks": 52, "scoredCount": 400, "trainCount": 400, "customers": []}
            """#.utf8))
        var risk = CustomerScores(asOf: 0, customerCount: snapshot.customerIds.count)
        for i in 0..<snapshot.customerIds.count { risk.churnRisk[i] = 0.5 }
        report.scores = risk
        var ranking = RiskScores.Ranking(scoredAt: clock.now(), report: report, userIds: [], backtest: nil)
        ranking.snapshotGeneration = snapshot.mergeGeneration
        await scores.update(ranking)
        let json = #"{"name": "Budget", "holdout": 0.5, "entry": {"once_per_days": 1}, "trigger": {"event": "Go"}, "target": {"top": 400, "by": "uplift"}, "goal": {"event": "Order Completed", "within_days": 1}, "steps": [{"id": "s", "send": {"channel": "webhook", "template": "t"}}]}"#
        _ = try await store.saveJourney(try JourneyDefinition(jsonData: Data(json.utf8)), by: "test")
        _ = try await store.ingest([(frequent + occasional).map { Message(kind: .track, messageId: "go1-\($0)", userId: $0, name: "Go", timestamp: clock.now()) }])
        #expect(try await scheduler.runOnce().events.entered.values.reduce(0, +) == 400)
        // The message moves the frequent buyers only: treated frequent buyers order, nobody else does.
        let journey = try #require(try await store.journey(named: "Budget"))
        let wave1 = try await store.journeyEntries(id: journey.id, at: clock.now())
        let users = try await store.userIds(of: wave1.map(\.customerId))
        var orders: [Message] = []
        for (entry, user) in zip(wave1, users) where entry.arm == .treatment && user?.hasPrefix("f") == true {
            orders.append(Message(kind: .track, messageId: "buy-\(user!)", userId: user!, name: "Order Completed", timestamp: clock.now().addingTimeInterval(3600), properties: ["revenue": 30]))
        }
        clock.advance(by: 2 * 3600)
        _ = try await store.ingest([orders])
        try await scheduler.runOnce()
        // The goal windows close; a budget of 20 for the second wave, now ranked by learnt uplift.
        clock.advance(by: 2 * 86_400)
        try await Task.sleep(for: .seconds(1.1))  // the snapshot cache refreshes at most once a second
        _ = try await store.saveJourney(try JourneyDefinition(jsonData: Data(json.replacingOccurrences(of: #""top": 400"#, with: #""top": 20"#).utf8)), by: "test")
        _ = try await store.ingest([(frequent + occasional).map { Message(kind: .track, messageId: "go2-\($0)", userId: $0, name: "Go", timestamp: clock.now()) }])
        #expect(try await scheduler.runOnce().events.entered.values.reduce(0, +) == 20)
        let wave2 = try await store.journeyEntries(id: journey.id, at: clock.now()).filter { $0.enteredAt > start.addingTimeInterval(86_400) }
        let chosen = try await store.userIds(of: wave2.map(\.customerId)).compactMap { $0 }
        #expect(chosen.count == 20)
        #expect(chosen.filter { $0.hasPrefix("f") }.count >= 18, "\(chosen)")
    }
}
