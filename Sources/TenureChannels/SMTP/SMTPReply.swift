/// One reply of an SMTP server (RFC 5321 §4.2): its three-digit code and its text, one
/// element per line (multi-line replies such as EHLO's have several).
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// 200–599.
    public let code: Int
    /// Each line's text after the code and its separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx (and 3xx, an intermediate "go on"): the command was taken.
    public var isPositive: Bool { code < 400 }
    /// 4xx: refused this time; the same command may work later.
    public var isTransient: Bool { (400..<500).contains(code) }

    /// `code text`, the lines joined by spaces, as an error message quotes it.
    public var description: String { "\(code) " + lines.joined(separator: " ") }
}
