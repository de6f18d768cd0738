import Foundation

/// Header text as RFC 5322 and RFC 2047 want it: unstructured text folded at spaces to lines of
/// at most 78 characters, non-ASCII (or text that would read as an encoded-word) as
/// `=?UTF-8?B?…?=` words split on character boundaries, display names quoted, dates in
/// RFC 5322 form.
public enum EmailHeaderEncoding {
    /// The longest line a header may have (RFC 5322 §2.1.1's "SHOULD").
    public static let lineLimit = 78

    /// CR, LF and the other C0 controls but tab, and DEL: refused in every header field.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 32 && scalar != "\t") || scalar.value == 127 || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    /// Whether text may go in a header as it is: printable ASCII (and spaces) with no word longer
    /// than fits on a folded line, and nothing that a reader would decode as an encoded-word.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !text.contains("=?")
            && text.split(separator: " ").allSatisfy { $0.utf8.count <= 70 }
    }

    /// `Name: value` with CRLF line ends, folded: `tokens` joined by single spaces, each space
    /// a possible fold. A token longer than a line stays whole (RFC 5322 allows 998).
    static func field(_ name: String, tokens: [String]) -> String {
        var out = name + ":"
        var column = out.utf8.count
        for token in tokens {
            let length = token.utf8.count
            // Folds before a token that does not fit, even the first (then the value starts on
            // the next line, which unfolding joins back).
            if column + 1 + length > lineLimit {
                out += "\r\n"
                column = 0
            }
            out += " " + token
            column += 1 + length
        }
        return out + "\r\n"
    }

    /// The tokens of unstructured text (a subject, an extra header): the text's own words when
    /// plain, otherwise encoded-words of at most 75 characters each.
    static func unstructuredTokens(_ text: String, header name: String) -> [String] {
        if isPlain(text) { return text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) }
        return encodedWords(text, header: name)
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters (45 bytes of UTF-8 each; the first one
    /// shorter, to fit beside `name: `), never splitting a character's bytes between two words
    /// (RFC 2047 §5).
    static func encodedWords(_ text: String, header name: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        let firstRoom = (lineLimit - name.utf8.count - 2 - 12) / 4 * 3
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            let room = words.isEmpty && firstRoom >= 4 ? min(45, firstRoom) : 45
            if chunk.count + bytes.count > room, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// A mailbox's tokens: `"Name" <address>`, or encoded-words then `<address>` for a name that
    /// is not plain ASCII; `<address>` alone without a name.
    static func mailboxTokens(_ mailbox: EmailAddress, header: String) -> [String] {
        guard let name = mailbox.name else { return ["<" + mailbox.address + ">"] }
        if isPlain(name) {
            let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return quoted.split(separator: " ", omittingEmptySubsequences: false).map(String.init) + ["<" + mailbox.address + ">"]
        }
        return encodedWords(name, header: header) + ["<" + mailbox.address + ">"]
    }

    /// RFC 5322 §3.3: `Fri, 04 Dec 2026 20:54:41 +0000`, in UTC. Total: times before 1900 or
    /// after 9999 are clamped to those years' ends.
    public static func date(_ date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let seconds: Int64 = raw.isFinite ? Int64(max(-2_208_988_800, min(253_402_300_799, raw.rounded(.down)))) : 0
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's days_from_civil inverse (civil_from_days).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = Int(((days % 7) + 7 + 4) % 7)  // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(names[weekday]), \(two(day)) \(months[Int(month - 1)]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) +0000"
    }
}
