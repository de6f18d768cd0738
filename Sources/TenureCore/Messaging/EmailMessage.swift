import Foundation

/// One email as Tenure sends it, before rendering: who from and to, the subject, a text body
/// and an optional HTML body (sent as multipart/alternative, text first), the unsubscribe
/// links, and the Message-ID, derived from the outbox's idempotency key so that a retried
/// message carries the same Message-ID as its first try.
///
/// Everything is checked when the value is made: no field can hold a line break that would
/// inject a header. `rendered()` turns it into RFC 5322 / RFC 2045 text.
public struct EmailMessage: Sendable, Hashable {
    public let from: EmailAddress
    public let to: EmailAddress
    /// Any text without line breaks; non-ASCII is sent as RFC 2047 encoded-words.
    public let subject: String
    /// The plain-text part (any line endings; sent with CRLF as quoted-printable UTF-8).
    public let textBody: String
    /// The HTML part, already escaped by whoever made it; nil sends text only.
    public let htmlBody: String?
    /// `List-Unsubscribe` entries (`https:`, `http:` or `mailto:` URLs), in order.
    public let listUnsubscribe: [String]
    /// Whether to send `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058); sent only
    /// when `listUnsubscribe` holds an `https:` URL, as the RFC requires.
    public let oneClickUnsubscribe: Bool
    /// `<id@domain>`: the same for every try of one message.
    public let messageID: String
    /// When the message was written (the `Date` header).
    public let date: Date
    /// Other headers, in order.
    public let headers: [EmailHeader]

    /// - Parameters:
    ///   - idempotencyKey: the outbox's key; the Message-ID's left part is made from it (bytes
    ///     outside RFC 5322 `atext` are written `=XX`), so it is stable across retries.
    ///   - messageIDDomain: the Message-ID's right part, a host name you own.
    public init(
        from: EmailAddress, to: EmailAddress, subject: String, textBody: String, htmlBody: String? = nil, listUnsubscribe: [String] = [],
        oneClickUnsubscribe: Bool = true, idempotencyKey: String, messageIDDomain: String, date: Date, headers: [EmailHeader] = []
    ) throws(EmailError) {
        guard !subject.unicodeScalars.contains(where: EmailHeaderEncoding.isControl) else { throw .controlCharacter(field: "subject") }
        for url in listUnsubscribe {
            let lower = url.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:"), url.utf8.count <= 900,
                url.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: ",") })
            else {
                if url.unicodeScalars.contains(where: EmailHeaderEncoding.isControl) { throw .controlCharacter(field: "List-Unsubscribe") }
                throw .invalidUnsubscribeURL(url)
            }
        }
        let labels = messageIDDomain.split(separator: ".", omittingEmptySubsequences: false)
        guard !messageIDDomain.isEmpty, messageIDDomain.utf8.count <= 253,
            labels.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { b in b == UInt8(ascii: "-") || (b < 128 && (Character(UnicodeScalar(b)).isLetter || Character(UnicodeScalar(b)).isNumber)) } })
        else { throw .invalidDomain(messageIDDomain) }
        guard !idempotencyKey.isEmpty else { throw .content("the message has no idempotency key to make its Message-ID from") }
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.listUnsubscribe = listUnsubscribe
        self.oneClickUnsubscribe = oneClickUnsubscribe
        self.messageID = "<" + Self.messageIDLocalPart(idempotencyKey) + "@" + messageIDDomain.lowercased() + ">"
        self.date = date
        self.headers = headers
    }

    /// The key as RFC 5322 `dot-atom-text` without dots: `atext` bytes as they are, every other
    /// byte (dots included, so none can be doubled or trailing) as `=XX`. One key, one result.
    static func messageIDLocalPart(_ key: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/?^_`{|}~".utf8)
        var out = ""
        for byte in key.utf8.prefix(400) {
            if atext.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "=" + EmailHeaderEncoding.hex(byte)
            }
        }
        return out
    }
}
