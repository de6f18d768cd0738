/// A mailbox: an address (`local@domain`, printable ASCII) and an optional display name (any
/// text; non-ASCII is sent as RFC 2047 encoded-words). Validated when made, so a rendered
/// header can never carry a line break.
public struct EmailAddress: Sendable, Hashable {
    /// `local@domain`, as used in the SMTP envelope (`MAIL FROM`, `RCPT TO`).
    public let address: String
    /// The name shown beside the address, if any.
    public let name: String?

    /// - Parameter field: the field's name in error messages ("from", "to").
    public init(_ address: String, name: String? = nil, field: String = "address") throws(EmailError) {
        let bytes = Array(address.utf8)
        let at = bytes.filter { $0 == UInt8(ascii: "@") }.count
        guard at == 1, let first = bytes.first, first != UInt8(ascii: "@"), bytes.last != UInt8(ascii: "@"), bytes.count <= 254,
            bytes.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: ",")
                && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")") && $0 != UInt8(ascii: ";") })
        else {
            if address.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) { throw .controlCharacter(field: field) }
            throw .invalidAddress(field: field, value: address)
        }
        if let name, name.unicodeScalars.contains(where: EmailHeaderEncoding.isControl) { throw .controlCharacter(field: field + " name") }
        self.address = address
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
    }
}
