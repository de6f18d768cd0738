/// What a server's EHLO reply offers (RFC 5321 §4.1.1.1 and the extensions' RFCs).
public struct SMTPCapabilities: Sendable, Hashable {
    /// RFC 2920: MAIL, RCPT and DATA may be sent together.
    public var pipelining = false
    /// RFC 3207.
    public var startTLS = false
    /// SASL mechanisms offered by `AUTH`, upper-cased (`PLAIN`, `LOGIN`, …).
    public var authMechanisms: Set<String> = []
    /// RFC 1870: the largest message the server takes, in bytes (nil: not said).
    public var maximumSize: Int?

    public init() {}

    /// From the lines of a 250 reply to EHLO (the first line is the server's name).
    public init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            switch keyword {
            case "PIPELINING": pipelining = true
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            case "SIZE": maximumSize = words.count > 1 ? Int(words[1]).flatMap { $0 > 0 ? $0 : nil } : nil
            default:
                if keyword.hasPrefix("AUTH=") { authMechanisms.formUnion(keyword.dropFirst(5).split(separator: " ").map(String.init)) }
            }
        }
    }
}
