import Foundation
import Testing
import TenureCore

@Suite("Journey engine")
struct JourneyEngineTests {
    let utc = TimeZone(identifier: "UTC")!
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28T20:26:40Z

    func journey(_ steps: String) throws -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(#"{"name": "J", "trigger": {"event": "A"}, "steps": \#(steps)}"#.utf8))
    }

    func context(_ now: Date, key: String = "1", arrived: Bool = false, tz: TimeZone? = nil, condition: @escaping (Int) -> Bool = { _ in false }) -> JourneyEngine.Context {
        .init(now: now, timeZone: tz ?? utc, enrolmentKey: key, eventArrived: arrived, condition: condition)
    }

    @Test("sends, waits, wakes on time (not before), sends again and completes; every effect numbered once")
    func sendWaitSend() throws {
        let engine = JourneyEngine(try journey(#"""
            [{"id": "hello", "send": {"channel": "webhook", "template": "welcome"}},
             {"id": "two days", "wait": {"days": 2}},
             {"id": "tips", "send": {"channel": "webhook", "template": "tips"}}]
            """#))
        let first = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0))
        #expect(first.state == .waiting && first.reached == [0, 1])
        #expect(first.effects == [.send(step: 0, sequence: 1, JourneySend(channel: "webhook", template: "welcome"))])
        #expect(first.progress.step == 1 && first.progress.wakeAt == t0.addingTimeInterval(2 * 86_400))
        // Woken early (a restart, another instance): nothing happens.
        let early = engine.advance(first.progress, context: context(t0.addingTimeInterval(86_400)))
        #expect(early.state == .waiting && early.effects.isEmpty && early.reached.isEmpty && early.progress == first.progress)
        // Woken late (the server was down): the rest runs at once.
        let late = engine.advance(first.progress, context: context(t0.addingTimeInterval(3 * 86_400)))
        #expect(late.state == .completed && late.reached == [2])
        #expect(late.effects == [.send(step: 2, sequence: 3, JourneySend(channel: "webhook", template: "tips"))])
    }

    @Test("a branch follows the condition; an exit ends the journey; next jumps")
    func branchAndExit() throws {
        let engine = JourneyEngine(try journey(#"""
            [{"id": "vip?", "branch": {"if": "frequency >= 5", "then": "vip", "else": "rest"}},
             {"id": "vip", "send": {"channel": "c", "template": "vip"}, "next": "end"},
             {"id": "rest", "send": {"channel": "c", "template": "rest"}},
             {"id": "end", "exit": true},
             {"id": "never", "send": {"channel": "c", "template": "never"}}]
            """#))
        let vip = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0, condition: { $0 == 0 }))
        #expect(vip.reached == [0, 1, 3] && vip.state == .completed)
        #expect(vip.effects.map { if case .send(_, _, let s) = $0 { s.template } else { "" } } == ["vip"])
        let rest = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0))
        #expect(rest.reached == [0, 2, 3])
    }

    @Test("a split's choice is stable per enrolment and close to its shares")
    func split() throws {
        let engine = JourneyEngine(try journey(#"""
            [{"id": "ab", "split": [{"share": 0.3, "next": "a"}, {"share": 0.7, "next": "b"}]},
             {"id": "a", "send": {"channel": "c", "template": "a"}, "next": "end"},
             {"id": "b", "send": {"channel": "c", "template": "b"}},
             {"id": "end", "exit": true}]
            """#))
        var a = 0
        for key in 0..<10_000 {
            let run = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0, key: "\(key)"))
            let again = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0.addingTimeInterval(60), key: "\(key)"))
            #expect(run.reached == again.reached)
            if run.reached.contains(1) { a += 1 }
        }
        #expect(abs(Double(a) / 10_000 - 0.3) < 0.02)
    }

    @Test("a wait for an event goes one way when it arrives and the other on the timeout")
    func eventWait() throws {
        let engine = JourneyEngine(try journey(#"""
            [{"id": "ask", "send": {"channel": "c", "template": "survey"}},
             {"id": "answered?", "wait": {"event": "Survey Responded", "days": 5, "then": "thanks", "timeout": "remind"}},
             {"id": "remind", "send": {"channel": "c", "template": "remind"}, "next": "end"},
             {"id": "thanks", "send": {"channel": "c", "template": "thanks"}},
             {"id": "end", "exit": true}]
            """#))
        let asked = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0))
        #expect(asked.state == .waiting && asked.progress.wakeAt == t0.addingTimeInterval(5 * 86_400))
        let answered = engine.advance(asked.progress, context: context(t0.addingTimeInterval(3600), arrived: true))
        #expect(answered.reached == [3, 4])
        let silent = engine.advance(asked.progress, context: context(t0.addingTimeInterval(5 * 86_400)))
        #expect(silent.reached == [2, 4])
        let notYet = engine.advance(asked.progress, context: context(t0.addingTimeInterval(86_400)))
        #expect(notYet.reached.isEmpty && notYet.state == .waiting)
    }

    @Test("a wait until a time of day uses the customer's time zone, the same day when still ahead")
    func timeOfDay() throws {
        let wait = JourneyWait(untilMinuteOfDay: 9 * 60)
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!, newYork = TimeZone(identifier: "America/New_York")!
        // t0 is 05:26 on May 29 in Tokyo, 16:26 on May 28 in New York.
        #expect(wait.due(after: t0, in: tokyo) == ISO8601DateFormatter().date(from: "2026-05-29T00:00:00Z"))
        #expect(wait.due(after: t0, in: newYork) == ISO8601DateFormatter().date(from: "2026-05-29T13:00:00Z"))
        // With a duration first: one day, then the next 09:00.
        #expect(JourneyWait(seconds: 86_400, untilMinuteOfDay: 9 * 60).due(after: t0, in: utc) == ISO8601DateFormatter().date(from: "2026-05-30T09:00:00Z"))
        let engine = JourneyEngine(try journey(#"[{"id": "w", "wait": {"until": "09:00"}}, {"id": "s", "send": {"channel": "c", "template": "t"}}]"#))
        let waiting = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0, tz: tokyo))
        #expect(waiting.progress.wakeAt == ISO8601DateFormatter().date(from: "2026-05-29T00:00:00Z"))
    }

    @Test("trait updates and webhooks are effects numbered by the steps taken")
    func effects() throws {
        let engine = JourneyEngine(try journey(#"""
            [{"id": "tag", "update_traits": {"vip": true}},
             {"id": "crm", "webhook": {"url": "https://crm.example.com/hook"}}]
            """#))
        let run = engine.advance(JourneyProgress(enteredAt: t0), context: context(t0))
        #expect(run.effects == [.updateTraits(step: 0, sequence: 1, ["vip": true]), .webhook(step: 1, sequence: 2, url: "https://crm.example.com/hook")])
        #expect(run.state == .completed)
    }
}
