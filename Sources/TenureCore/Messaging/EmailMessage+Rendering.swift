extension EmailMessage {
    /// The multipart boundary: made from the Message-ID, so rendering is deterministic, and starting
    /// `=_`, which quoted-printable text can never contain.
    public var mimeBoundary: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "=_tenure_" + String(hash, radix: 16)
    }

    /// The headers this message renders (name, value tokens), in order.
    var headerFields: [(String, [String])] {
        var fields: [(String, [String])] = [
            ("From", EmailHeaderEncoding.mailboxTokens(from, header: "From")),
            ("To", EmailHeaderEncoding.mailboxTokens(to, header: "To")),
            ("Subject", EmailHeaderEncoding.unstructuredTokens(subject, header: "Subject")),
            ("Date", EmailHeaderEncoding.date(date).split(separator: " ").map(String.init)),
            ("Message-ID", [messageID]),
            ("MIME-Version", ["1.0"]),
        ]
        if !listUnsubscribe.isEmpty {
            let entries = listUnsubscribe.enumerated().map { i, url in "<" + url + ">" + (i < listUnsubscribe.count - 1 ? "," : "") }
            fields.append(("List-Unsubscribe", entries))
            if oneClickUnsubscribe, listUnsubscribe.contains(where: { $0.lowercased().hasPrefix("https://") }) {
                fields.append(("List-Unsubscribe-Post", ["List-Unsubscribe=One-Click"]))
            }
        }
        for header in headers { fields.append((header.name, EmailHeaderEncoding.unstructuredTokens(header.value, header: header.name))) }
        return fields
    }

    /// The message as RFC 5322 text with CRLF line ends, all ASCII: the headers, then
    /// multipart/alternative (text, then HTML) or text/plain alone, each part UTF-8 as
    /// quoted-printable. Ends with CRLF. Not dot-stuffed: that is the SMTP client's work.
    public func rendered() -> String {
        var out = ""
        for (name, tokens) in headerFields { out += EmailHeaderEncoding.field(name, tokens: tokens) }
        let textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + EmailQuotedPrintable.encode(textBody) + "\r\n"
        guard let htmlBody else { return out + textPart }
        let boundary = mimeBoundary
        out += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n"
        out += "This is a multi-part message in MIME format.\r\n\r\n"
        out += "--\(boundary)\r\n" + textPart
        out += "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + EmailQuotedPrintable.encode(htmlBody) + "\r\n"
        out += "--\(boundary)--\r\n"
        return out
    }
}
