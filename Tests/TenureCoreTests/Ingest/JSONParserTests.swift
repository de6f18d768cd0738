import Foundation
import Testing
import TenureCore

@Suite struct JSONParserTests {
    @Test func readsEveryKindOfValue() throws {
        let value = try JSONParser.parse(Data(#"{"a":[1,-2.5,3e2,true,false,null],"b":{"c":"d"},"e":""}"#.utf8))
        #expect(value == ["a": [1, -2.5, 300, true, false, nil], "b": ["c": "d"], "e": ""])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(Data(#"["\"\\\/\b\f\n\r\t", "\u00e9\ud83d\ude00", "caf\u00E9"]"#.utf8))
        #expect(value == ["\"\\/\u{08}\u{0C}\n\r\t", "é😀", "café"])
    }

    @Test func keepsNonASCIIText() throws {
        #expect(try JSONParser.parse(Data(#"{"name":"Zoë 東京 🚀"}"#.utf8)) == ["name": "Zoë 東京 🚀"])
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru", "\"abc", "{\"a\":1}x",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "[1 2]", "{'a':1}", "\"a\u{01}b\"",
    ])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Data(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // "\xC3(" — a broken two-byte sequence
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Data(bytes)) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Data(deep.utf8)) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONParser.parse(Data(ok.utf8))) != nil)
    }

    @Test func errorsSayWhere() {
        do {
            _ = try JSONParser.parse(Data(#"{"a": tru}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 6)
        }
    }

    @Test func writerRoundTrips() throws {
        let value: JSONValue = ["z": [1, 2.5, "x\"y\n"], "a": ["b": nil, "c": true], "u": "é\u{01}"]
        let text = JSONWriter.string(value)
        #expect(text == #"{"a":{"b":null,"c":true},"u":"é\u0001","z":[1,2.5,"x\"y\n"]}"#)
        #expect(try JSONParser.parse(Data(text.utf8)) == value)
    }
}
