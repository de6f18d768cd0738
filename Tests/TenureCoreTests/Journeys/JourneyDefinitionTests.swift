import Foundation
import Testing
import TenureCore

@Suite("Journey documents")
struct JourneyDefinitionTests {
    static let winBack = #"""
        {"format_version": 1, "name": "Win-back", "group": "reactivation",
         "trigger": {"segment_entered": "Valuable at risk"},
         "entry": {"once_per_days": 90}, "holdout": 0.2,
         "goal": {"event": "Order Completed", "within_days": 14, "where": "total > 20"},
         "steps": [
           {"id": "offer", "send": {"channel": "webhook", "template": "win-back-offer"}},
           {"id": "three days", "wait": {"days": 3}},
           {"id": "bought?", "branch": {"if": "count(\"Order Completed\", last 3 days) >= 1", "then": "done", "else": "reminder"}},
           {"id": "reminder", "send": {"channel": "webhook", "template": "win-back-reminder", "topic": "offers"}},
           {"id": "ab", "split": [{"share": 0.5, "next": "tag"}, {"share": 0.5, "next": "done"}]},
           {"id": "tag", "update_traits": {"winback_tagged": true}},
           {"id": "done", "exit": true}]}
        """#

    func parse(_ text: String, segments: Set<String>? = ["Valuable at risk"]) throws(JourneyDefinitionError) -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(text.utf8), knownSegments: segments)
    }

    @Test("a full document reads into the definition and its canonical form reads back equal")
    func roundTrip() throws {
        let journey = try parse(Self.winBack)
        #expect(journey.name == "Win-back" && journey.group == "reactivation" && journey.holdout == 0.2)
        #expect(journey.trigger == .segmentEntered("Valuable at risk"))
        #expect(journey.entry == .oncePerDays(90))
        #expect(journey.goal?.withinDays == 14 && journey.goal?.filter.count == 1)
        #expect(journey.steps.map(\.kind) == ["send", "wait", "branch", "send", "split", "update_traits", "exit"])
        #expect(journey.steps[1].action == .wait(JourneyWait(seconds: 3 * 86_400)))
        if case .send(let send) = journey.steps[3].action { #expect(send.topic == "offers" && !send.transactional) } else { Issue.record("not a send") }
        #expect(journey.segments == ["Valuable at risk"])
        let again = try JourneyDefinition(jsonData: journey.jsonData, knownSegments: ["Valuable at risk"])
        #expect(again == journey)
        #expect(again.jsonData == journey.jsonData)
    }

    @Test("defaults: entry once, a 10% holdout, no goal; waits until a time of day and for an event")
    func defaults() throws {
        let journey = try parse(#"""
            {"name": "Welcome", "trigger": {"event": "Signed Up", "where": "plan = \"pro\""},
             "steps": [{"id": "w", "wait": {"hours": 1, "until": "09:30"}},
                       {"id": "e", "wait": {"event": "Order Completed", "days": 7, "then": "x", "timeout": "x"}},
                       {"id": "x", "exit": true}]}
            """#, segments: nil)
        #expect(journey.entry == .onceEver && journey.holdout == 0.1 && journey.goal == nil)
        #expect(journey.steps[0].action == .wait(JourneyWait(seconds: 3600, untilMinuteOfDay: 9 * 60 + 30)))
        if case .event(let name, let filter) = journey.trigger { #expect(name == "Signed Up" && filter.map(\.description) == [#"plan = "pro""#]) }
    }

    @Test("every refusal names the step and the field", arguments: [
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "send": {"channel": "webhook"}}]}"#, #"steps[0] "s".send.template"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "wait": {"dayz": 3}}]}"#, #"steps[0] "s".wait.dayz"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "wait": {"days": -1}}]}"#, #"steps[0] "s".wait.days"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "wait": {"until": "25:00"}}]}"#, #"steps[0] "s".wait.until"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "send": {"channel": "c", "template": "t"}, "next": "nowhere"}]}"#, #"steps[0] "s""#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "s", "exit": true}, {"id": "s", "exit": true}]}"#, #"steps[1] "s".id"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "split": [{"share": 0.5, "next": "a"}, {"share": 0.4, "next": "a"}]}]}"#, #"steps[0] "a".split"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "branch": {"if": "frequncy > 2", "then": "a", "else": "a"}}]}"#, #"steps[0] "a".branch.if"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "send": {"channel": "c", "template": "t"}}, {"id": "b", "branch": {"if": "frequency > 2", "then": "a", "else": "c"}}, {"id": "c", "exit": true}]}"#, #"steps[0] "a""#),
        (#"{"name": "J", "trigger": {"segment_entered": "Nope"}, "steps": [{"id": "a", "exit": true}]}"#, "trigger.segment_entered"),
        (#"{"name": "J", "trigger": {"event": "A", "where": "price >"}, "steps": [{"id": "a", "exit": true}]}"#, "trigger.where"),
        (#"{"name": "J", "holdout": 1, "trigger": {"event": "A"}, "steps": [{"id": "a", "exit": true}]}"#, "holdout"),
        (#"{"name": "J", "trigger": {"event": "A"}, "goal": {"event": "B", "within_days": 0}, "steps": [{"id": "a", "exit": true}]}"#, "goal.within_days"),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "webhook": {"url": "ftp://x"}}]}"#, #"steps[0] "a".webhook.url"#),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "wait": {"event": "B", "then": "a", "timeout": "a"}}]}"#, #"steps[0] "a".wait"#),
        (#"{"format_version": 2, "name": "J", "trigger": {"event": "A"}, "steps": [{"id": "a", "exit": true}]}"#, "format_version"),
        (#"{"name": "J", "trigger": {"event": "A"}, "steps": []}"#, "steps"),
        (#"{"name": "", "trigger": {"event": "A"}, "steps": [{"id": "a", "exit": true}]}"#, "name"),
        (#"{"name": "J", "trigger": {"event": "A", "segment_entered": "B"}, "steps": [{"id": "a", "exit": true}]}"#, "trigger"),
        (#"{"name": "J", "trigger": {"event": "A"}, "stepz": []}"#, "stepz"),
    ])
    func refusals(document: String, path: String) {
        do {
            _ = try parse(document, segments: ["Valuable at risk"])
            Issue.record("accepted: \(document)")
        } catch {
            #expect(error.path == path, "\(error)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test("a filter's error points into the filter's own text")
    func filterColumns() {
        #expect(throws: JourneyDefinitionError.self) {
            try parse(#"{"name": "J", "trigger": {"event": "A", "where": "price > \"x"}, "steps": [{"id": "a", "exit": true}]}"#)
        }
        do {
            _ = try parse(#"{"name": "J", "trigger": {"event": "A", "where": "price >> 3"}, "steps": [{"id": "a", "exit": true}]}"#)
        } catch {
            #expect(error.message.contains("column 8"), "\(error)")
        }
    }

    @Test("holdout assignment is stable, independent between journeys and close to its share")
    func holdout() {
        let ids = (0..<20_000).map { "customer-\($0)" }
        let a = ids.filter { JourneyHoldout.isHeldOut(customer: $0, journey: "Win-back", share: 0.1) }
        let b = ids.filter { JourneyHoldout.isHeldOut(customer: $0, journey: "Welcome", share: 0.1) }
        #expect(abs(Double(a.count) / 20_000 - 0.1) < 0.01)
        #expect(abs(Double(b.count) / 20_000 - 0.1) < 0.01)
        // Independent: the overlap is about 1%, not 10%.
        #expect(Set(a).intersection(b).count < 400)
        // Fixed values: the assignment must never change between builds (it would move customers
        // between treatment and control in a running experiment).
        #expect(JourneyHoldout.uniform("journey:Win-back", "customer-1") == JourneyHoldout.uniform("journey:Win-back", "customer-1"))
        #expect(String(JourneyHoldout.uniform("journey:Win-back", "customer-1")).prefix(8) == Self.pinnedValue)
    }

    /// `JourneyHoldout.uniform("journey:Win-back", "customer-1")`, computed independently in Python
    /// (FNV-1a 64, separator 0x1f, SplitMix64 finalizer, top 53 bits).
    static let pinnedValue = "0.911450"
}
