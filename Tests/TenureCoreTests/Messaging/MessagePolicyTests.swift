import Foundation
import TenureCore
import Testing

@Suite("Frequency caps and quiet hours")
struct MessagePolicyTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28T20:26:40Z
    let utc = TimeZone(identifier: "UTC")!
    let day = 86_400.0

    func sent(_ daysAgo: [Double], channel: String = "email", journey: String? = "Newsletter") -> [SentMessage] {
        daysAgo.map { SentMessage(at: t0.addingTimeInterval(-$0 * day), channel: channel, journey: journey) }
    }

    @Test("caps read and print in their text form, and bad ones name what is wrong")
    func parsing() throws {
        #expect(try FrequencyCap(parsing: "3/7d") == FrequencyCap(.all, limit: 3, window: 7 * day))
        #expect(try FrequencyCap(parsing: "push:1/1d") == FrequencyCap(.channel("push"), limit: 1, window: day))
        #expect(try FrequencyCap(parsing: "journey:Win-back:1/30d") == FrequencyCap(.journey("Win-back"), limit: 1, window: 30 * day))
        #expect(try FrequencyCap(parsing: "2/12h").window == 12 * 3_600)
        for text in ["3/7d", "push:1/1d", "journey:Win-back:1/30d", "2/12h", "5/90m"] {
            #expect(try FrequencyCap(parsing: text).description == text)
        }
        for bad in ["", "3", "0/7d", "-1/7d", "3/0d", "3/7w", "3/nand", "3/infd", "x/7d", ":1/1d", "journey::1/1d", "3/400d"] {
            #expect(throws: MessagePolicyError.self, "\(bad)") { try FrequencyCap(parsing: bad) }
        }
        #expect(try QuietHours(parsing: "21:00-08:00") == QuietHours(start: 21 * 60, end: 8 * 60))
        for bad in ["21-08", "25:00-08:00", "21:00", "21:00-8:00"] {
            #expect(throws: MessagePolicyError.self, "\(bad)") { try QuietHours(parsing: bad) }
        }
    }

    @Test("a rolling cap defers the next message until the oldest counted one leaves the window")
    func rollingCap() throws {
        let policy = MessagePolicy(caps: [try FrequencyCap(parsing: "3/7d")], quietHours: nil)
        let candidate = MessagePolicy.Candidate(channel: "email", journey: "Win-back")
        #expect(policy.decide(candidate, sent: sent([1, 2]), now: t0) == .send)
        // Three in the window (6, 2 and 1 days ago): free when the one of 6 days ago is 7 days old.
        let decision = policy.decide(candidate, sent: sent([6, 2, 1, 9]), now: t0)
        guard case .deferred(let until, let reason) = decision else { Issue.record("expected a deferral, got \(decision)"); return }
        #expect(until == t0.addingTimeInterval(1 * day))
        #expect(reason.contains("3/7d"))
        // At that moment it goes.
        #expect(policy.decide(candidate, sent: sent([6, 2, 1, 9]), now: until) == .send)
        // Not deferrable: dropped, with the cap named.
        var strict = candidate
        strict.deferrable = false
        #expect(policy.decide(strict, sent: sent([6, 2, 1]), now: t0) == .dropped(reason: "frequency cap 3/7d reached"))
    }

    @Test("channel and journey caps count only their own messages; transactional messages are never capped or counted")
    func scopes() throws {
        let policy = MessagePolicy(caps: [try FrequencyCap(parsing: "push:1/1d"), try FrequencyCap(parsing: "journey:Win-back:1/30d")], quietHours: nil)
        let push = MessagePolicy.Candidate(channel: "push", journey: "Newsletter")
        let email = MessagePolicy.Candidate(channel: "email", journey: "Newsletter")
        let pushedToday = sent([0.5], channel: "push")
        #expect(policy.decide(email, sent: pushedToday, now: t0) == .send)
        if case .deferred(let until, _) = policy.decide(push, sent: pushedToday, now: t0) {
            #expect(until == t0.addingTimeInterval(0.5 * day))
        } else {
            Issue.record("a second push within a day must wait")
        }
        let winBack = MessagePolicy.Candidate(channel: "email", journey: "Win-back")
        #expect(policy.decide(winBack, sent: sent([10], journey: "Win-back"), now: t0) != .send)
        #expect(policy.decide(winBack, sent: sent([31], journey: "Win-back"), now: t0) == .send)
        // A receipt goes whatever the caps, and receipts do not fill a cap.
        let receipt = MessagePolicy.Candidate(channel: "push", journey: nil, transactional: true)
        #expect(policy.decide(receipt, sent: pushedToday, now: t0) == .send)
        let receipts = [SentMessage(at: t0.addingTimeInterval(-60), channel: "push", journey: nil, transactional: true)]
        #expect(policy.decide(push, sent: receipts, now: t0) == .send)
    }

    @Test("quiet hours are the customer's own, across midnight and time zones")
    func quietHoursAcrossZones() throws {
        let policy = MessagePolicy(caps: [], quietHours: try QuietHours(parsing: "21:00-08:00"))
        let c = MessagePolicy.Candidate(channel: "email", journey: "Win-back")
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let newYork = TimeZone(identifier: "America/New_York")!
        // 2026-05-28T14:30Z is 23:30 in Tokyo (quiet) and 10:30 in New York (not quiet).
        let now = ISO8601DateFormatter().date(from: "2026-05-28T14:30:00Z")!
        #expect(policy.decide(c, sent: [], now: now, timeZone: newYork) == .send)
        guard case .deferred(let until, let reason) = policy.decide(c, sent: [], now: now, timeZone: tokyo) else {
            Issue.record("23:30 in Tokyo is quiet"); return
        }
        #expect(until == ISO8601DateFormatter().date(from: "2026-05-28T23:00:00Z")!)  // 08:00 on the 29th in Tokyo
        #expect(reason.contains("Asia/Tokyo"))
        // Early morning, still quiet: ends the same local day.
        let early = ISO8601DateFormatter().date(from: "2026-05-28T20:00:00Z")!  // 05:00 in Tokyo on the 29th
        #expect(policy.decide(c, sent: [], now: early, timeZone: tokyo) == .deferred(until: until, reason: reason))
        // Without a zone of their own, the business's.
        let business = MessagePolicy(caps: [], quietHours: try QuietHours(parsing: "21:00-08:00"), defaultTimeZone: tokyo)
        #expect(business.decide(c, sent: [], now: now) == .deferred(until: until, reason: reason))
        // Transactional messages are sent in quiet hours.
        #expect(policy.decide(.init(channel: "email", journey: nil, transactional: true), sent: [], now: now, timeZone: tokyo) == .send)
    }

    @Test("quiet hours end on the right instant across daylight-saving changes")
    func daylightSaving() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        let f = ISO8601DateFormatter()
        // Spring forward on 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist.
        let spring = try QuietHours(parsing: "22:00-02:30")
        let beforeSpring = f.date(from: "2026-03-08T04:00:00Z")!  // 23:00 EST on the 7th
        #expect(spring.end(ofQuietSpanAt: beforeSpring, in: newYork) == f.date(from: "2026-03-08T07:00:00Z")!)  // 03:00 EDT
        // A quiet span ending at 08:00 on the change day is 08:00 EDT (12:00Z), a 10-hour night.
        let night = try QuietHours(parsing: "21:00-08:00")
        let springEvening = f.date(from: "2026-03-08T02:00:00Z")!  // 21:00 EST on the 7th
        #expect(night.end(ofQuietSpanAt: springEvening, in: newYork) == f.date(from: "2026-03-08T12:00:00Z")!)
        // Fall back on 2026-11-01: 01:30 happens twice; the span ends at the first.
        let fall = try QuietHours(parsing: "23:00-01:30")
        let beforeFall = f.date(from: "2026-11-01T03:30:00Z")!  // 23:30 EDT on Oct 31
        #expect(fall.end(ofQuietSpanAt: beforeFall, in: newYork) == f.date(from: "2026-11-01T05:30:00Z")!)  // 01:30 EDT
        // And the 08:00 end the day after the change is 08:00 EST (13:00Z).
        let fallEvening = f.date(from: "2026-11-01T01:00:00Z")!  // 21:00 EDT on Oct 31
        #expect(night.end(ofQuietSpanAt: fallEvening, in: newYork) == f.date(from: "2026-11-01T13:00:00Z")!)
        // Outside the span: none.
        #expect(night.end(ofQuietSpanAt: f.date(from: "2026-11-01T16:00:00Z")!, in: newYork) == nil)
    }

    @Test("messages competing for one slot: the higher priority goes, deferrable losers wait, the others are dropped")
    func priority() throws {
        let policy = MessagePolicy(caps: [try FrequencyCap(parsing: "1/1d")], quietHours: nil)
        let newsletter = MessagePolicy.Candidate(channel: "email", journey: "Newsletter", priority: 1, deferrable: false)
        let winBack = MessagePolicy.Candidate(channel: "email", journey: "Win-back", priority: 10)
        let survey = MessagePolicy.Candidate(channel: "email", journey: "Survey", priority: 5)
        let receipt = MessagePolicy.Candidate(channel: "email", journey: nil, transactional: true)
        let decisions = policy.arbitrate([newsletter, winBack, survey, receipt], sent: [], now: t0)
        #expect(decisions[1] == .send)
        #expect(decisions[0] == .dropped(reason: "frequency cap 1/1d reached"))
        #expect(decisions[2] == .deferred(until: t0.addingTimeInterval(day), reason: "frequency cap 1/1d reached"))
        #expect(decisions[3] == .send)
        // Equal priorities: the first given wins.
        let a = MessagePolicy.Candidate(channel: "email", journey: "A", priority: 3)
        let b = MessagePolicy.Candidate(channel: "email", journey: "B", priority: 3)
        #expect(policy.arbitrate([a, b], sent: [], now: t0).map { $0 == .send } == [true, false])
        #expect(policy.arbitrate([b, a], sent: [], now: t0).map { $0 == .send } == [true, false])
    }

    @Test("randomised: a policy never lets more than a cap's limit through in any window")
    func neverOverCap() throws {
        let policy = MessagePolicy(caps: [try FrequencyCap(parsing: "3/7d"), try FrequencyCap(parsing: "push:1/1d")], quietHours: try QuietHours(parsing: "22:00-07:00"))
        var rng = SeededGenerator(seed: 2026)
        var history: [SentMessage] = []
        var now = t0
        var pending: [(Date, MessagePolicy.Candidate)] = []
        for _ in 0..<2_000 {
            now = now.addingTimeInterval(Double.random(in: 60...20_000, using: &rng))
            pending.append((now, .init(channel: Bool.random(using: &rng) ? "push" : "email", journey: "J\(Int.random(in: 0..<3, using: &rng))", priority: Int.random(in: 0..<3, using: &rng))))
            let due = pending.filter { $0.0 <= now }
            pending.removeAll { $0.0 <= now }
            let decisions = policy.arbitrate(due.map(\.1), sent: history, now: now, timeZone: TimeZone(identifier: "Europe/Berlin"))
            for (d, (_, c)) in zip(decisions, due) {
                switch d {
                case .send: history.append(SentMessage(at: now, channel: c.channel, journey: c.journey))
                case .deferred(let until, _):
                    #expect(until > now)
                    pending.append((until, c))
                case .dropped: break
                }
            }
        }
        // Deferred messages keep the weekly cap nearly full: not over-cautious either.
        let weeks = now.timeIntervalSince(t0) / (7 * day)
        #expect(Double(history.count) >= 0.9 * 3 * weeks.rounded(.down), "\(history.count) messages in \(weeks) weeks")
        for (i, m) in history.enumerated() {
            let week = history[i...].prefix { $0.at.timeIntervalSince(m.at) < 7 * day }
            #expect(week.count <= 3)
            let pushes = history[i...].prefix { $0.at.timeIntervalSince(m.at) < day }.filter { $0.channel == "push" }
            #expect(m.channel != "push" || pushes.count <= 1)
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(identifier: "Europe/Berlin")!
            let hour = cal.component(.hour, from: m.at)
            #expect(hour >= 7 && hour < 22, "sent at \(m.at) in quiet hours")
        }
    }
}
