import Foundation
import Testing

@testable import TenureCore

/// The writer copies runs of plain bytes at once; these check it against a byte-at-a-time
/// reference, and check the bound the event-size limit relies on (`maximumExpansion`).
@Suite struct JSONWriterTests {
    /// What `writeString` wrote before it copied runs: one byte at a time.
    private func reference(_ s: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in s.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    private func randomString(_ generator: inout some RandomNumberGenerator) -> String {
        let pieces: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "東京", "🚀", "/", "order_id"]
        let count = Int.random(in: 0...40, using: &generator)
        return (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func stringsMatchTheByteAtATimeWriter() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let s = randomString(&generator)
            var fromString: [UInt8] = []
            JSONWriter.writeString(s, into: &fromString)
            // A sequence without contiguous storage takes the same path.
            var fromSequence: [UInt8] = []
            JSONWriter.writeString(utf8: s.utf8.lazy.map { $0 }, into: &fromSequence)
            #expect(fromString == reference(s))
            #expect(fromSequence == reference(s))
            #expect(try JSONParser.parse(Data(fromString)) == .string(s))
        }
    }

    @Test func writtenTextIsAtMostFiveTimesTheTextRead() throws {
        // Every number of up to 4 characters, and the longest-growing strings and numbers.
        let characters = Array("0123456789-.eE+")
        var numbers: [String] = [""]
        for _ in 0..<4 { numbers = numbers + numbers.flatMap { prefix in characters.map { prefix + String($0) } } }
        let valid = Set(numbers).filter { !$0.isEmpty && (try? JSONParser.parse(Data($0.utf8))) != nil }
        #expect(valid.contains("1e15") && valid.contains("-0"))
        let worst = [
            #"1e14"#, #"-1e14"#, #"9e15"#, #"1E9"#, #"5e-4"#, #"1e-5"#, #"1e15"#, #"1.5e300"#, #"0.1e1"#, #"-0"#, #""\b""#, #""\f\b""#,
            #""\u0000""#, #""\/""#, #"{"a":1e14,"a":2}"#, #"[1e14,1e13,"\b"]"#, #"{ "k" : [ true , null ] }"#,
        ]
        var generator = SystemRandomNumberGenerator()
        let random = (0..<500).map { _ in
            "[" + (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                ["1e\(Int.random(in: 0...14, using: &generator))", "\(Int.random(in: -999...999, using: &generator))e-\(Int.random(in: 0...9, using: &generator))",
                 #""\b\f""#, #""\u00e9\ud83d\ude00""#, "0.\(Int.random(in: 0...99999, using: &generator))"].randomElement(using: &generator)!
            }.joined(separator: ",") + "]"
        }
        for text in valid.sorted() + worst + random {
            let written = JSONWriter.bytes(try JSONParser.parse(Data(text.utf8)))
            #expect(written.count <= JSONWriter.maximumExpansion * text.utf8.count, "\(text) → \(String(decoding: written, as: UTF8.self))")
        }
    }
}
