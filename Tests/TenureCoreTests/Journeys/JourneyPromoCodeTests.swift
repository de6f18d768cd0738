import Foundation
import Testing
import TenureCore

@Suite("Journey promo codes: document, engine, payload, upload lists")
struct JourneyPromoCodeTests {
    func parse(_ steps: String) throws(JourneyDefinitionError) -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(#"{"name": "J", "trigger": {"event": "A"}, "steps": \#(steps)}"#.utf8))
    }

    @Test("a pool step and a generated step read into the definition, with defaults, and their canonical form reads back equal")
    func roundTrip() throws {
        let journey = try parse(#"""
            [{"id": "code", "promo_code": {"pool": "WINBACK20", "expires_days": 14, "offer": "20% off your next order"}},
             {"id": "gen", "promo_code": {"generate": {"prefix": "WB-", "length": 8}}},
             {"id": "bare", "promo_code": {"generate": {"length": 6}}},
             {"id": "send", "send": {"channel": "webhook", "template": "offer"}}]
            """#)
        #expect(journey.steps.map(\.kind) == ["promo_code", "promo_code", "promo_code", "send"])
        #expect(journey.steps[0].action == .promoCode(JourneyPromoCode(.pool("WINBACK20"), expiresDays: 14, offer: "20% off your next order")))
        #expect(journey.steps[1].action == .promoCode(JourneyPromoCode(.generate(prefix: "WB-", length: 8), expiresDays: 30)))
        #expect(journey.steps[2].action == .promoCode(JourneyPromoCode(.generate(prefix: "", length: 6))))
        let again = try JourneyDefinition(jsonData: journey.jsonData)
        #expect(again == journey)
        #expect(again.jsonData == journey.jsonData)
        let written = try #require(journey.json["steps"]?.arrayValue?[0].objectValue?["promo_code"])
        #expect(written == ["pool": "WINBACK20", "expires_days": 14, "offer": "20% off your next order"])
    }

    @Test("every refusal of a promo_code step names the step and the field", arguments: [
        (#"{"pool": "P", "generate": {"length": 8}}"#, #"steps[1] "code".promo_code"#),
        (#"{"expires_days": 30}"#, #"steps[1] "code".promo_code"#),
        (#"{"pool": ""}"#, #"steps[1] "code".promo_code.pool"#),
        (#"{"pool": 7}"#, #"steps[1] "code".promo_code.pool"#),
        (#"{"pool": "P", "expires_days": 0}"#, #"steps[1] "code".promo_code.expires_days"#),
        (#"{"pool": "P", "expires_days": 3651}"#, #"steps[1] "code".promo_code.expires_days"#),
        (#"{"pool": "P", "expires_days": 2.5}"#, #"steps[1] "code".promo_code.expires_days"#),
        (#"{"pool": "P", "offer": "\#(String(repeating: "x", count: 201))"}"#, #"steps[1] "code".promo_code.offer"#),
        (#"{"pool": "P", "offer": 20}"#, #"steps[1] "code".promo_code.offer"#),
        (#"{"pool": "P", "expiry": 30}"#, #"steps[1] "code".promo_code.expiry"#),
        (#"{"generate": {"prefix": "WB-", "length": 5}}"#, #"steps[1] "code".promo_code.generate.length"#),
        (#"{"generate": {"prefix": "WB-", "length": 33}}"#, #"steps[1] "code".promo_code.generate.length"#),
        (#"{"generate": {"prefix": "WB-"}}"#, #"steps[1] "code".promo_code.generate.length"#),
        (#"{"generate": {"prefix": "WB 20", "length": 8}}"#, #"steps[1] "code".promo_code.generate.prefix"#),
        (#"{"generate": {"prefix": "ABCDEFGHIJKLMNOPQRSTU", "length": 8}}"#, #"steps[1] "code".promo_code.generate.prefix"#),
        (#"{"generate": {"prefix": "WB-", "length": 8, "charset": "hex"}}"#, #"steps[1] "code".promo_code.generate.charset"#),
        (#"{"generate": 8}"#, #"steps[1] "code".promo_code.generate"#),
        (#""WINBACK20""#, #"steps[1] "code".promo_code"#),
    ])
    func refusals(promo: String, path: String) {
        do {
            _ = try parse(#"[{"id": "first", "send": {"channel": "webhook", "template": "t"}}, {"id": "code", "promo_code": \#(promo)}]"#)
            Issue.record("accepted: \(promo)")
        } catch {
            #expect(error.path == path, "\(error)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test("a definition built in code is checked the same way")
    func codeBuiltDefinition() {
        let journey = JourneyDefinition(
            name: "J", trigger: .event(name: "A", filter: []),
            steps: [JourneyStep(id: "code", .promoCode(JourneyPromoCode(.generate(prefix: "ok", length: 40))))])
        #expect(throws: JourneyDefinitionError(at: #"steps[0] "code".promo_code.generate.length"#, "a generated code has 6 to 32 random characters")) {
            try journey.validate()
        }
    }

    @Test("the engine gives the code as an effect numbered like a message, then goes on to the send")
    func engineEffect() throws {
        let journey = try parse(#"""
            [{"id": "code", "promo_code": {"pool": "WINBACK20"}},
             {"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]
            """#)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let run = JourneyEngine(journey).advance(
            JourneyProgress(enteredAt: now), context: .init(now: now, timeZone: TimeZone(identifier: "UTC")!, enrolmentKey: "1", condition: { _ in false }))
        #expect(run.state == .completed && run.reached == [0, 1])
        #expect(run.effects == [
            .promoCode(step: 0, sequence: 1, JourneyPromoCode(.pool("WINBACK20"))),
            .send(step: 1, sequence: 2, JourneySend(channel: "webhook", template: "offer")),
        ])
        #expect(run.effects.map(\.sequence) == [1, 2] && run.effects.map(\.step) == [0, 1])
    }

    @Test("the message payload carries the code, its expiry and its offer; without a code it has no promo_code")
    func payload() {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let issued = JourneyPromoCode.Issued(code: "WB-ABCD2345", expiresAt: at.addingTimeInterval(30 * 86_400), offer: "20% off")
        let with = JourneyMessagePayload.make(
            key: "k", journey: "J", version: 1, step: "offer", send: JourneySend(channel: "webhook", template: "t"), userId: "u", traits: [:],
            trigger: .null, createdAt: at, promoCode: issued)
        #expect(with["promo_code"] == ["code": "WB-ABCD2345", "expires_at": .string(ISO8601Timestamp.format(at.addingTimeInterval(30 * 86_400))), "offer": "20% off"])
        let without = JourneyMessagePayload.make(
            key: "k", journey: "J", version: 1, step: "offer", send: nil, userId: "u", traits: [:], trigger: .null, createdAt: at)
        #expect(without.objectValue?["promo_code"] == nil)
    }

    /// A generator that always draws the same word, to pin the alphabet's mapping.
    struct Constant: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value }
    }

    @Test("generated codes use the alphabet without 0, O, 1 and I, after the prefix, at the length asked")
    func generated() {
        #expect(JourneyPromoCode.alphabet.count == 32)
        #expect(!JourneyPromoCode.alphabet.contains { "0O1I".contains($0) })
        var zero = Constant(value: 0)
        #expect(JourneyPromoCode.generate(prefix: "WB-", length: 6, using: &zero) == "WB-AAAAAA")
        var last = Constant(value: 31)
        #expect(JourneyPromoCode.generate(prefix: "", length: 8, using: &last) == "99999999")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let code = JourneyPromoCode.generate(prefix: "X_", length: 10, using: &random)
            #expect(code.count == 12 && code.hasPrefix("X_"))
            #expect(code.dropFirst(2).allSatisfy(JourneyPromoCode.alphabet.contains))
        }
        #expect(JourneyPromoCode.normalized("  wb-abc \n") == "WB-ABC")
    }

    @Test("an upload file: one code per line, blank lines skipped, trimmed; or a CSV's first column under its code header")
    func uploadLists() throws {
        let plain = try PromoCodeList(text: "AAA\n\n  BBB  \r\nCCC\n")
        #expect(plain.entries == [.init(line: 1, code: "AAA"), .init(line: 3, code: "BBB"), .init(line: 4, code: "CCC")])
        let csv = try PromoCodeList(text: "Code,discount\nAAA,20\n\"B,B\",10\n\nCCC\n")
        #expect(csv.entries == [.init(line: 2, code: "AAA"), .init(line: 3, code: "B,B"), .init(line: 5, code: "CCC")])
        let list = try PromoCodeList(codes: ["x1", " y2 "])
        #expect(list.entries.map(\.code) == ["x1", "y2"] && list.unit == "item")
    }

    @Test("an upload refuses a duplicate (ignoring case) with both lines, a code too long or unprintable with its line, and too many codes", arguments: [
        ("A\nB\n\na\n", 4, "line 1"),
        ("code\nX\nX\n", 3, "line 2"),
        ("A\n" + String(repeating: "x", count: 65) + "\n", 2, "64"),
        ("A\nB\u{7}C\n", 2, "printable"),
    ])
    func uploadRefusals(text: String, line: Int, mentions: String) {
        do {
            _ = try PromoCodeList(text: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(mentions), "\(error)")
            #expect(error.description.hasPrefix("line \(line):"))
        }
    }

    @Test("at most a million codes per upload")
    func uploadLimit() {
        // Refused before any code is read, so the same code a million times does not matter.
        let codes = [String](repeating: "C", count: PromoCodeList.maximumCodes + 1)
        #expect(throws: PromoCodeListError.self) { try PromoCodeList(codes: codes) }
        do {
            _ = try PromoCodeList(codes: codes)
        } catch {
            #expect(error.line == PromoCodeList.maximumCodes + 1 && error.message.contains("1000000"))
        }
    }

    @Test("the report's redemption rate is redeemed over issued, and absent before any code")
    func reportCounts() {
        #expect(JourneyReport.PromoCodes().redemptionRate == nil)
        #expect(JourneyReport.PromoCodes(issued: 4, redeemed: 1).redemptionRate == 0.25)
    }
}
