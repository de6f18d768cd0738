/// A header Tenure adds beside the ones it writes itself (for example `X-Campaign`): the name
/// is checked when made, the value is encoded (RFC 2047) and folded when the message is rendered.
public struct EmailHeader: Sendable, Hashable {
    public let name: String
    public let value: String

    /// Headers an `EmailMessage` writes from its own fields, which an extra header may not replace.
    static let reserved: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "list-unsubscribe", "list-unsubscribe-post",
        "sender", "reply-to", "return-path",
    ]

    public init(name: String, value: String) throws(EmailError) {
        let lower = name.lowercased()
        guard !name.isEmpty, name.utf8.count <= 64, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }),
            !Self.reserved.contains(lower), !lower.hasPrefix("content-")
        else { throw .invalidHeaderName(name) }
        guard !value.unicodeScalars.contains(where: EmailHeaderEncoding.isControl) else { throw .controlCharacter(field: "header \(name)") }
        self.name = name
        self.value = value
    }
}
