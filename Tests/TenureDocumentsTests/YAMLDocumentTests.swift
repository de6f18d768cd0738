import Foundation
import TenureCore
import TenureDocuments
import Testing

@Suite("YAML documents")
struct YAMLDocumentTests {
    @Test("plain scalars are typed as in JSON, never by YAML 1.1's wider rules")
    func typing() throws {
        let value = try YAMLDocument.parse("""
            a: 10:30
            b: yes
            c: on
            d: 2026-12-01
            e: 12
            f: -1.5e3
            g: ~
            h:
            i: true
            j: "12"
            k: 'true'
            l: 0x1F
            m: .5
            n: 1.
            o: .inf
            p: 1_000
            """)
        let o = try #require(value.objectValue)
        #expect(o["a"] == .string("10:30"))
        #expect(o["b"] == .string("yes"))
        #expect(o["c"] == .string("on"))
        #expect(o["d"] == .string("2026-12-01"))
        #expect(o["e"] == .number(12))
        #expect(o["f"] == .number(-1500))
        #expect(o["g"] == .null)
        #expect(o["h"] == .null)
        #expect(o["i"] == .bool(true))
        #expect(o["j"] == .string("12"))
        #expect(o["k"] == .string("true"))
        #expect(o["l"] == .string("0x1F"))
        #expect(o["m"] == .number(0.5))
        #expect(o["n"] == .number(1))
        #expect(o["o"] == .string(".inf"))
        #expect(o["p"] == .string("1_000"))
    }

    @Test("explicit tags are honoured or refused by name")
    func tags() throws {
        let o = try #require(try YAMLDocument.parse("a: !!str 12\nb: !!int 7\nc: !!bool false\n").objectValue)
        #expect(o["a"] == .string("12"))
        #expect(o["b"] == .number(7))
        #expect(o["c"] == .bool(false))
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("a: !!int seven\n") }
        let error = #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("a: !custom x\n") }
        #expect(error?.message.contains("!custom") == true)
    }

    @Test("a repeated key is refused with the line of its mapping")
    func duplicateKeys() throws {
        let error = try #require(#expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("steps:\n  - id: a\n    send: {}\n    id: b\n") })
        #expect(error.line == 2)
        #expect(error.description.contains("\"id\""))
    }

    @Test("a syntax error names its line and column")
    func syntaxError() throws {
        let error = try #require(#expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("name: x\nsteps:\n  - id: a\n   bad: [1, 2\n") })
        #expect(error.line != nil)
        #expect(error.column != nil)
        #expect(error.description.hasPrefix("line "))
    }

    @Test("aliases expand, but a billion laughs is refused before it is built")
    func aliases() throws {
        let small = try YAMLDocument.parse("base: &b {channel: webhook, template: t}\ncopy: *b\n")
        #expect(small.objectValue?["copy"] == small.objectValue?["base"])
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = i == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h"][i - 1]
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let error = try #require(#expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse(bomb) })
        #expect(error.message.contains("\(YAMLDocument.maximumValues)"))
    }

    @Test("merge keys, deep nesting, empty and oversized documents are refused")
    func limits() {
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("a: &a {x: 1}\nb:\n  <<: *a\n") }
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) }
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("") }
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse("a: \"" + String(repeating: "x", count: YAMLDocument.maximumBytes) + "\"") }
        #expect(throws: YAMLDocumentError.self) { try YAMLDocument.parse(Data([0x61, 0x3A, 0x20, 0xFF, 0xFE])) }
    }

    @Test("what the writer writes reads back as the same value, for hostile strings too")
    func roundTrip() throws {
        var generator = SplitMix(seed: 7)
        let pieces = ["", " ", "a", "Z", "0", "1.5", "-", ":", ": ", "#", " #", "'", "\"", "\\", "\n", "\t", "yes", "null", "~", "true",
                      "é", "日本", "🙂", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", "?", "\u{0}", "\u{7F}", "\u{2028}"]
        for _ in 0..<500 {
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let key = (0..<Int(generator.next() % 4)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
                let text = (0..<Int(generator.next() % 5)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
                let number = Double(Int64(generator.next() % 2_000_001) - 1_000_000) / 8
                members[key] = [.string(text), .number(number), .array([.string(text), .null, .bool(true)]), .object(["k": .string(text)]), .array([])][Int(generator.next() % 5)]
            }
            let value = JSONValue.object(members)
            let text = YAMLWriter.string(value)
            #expect(try YAMLDocument.parse(text) == value, "\(text)")
        }
    }
}

/// A small deterministic generator for the property tests (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
