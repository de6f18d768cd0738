/// Quoted-printable (RFC 2045 §6.7) for UTF-8 bodies: line ends made CRLF, printable ASCII
/// kept, everything else `=XX`, spaces and tabs before a line end encoded, and soft breaks
/// (`=` at a line's end) so that no line is longer than 76 characters.
public enum EmailQuotedPrintable {
    /// The longest encoded line, its soft-break `=` included.
    public static let lineLimit = 76

    /// The body encoded, lines joined by CRLF (no CRLF after the last line).
    public static func encode(_ text: String) -> String {
        var lines: [String] = []
        for line in hardLines(text) { lines.append(encodeLine(line)) }
        return lines.joined(separator: "\r\n")
    }

    /// The text's lines, split at CRLF, a lone CR or a lone LF.
    static func hardLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var previousCR = false
        for byte in text.utf8 {
            if byte == 10, previousCR {
                previousCR = false
                continue
            }
            previousCR = byte == 13
            if byte == 10 || byte == 13 {
                lines.append(line)
                line = []
            } else {
                line.append(byte)
            }
        }
        lines.append(line)
        return lines
    }

    static func encodeLine(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8 + 4)
        var column = 0
        for (i, byte) in bytes.enumerated() {
            let last = i == bytes.count - 1
            let printable = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !last)
            // A leading dot is encoded so that no line of the body is ever an SMTP end of data.
            var literal = printable && !(column == 0 && byte == UInt8(ascii: "."))
            let width = literal ? 1 : 3
            // Room for the piece and, unless it ends the line, a soft break after it.
            if column + width > lineLimit - (last ? 0 : 1) {
                out += [UInt8(ascii: "="), 13, 10]
                column = 0
                if byte == UInt8(ascii: ".") { literal = false }
            }
            if literal {
                out.append(byte)
                column += 1
            } else {
                out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                column += 3
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
