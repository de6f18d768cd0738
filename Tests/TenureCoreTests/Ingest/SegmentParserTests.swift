import Foundation
import Testing
import TenureCore

@Suite struct SegmentParserTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func parse(_ json: String, kind: Message.Kind? = nil, limits: IngestLimits = .segment) throws(IngestError) -> IngestRequest {
        try SegmentParser.parse(body: Data(json.utf8), kind: kind, receivedAt: now, limits: limits)
    }

    /// The error that refused the request, or else the first record the value policy refused.
    func error(_ json: String, kind: Message.Kind? = nil, limits: IngestLimits = .segment) -> IngestError? {
        do {
            return try parse(json, kind: kind, limits: limits).rejected.first
        } catch {
            return error
        }
    }

    @Test func trackCall() throws {
        let request = try parse(
            #"{"userId":"u1","event":"Order Completed","properties":{"total":12.5},"timestamp":"2026-05-01T10:00:00Z","messageId":"m1","writeKey":"k"}"#,
            kind: .track)
        #expect(request.writeKey == "k")
        let message = try #require(request.messages.first)
        #expect(message.kind == .track && message.name == "Order Completed" && message.userId == "u1" && message.messageId == "m1")
        #expect(message.properties["total"] == 12.5)
        #expect(message.timestamp == ISO8601Timestamp.parse("2026-05-01T10:00:00Z"))
        #expect(message.receivedAt == now)
    }

    @Test func batchMergesContextAndIntegrations() throws {
        let request = try parse(
            #"{"batch":[{"type":"identify","anonymousId":"a1","traits":{"email":"x@y.z"},"context":{"ip":"1.2.3.4"}},{"type":"page","userId":"u1","name":"Home"}],"context":{"library":{"name":"analytics-python"},"ip":"9.9.9.9"},"integrations":{"All":true}}"#
        )
        #expect(request.messages.count == 2)
        #expect(request.messages[0].context["ip"] == "1.2.3.4")
        #expect(request.messages[0].context["library"] == ["name": "analytics-python"])
        #expect(request.messages[1].context["ip"] == "9.9.9.9")
        #expect(request.messages[1].context["integrations"] == ["All": true])
        #expect(request.messages[0].traits["email"] == "x@y.z")
        #expect(request.messages[1].name == "Home")
    }

    @Test func numericIdsBecomeStrings() throws {
        let message = try #require(try parse(#"{"userId":12345,"traits":{}}"#, kind: .identify).messages.first)
        #expect(message.userId == "12345")
    }

    @Test func missingMessageIdIsGenerated() throws {
        let a = try parse(#"{"userId":"u","event":"x"}"#, kind: .track).messages[0]
        let b = try parse(#"{"userId":"u","event":"x"}"#, kind: .track).messages[0]
        #expect(!a.messageId.isEmpty && a.messageId != b.messageId)
    }

    @Test func clockSkewIsCorrected() throws {
        // The client's clock is 60 s fast: it says it sent at now+60 an event from now+30.
        let sent = ISO8601Timestamp.format(now.addingTimeInterval(60))
        let original = ISO8601Timestamp.format(now.addingTimeInterval(30))
        let message = try parse(#"{"userId":"u","event":"x","originalTimestamp":"\#(original)","sentAt":"\#(sent)"}"#, kind: .track).messages[0]
        #expect(abs(message.timestamp.timeIntervalSince(now.addingTimeInterval(-30))) < 0.01)
    }

    @Test func missingIdsAreRefused() throws {
        let e = try #require(error(#"{"batch":[{"type":"track","userId":"u","event":"a"},{"type":"track","event":"b"}]}"#))
        #expect(e.code == .noUserAnonId && e.index == 1)
        #expect(e.message.contains("batch item 1"))
        #expect(error(#"{"event":"a","userId":""}"#, kind: .track)?.code == .noUserAnonId)
    }

    @Test func badTimestampsAreRefused() throws {
        let e = try #require(error(#"{"userId":"u","event":"a","timestamp":"last tuesday"}"#, kind: .track))
        #expect(e.code == .invalidTimestamp && e.field == "timestamp" && e.message.contains("last tuesday"))
        #expect(error(#"{"userId":"u","event":"a","timestamp":1714566600}"#, kind: .track)?.code == .invalidTimestamp)
        #expect(error(#"{"userId":"u","event":"a","timestamp":"1850-01-01T00:00:00Z"}"#, kind: .track)?.code == .invalidTimestamp)
        let future = ISO8601Timestamp.format(now.addingTimeInterval(3 * 86_400))
        #expect(error(#"{"userId":"u","event":"a","timestamp":"\#(future)"}"#, kind: .track)?.code == .invalidTimestamp)
        #expect(error(#"{"batch":[{"type":"track","userId":"u","event":"a","sentAt":"nope"}]}"#)?.index == 0)
    }

    @Test func malformedBodiesAreRefused() {
        #expect(error("not json", kind: .track)?.code == .invalidJSON)
        #expect(error("[1,2]", kind: .track)?.code == .invalidJSON)
        #expect(error(#"{"batch":{}}"#)?.code == .invalidField)
        #expect(error(#"{"nobatch":[]}"#)?.code == .missingField)
        #expect(error(#"{"batch":[{"type":"explode","userId":"u"}]}"#)?.code == .invalidType)
        #expect(error(#"{"batch":[{"userId":"u"}]}"#)?.code == .missingField)
        #expect(error(#"{"userId":"u"}"#, kind: .track)?.field == "event")
        #expect(error(#"{"userId":"u","event":"a","properties":[1]}"#, kind: .track)?.field == "properties")
        #expect(error(#"{"userId":["u"],"event":"a"}"#, kind: .track)?.field == "userId")
        #expect(error(#"{"userId":"u"}"#, kind: .group)?.field == "groupId")
        #expect(error(#"{"userId":"u"}"#, kind: .alias)?.field == "previousId")
        #expect(error(#"{"previousId":"p"}"#, kind: .alias)?.code == .noUserAnonId)
    }

    @Test func limitsAreEnforcedAndNamed() throws {
        let big = String(repeating: "x", count: 33 * 1024)
        let tooBig = try #require(error(#"{"batch":[{"type":"track","userId":"u","event":"a"},{"type":"track","userId":"u","event":"a","properties":{"p":"\#(big)"}}]}"#))
        #expect(tooBig.code == .eventTooLarge && tooBig.index == 1 && tooBig.message.contains("32 KB"))
        #expect(error(#"{"userId":"u","event":"a","properties":{"p":"\#(big)"}}"#, kind: .track)?.code == .eventTooLarge)

        let item = #"{"type":"track","userId":"u","event":"a"}"#
        let many = "{\"batch\":[" + Array(repeating: item, count: 2_501).joined(separator: ",") + "]}"
        let tooMany = try #require(error(many))
        #expect(tooMany.code == .batchTooLarge && tooMany.message.contains("2500"))
        let allowed = "{\"batch\":[" + Array(repeating: item, count: 2_500).joined(separator: ",") + "]}"
        #expect(try parse(allowed).messages.count == 2_500)

        let huge = "{\"batch\":[" + Array(repeating: #"{"type":"track","userId":"u","event":"a","properties":{"p":"\#(String(repeating: "y", count: 20_000))"}}"#, count: 30).joined(separator: ",") + "]}"
        let tooLarge = try #require(error(huge))
        #expect(tooLarge.code == .requestTooLarge && tooLarge.message.contains("500 KB"))
    }

    @Test func eventSizeIsMeasuredOnTheWrittenJSON() throws {
        // Whitespace does not count: 40 KB sent, a few bytes written.
        let padded = #"{"type":"track","userId":"u","event":"a","properties":{"p":1"# + String(repeating: " ", count: 40_000) + "}}"
        #expect(try parse("{\"batch\":[\(padded)]}").messages.count == 1)
        // An escape can write longer than it was sent: 24 KB of `\b` is written as 72 KB of `\u0008`.
        let escapes = #"{"type":"track","userId":"u","event":"a","properties":{"p":""# + String(repeating: #"\b"#, count: 12_000) + #""}}"#
        let e = try #require(error("{\"batch\":[\(escapes)]}"))
        #expect(e.code == .eventTooLarge && e.index == 0 && e.message.contains("is 72"))
    }

    @Test func objectsKeepTheTextTheClientSent() throws {
        let request = try parse(
            #"{"batch":[{"type":"track","userId":"u","event":"Order Completed","properties":{"order_id":"o1","total":12.50,"currency":"USD","items":[{"sku":"é"}]},"context":{"ip":"1.2.3.4"}},"#
                + #"{"type":"identify","userId":"u","traits": { "name" : "Zoë Q" , "plan":"pro" } },"#
                + #"{"type":"track","userId":"u","event":"x","properties":{"note":"say \"hi\""}}]}"#)
        let order = request.messages[0], identify = request.messages[1], escaped = request.messages[2]
        #expect(order.propertiesJSON == #"{"order_id":"o1","total":12.50,"currency":"USD","items":[{"sku":"é"}]}"#)
        #expect(order.contextJSON == #"{"ip":"1.2.3.4"}"#)
        #expect(identify.traitsJSON == #"{"name":"Zoë Q","plan":"pro"}"#)
        // With escapes the store writes the value itself, so every key reads as `JSONWriter` spells it.
        #expect(escaped.propertiesJSON == nil && escaped.properties["note"] == #"say "hi""#)
        for (text, value) in [(order.propertiesJSON, order.properties), (order.contextJSON, order.context), (identify.traitsJSON, identify.traits)] {
            #expect(try JSONParser.parse(Data(try #require(text).utf8)) == .object(value))
        }
    }

    @Test func mergedContextIsNotTheTextSent() throws {
        let request = try parse(
            #"{"batch":[{"type":"track","userId":"u","event":"a","context":{"ip":"1.2.3.4"}},{"type":"track","userId":"u","event":"b","context":{"ip":"1.2.3.4"},"integrations":{"All":false}}],"#
                + #""context":{"locale":"fr"}}"#)
        #expect(request.messages.allSatisfy { $0.contextJSON == nil })
        #expect(request.messages[0].context == ["ip": "1.2.3.4", "locale": "fr"])
        #expect(try parse(#"{"userId":"u","event":"a","context":{"ip":"1"},"integrations":{"All":true}}"#, kind: .track).messages[0].contextJSON == nil)
    }

    @Test func changingAnObjectForgetsItsText() throws {
        var message = try parse(#"{"userId":"u","event":"a","properties":{"total":1}}"#, kind: .track).messages[0]
        #expect(message.propertiesJSON == #"{"total":1}"#)
        message.properties["total"] = 2
        #expect(message.propertiesJSON == nil)
    }

    @Test func duplicateMembersKeepTheLastValue() throws {
        let message = try parse(
            #"{"batch":[{"type":"track","userId":"first","event":"a","userId":"last","properties":{"a":1},"properties":{"b":2}}],"batch":[{"type":"track","userId":"u2","event":"b"}]}"#
        ).messages
        #expect(message.count == 1 && message[0].userId == "u2")
        let single = try parse(#"{"userId":"first","event":"a","userId":"last","properties":{"a":1},"properties":{"b":2}}"#, kind: .track).messages[0]
        #expect(single.userId == "last" && single.properties == ["b": 2] && single.propertiesJSON == #"{"b":2}"#)
    }

    @Test func overlongIdentifiersAreRefused() {
        let long = String(repeating: "u", count: 600)
        #expect(error(#"{"userId":"\#(long)","event":"a"}"#, kind: .track)?.field == "userId")
    }

    @Test func segmentJSONRoundTrips() throws {
        let original = Message(
            kind: .track, messageId: "m-1", userId: "u", anonymousId: "a", name: "Order Completed",
            timestamp: Date(timeIntervalSince1970: 1_700_000_000.5), receivedAt: now,
            properties: ["total": 10, "products": [["sku": "s1", "price": 5, "quantity": 2]]], context: ["ip": "1.1.1.1"])
        let body = Data(JSONWriter.string(original.segmentJSON).utf8)
        let back = try SegmentParser.parse(body: body, kind: .track, receivedAt: now).messages[0]
        #expect(back == original)
    }
}

@Suite struct PostHogParserTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func batchMapsEventsToSegmentKinds() throws {
        let body = #"""
            {"api_key":"phc_1","batch":[
              {"event":"$pageview","distinct_id":"anon-1","properties":{"$pathname":"/home","$is_identified":false},"timestamp":"2026-05-01T10:00:00Z","uuid":"p1"},
              {"event":"$identify","distinct_id":"user-1","properties":{"$anon_distinct_id":"anon-1","$set":{"email":"a@b.c"}},"uuid":"p2"},
              {"event":"Order Completed","distinct_id":"user-1","properties":{"total":9.5},"uuid":"p3"},
              {"event":"$create_alias","distinct_id":"user-1","properties":{"alias":"user-2"},"uuid":"p4"}
            ]}
            """#
        let request = try PostHogParser.parse(body: Data(body.utf8), receivedAt: now)
        #expect(request.writeKey == "phc_1")
        let m = request.messages
        #expect(m.map(\.kind) == [.page, .identify, .track, .alias])
        #expect(m[0].anonymousId == "anon-1" && m[0].userId == nil && m[0].name == "/home" && m[0].messageId == "p1")
        #expect(m[1].userId == "user-1" && m[1].anonymousId == "anon-1" && m[1].traits["email"] == "a@b.c")
        #expect(m[2].name == "Order Completed" && m[2].properties["total"] == 9.5)
        // `alias` is the id the person is known by from now on; `distinct_id` the earlier one.
        #expect(m[3].previousId == "user-1" && m[3].userId == "user-2")
    }

    @Test func singleEventAndErrors() throws {
        let single = try PostHogParser.parse(
            body: Data(#"{"api_key":"k","event":"signed up","properties":{"distinct_id":"u9"}}"#.utf8), receivedAt: now)
        #expect(single.messages.first?.userId == "u9")
        #expect(throws: IngestError.self) { try PostHogParser.parse(body: Data(#"{"api_key":"k","event":"x"}"#.utf8), receivedAt: now) }
        #expect(throws: IngestError.self) { try PostHogParser.parse(body: Data(#"{"api_key":"k","distinct_id":"u"}"#.utf8), receivedAt: now) }
    }
}
