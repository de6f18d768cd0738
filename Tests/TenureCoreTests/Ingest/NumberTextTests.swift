import Foundation
import Testing

@testable import TenureCore

/// The bulk importer reads and writes numbers without `String`s; these check it against the
/// standard library's own reading (`Double(String)`) and writing (`description`).
@Suite struct NumberTextTests {
    private func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { DecimalText.parse(UnsafeRawBufferPointer($0)) }
    }

    private func written(_ n: Double) -> String {
        var out: [UInt8] = []
        JSONWriter.writeNumber(n, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// What `writeNumber` wrote before it had its own digit writers.
    private func reference(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
    }

    @Test func readsNumbersExactlyAsDoubleDoes() {
        let fixed = [
            "0", "-0", "+3", "5.", ".5", "-.5", "1e3", "1E-7", "00012.50", "9007199254740993", "9007199254740992.5", "0.1", "0.3",
            "123456789.123456789", "99999999999999999999", "1234567890123456789", "-", "+", "", ".", "abc", " 5", "5 ", "1.2.3", "0x10",
            "inf", "nan", "-1.7976931348623157e308", "4.9e-324", "0.0000000000000000000001", "12345.6789012345678901234",
        ]
        for text in fixed {
            #expect(parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<30_000 {
            let digits = Int.random(in: 1...20, using: &random)
            var text = Bool.random(using: &random) ? "-" : ""
            var body = (0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &random))) }
            if Bool.random(using: &random) { body.insert(".", at: Int.random(in: 0...digits, using: &random)) }
            text += String(body)
            #expect(parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func writesNumbersAsTheStandardLibraryDoes() {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [0.5, -0.5, 0.001, 0.00099, 6.62, 114, 1e15 - 0.5, 999_999_999_999.99, 0.1 + 0.2, 1.0 / 3, -0.0, 1e-3, 123.456]
        for _ in 0..<30_000 {
            // Money-like decimals, of every length and scale…
            let mantissa = Double(Int64.random(in: 1...999_999_999_999_999, using: &random))
            values.append(mantissa / pow(10, Double(Int.random(in: 0...18, using: &random))) * (Bool.random(using: &random) ? 1 : -1))
            // …and arbitrary doubles.
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random)))
        }
        for n in values where !n.isNaN {
            #expect(written(n) == reference(n), "\(n)")
        }
    }
}
