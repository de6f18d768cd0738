import Foundation
import Testing
import TenureCore
import TenureStore

@Suite("Journey store: enrolling a scheduled trigger's firings")
struct ScheduledEnrolmentStoreTests {
    @Test("each customer enters once per key, across a second call and a reopened store file; a new key enters again under the entry rule; anonymous visitors and paused journeys enrol no one")
    func exactlyOncePerKey() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path + "/store.sqlite"
        let store = try SQLiteStore(path: path)
        _ = try await store.ingest([[identify("i1", user: "a"), identify("i2", user: "b"), identify("i3", user: nil, anon: "visitor")]])
        var ids: [String: Int64] = [:]
        for user in ["a", "b"] {
            for match in try await store.searchCustomers(user, limit: 10) where match.userId == user { ids[user] = match.id }
        }
        let a = try #require(ids["a"]), b = try #require(ids["b"])
        let anonymous = try #require(try await store.activitySnapshot().customerIds.first { $0 != a && $0 != b })
        let journey = try await store.saveJourney(
            try JourneyDefinition(jsonData: Data(#"""
                {"name": "Lapsed", "holdout": 0, "entry": "when_not_active", "trigger": {"inactivity": {"days": 30}},
                 "steps": [{"id": "w", "wait": {"days": 1}}]}
                """#.utf8)), by: "t")
        let now = at("2026-02-01T00:00:00Z")
        func candidate(_ id: Int64, _ key: String) -> ScheduledEnrolmentCandidate {
            ScheduledEnrolmentCandidate(customerId: id, key: key, trigger: ["scheduled": "inactivity", "key": .string(key)])
        }
        let firings = [candidate(a, "inactive:2026-01-01"), candidate(b, "inactive:2026-01-01"), candidate(anonymous, "inactive:2026-01-01")]
        let first = try await store.enrolScheduled(journey: journey, candidates: firings, at: now, globalControlShare: 0)
        #expect(first.entered == 2 && first.refused == 1 && first.already == 0)
        let second = try await store.enrolScheduled(journey: journey, candidates: firings, at: now, globalControlShare: 0)
        #expect(second.entered == 0 && second.already == 2 && second.refused == 1)
        let reopened = try SQLiteStore(path: path)
        let third = try await reopened.enrolScheduled(journey: journey, candidates: firings, at: now, globalControlShare: 0)
        #expect(third.entered == 0 && third.already == 2)
        // A new spell: a is still waiting (when_not_active refuses); the entry keeps its trigger.
        let next = try await reopened.enrolScheduled(journey: journey, candidates: [candidate(a, "inactive:2026-01-20")], at: now, globalControlShare: 0)
        #expect(next.entered == 0 && next.refused == 1)
        let due = try await reopened.dueEnrolments(at: now, limit: 10)
        #expect(due.count == 2 && due.allSatisfy { $0.trigger["key"] == "inactive:2026-01-01" })
        #expect(try await reopened.journeyEntries(id: journey.id, at: now).count == 2)
        _ = try await reopened.setJourneyStatus(named: "Lapsed", to: .paused, by: "t")
        let paused = try await reopened.enrolScheduled(journey: journey, candidates: [candidate(b, "inactive:2026-01-25")], at: now, globalControlShare: 0)
        #expect(paused.entered == 0 && paused.refused == 1)
    }
}
