/// Why an email could not be built: each case names the field and what to change.
public enum EmailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field held a line break (CR or LF) or another control character, which could inject headers.
    case controlCharacter(field: String)
    /// An address is not `local@domain` in printable ASCII without spaces or angle brackets.
    case invalidAddress(field: String, value: String)
    /// The Message-ID domain is not a host name (letters, digits, `-` and `.`).
    case invalidDomain(String)
    /// A List-Unsubscribe entry is not an `https:`, `http:` or `mailto:` URL in printable ASCII.
    case invalidUnsubscribeURL(String)
    /// An extra header's name is not printable ASCII without `:`, or is one Tenure writes itself.
    case invalidHeaderName(String)
    /// The message's content could not be made (for example: the customer has no email address).
    case content(String)

    public var description: String {
        switch self {
        case .controlCharacter(let field):
            "the email's \(field) contains a line break or control character; remove it (headers cannot hold CR or LF)"
        case .invalidAddress(let field, let value):
            "the email's \(field) address \"\(value)\" is not local@domain in printable ASCII without spaces or angle brackets"
        case .invalidDomain(let domain):
            "the Message-ID domain \"\(domain)\" is not a host name; use letters, digits, '-' and '.' (for example mail.example.com)"
        case .invalidUnsubscribeURL(let url):
            "the List-Unsubscribe entry \"\(url)\" must be an https:, http: or mailto: URL in printable ASCII of at most 900 characters"
        case .invalidHeaderName(let name):
            "the header name \"\(name)\" is not allowed; use printable ASCII without ':' and not one of the headers Tenure writes (From, To, Subject, Date, Message-ID, MIME-Version, Content-*, List-Unsubscribe*)"
        case .content(let reason):
            reason
        }
    }
}
