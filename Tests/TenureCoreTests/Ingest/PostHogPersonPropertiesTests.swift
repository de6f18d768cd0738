import Foundation
import Testing
import TenureCore

/// PostHog's person properties (`$set`, `$set_once`, `$unset`) and `$create_alias`, as the parser
/// hands them to the store.
@Suite struct PostHogPersonPropertiesTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func parse(_ events: String) throws -> [Message] {
        try PostHogParser.parse(body: Data(#"{"api_key":"k","batch":[\#(events)]}"#.utf8), receivedAt: now).messages
    }

    @Test func identifySetsTraitsAndCarriesSetOnceAndUnset() throws {
        let m = try parse(#"""
            {"event":"$identify","distinct_id":"u1","properties":{"$anon_distinct_id":"a1",
              "$set":{"plan":"pro","email":"u1@x.io"},"$set_once":{"first_plan":"free","plan":"trial"},"$unset":["coupon"]}}
            """#)[0]
        #expect(m.kind == .identify && m.userId == "u1" && m.anonymousId == "a1")
        // Only $set is an identify's traits: $set_once must not overwrite what the customer has.
        #expect(m.traits == ["plan": "pro", "email": "u1@x.io"])
        #expect(m.traitChanges == TraitChanges(setOnce: ["first_plan": "free", "plan": "trial"], unset: ["coupon"]))
    }

    @Test func setAndSetOnceEventsAreIdentifies() throws {
        // posthog-python's set() and set_once() put the properties on the event's top level.
        let m = try parse(#"""
            {"event":"$set","distinct_id":"u1","$set":{"plan":"pro"},"properties":{"$lib":"posthog-python"}},
            {"event":"$set_once","distinct_id":"u1","$set_once":{"source":"ads"},"properties":{}},
            {"event":"$set","distinct_id":"v1","properties":{"$is_identified":false,"$set":{"theme":"dark"},"$unset":["beta"]}}
            """#)
        #expect(m.map(\.kind) == [.identify, .identify, .identify])
        #expect(m[0].userId == "u1" && m[0].traits == ["plan": "pro"] && m[0].traitChanges.isEmpty)
        #expect(m[1].traits.isEmpty && m[1].traitChanges == TraitChanges(setOnce: ["source": "ads"]))
        #expect(m[2].userId == nil && m[2].anonymousId == "v1")
        #expect(m[2].traits == ["theme": "dark"] && m[2].traitChanges == TraitChanges(unset: ["beta"]))
    }

    @Test func anyEventCarriesPersonProperties() throws {
        let m = try parse(#"""
            {"event":"$pageview","distinct_id":"u1","properties":{"$pathname":"/","$set":{"last_page":"/"},"$set_once":{"landing":"/"}}},
            {"event":"$screen","distinct_id":"u1","properties":{"$screen_name":"Home","$unset":["trial"]}},
            {"event":"Order Completed","distinct_id":"u1","$set":{"tier":"old"},"properties":{"total":5,"$set":{"tier":"gold"},"$unset":["cart","cart"]}},
            {"event":"Viewed","distinct_id":"u1","properties":{"x":1}}
            """#)
        #expect(m.map(\.kind) == [.page, .screen, .track, .track])
        #expect(m[0].traitChanges == TraitChanges(set: ["last_page": "/"], setOnce: ["landing": "/"]))
        #expect(m[1].traitChanges == TraitChanges(unset: ["trial"]))
        // `properties` wins over the top level on the same key; a name unset twice is unset once.
        #expect(m[2].traitChanges == TraitChanges(set: ["tier": "gold"], unset: ["cart"]))
        #expect(m[2].traitChanges.unset == ["cart"])
        // Track traits stay empty (they are Segment's, not the person's), and the event keeps the properties as sent.
        #expect(m[2].traits.isEmpty && m[2].properties["$set"] == ["tier": "gold"] && m[2].properties["total"] == 5)
        #expect(m[3].traitChanges.isEmpty)
    }

    @Test func wronglyTypedPersonPropertiesAreIgnored() throws {
        let m = try parse(#"""
            {"event":"Viewed","distinct_id":"u1","properties":{"$set":"plan=pro","$set_once":[1],"$unset":["ok",3,null]}},
            {"event":"Viewed","distinct_id":"u1","properties":{"$unset":{"a":1,"b":null}}}
            """#)
        #expect(m[0].traitChanges == TraitChanges(unset: ["ok"]))
        #expect(m[1].traitChanges == TraitChanges(unset: ["a", "b"]))
    }

    @Test func createAliasKeepsTheAliasAsTheUserId() throws {
        // posthog-python's alias(previous_id="old", distinct_id="new") sends exactly this.
        let m = try parse(#"""
            {"event":"$create_alias","distinct_id":"old","properties":{"distinct_id":"old","alias":"new","$lib":"posthog-python"}},
            {"event":"$create_alias","distinct_id":"anon-7","properties":{"$is_identified":false,"alias":"u7"}}
            """#)
        #expect(m[0].kind == .alias && m[0].userId == "new" && m[0].previousId == "old" && m[0].anonymousId == nil)
        #expect(m[1].userId == "u7" && m[1].previousId == "anon-7" && m[1].anonymousId == nil)
        #expect(throws: IngestError.self) { try parse(#"{"event":"$create_alias","distinct_id":"old","properties":{"alias":""}}"#) }
        #expect(throws: IngestError.self) { try parse(#"{"event":"$create_alias","distinct_id":"old","properties":{}}"#) }
    }

    @Test func traitChangesReadBackFromTheirJSON() throws {
        let changes = TraitChanges(set: ["a": 1], setOnce: ["b": "x"], unset: ["c"])
        #expect(JSONWriter.string(changes.json) == #"{"$set":{"a":1},"$set_once":{"b":"x"},"$unset":["c"]}"#)
        #expect(TraitChanges(json: changes.json) == changes)
        #expect(TraitChanges().json == .object([:]))
        let decoded = try JSONDecoder().decode(TraitChanges.self, from: JSONEncoder().encode(changes))
        #expect(decoded == changes)
    }
}
