import Foundation

/// The email Tenure sends until a journey's template says otherwise: to the customer's `email`
/// trait (named by their `name` trait, or `first_name` and `last_name`), the template's name as
/// the subject, and the payload's fields listed in the text part and, HTML-escaped, in the HTML
/// part.
public struct EmailPayloadRenderer: EmailRenderer {
    public var from: EmailAddress
    /// The Message-ID's domain (defaults to the sender's).
    public var messageIDDomain: String
    /// `List-Unsubscribe` URLs; `{user_id}` and `{message_id}` in them are replaced by the
    /// customer's id and the idempotency key, percent-encoded.
    public var listUnsubscribe: [String]

    public init(from: EmailAddress, messageIDDomain: String? = nil, listUnsubscribe: [String] = []) {
        self.from = from
        self.messageIDDomain = messageIDDomain ?? String(from.address.split(separator: "@").last ?? "localhost")
        self.listUnsubscribe = listUnsubscribe
    }

    public func email(for message: OutgoingMessage, at date: Date) throws(EmailError) -> EmailMessage {
        guard let payload = try? JSONDecoder().decode(JSONValue.self, from: message.payload), let fields = payload.objectValue else {
            throw .content("the message's payload is not a JSON object")
        }
        let customer = fields["customer"]?.objectValue ?? [:]
        let traits = customer["traits"]?.objectValue ?? [:]
        guard let address = traits["email"]?.stringValue, !address.isEmpty else {
            throw .content("the customer has no email trait to send to; identify them with traits.email")
        }
        let name = traits["name"]?.stringValue
            ?? [traits["first_name"]?.stringValue, traits["last_name"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let to = try EmailAddress(address, name: name.isEmpty ? nil : Self.singleLine(name), field: "to")
        let subject = Self.singleLine(fields["template"]?.stringValue ?? fields["step"]?.stringValue ?? "Message")

        var rows: [(String, String)] = []
        for key in fields.keys.sorted() where key != "customer" && key != "trigger" {
            rows.append((key, Self.text(fields[key] ?? .null)))
        }
        if let user = customer["user_id"] { rows.append(("customer.user_id", Self.text(user))) }
        for key in traits.keys.sorted() { rows.append(("customer.traits." + key, Self.text(traits[key] ?? .null))) }

        let text = rows.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        var html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(Self.escapeHTML(subject))</title></head><body>\n<ul>\n"
        for (key, value) in rows { html += "<li><b>\(Self.escapeHTML(key))</b>: \(Self.escapeHTML(value))</li>\n" }
        html += "</ul>\n</body></html>\n"

        let userId = customer["user_id"]?.stringValue ?? ""
        let unsubscribe = listUnsubscribe.map {
            $0.replacingOccurrences(of: "{user_id}", with: Self.percentEncode(userId))
                .replacingOccurrences(of: "{message_id}", with: Self.percentEncode(message.idempotencyKey))
        }
        return try EmailMessage(
            from: from, to: to, subject: subject, textBody: text, htmlBody: html, listUnsubscribe: unsubscribe,
            idempotencyKey: message.idempotencyKey, messageIDDomain: messageIDDomain, date: date)
    }

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in
    /// quoted attributes.
    public static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Line breaks and other controls as spaces, for text that becomes a header.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { EmailHeaderEncoding.isControl($0) ? " " : $0 }))
    }

    static func text(_ value: JSONValue) -> String {
        if let s = value.stringValue { return s }
        guard let data = try? JSONEncoder().encode(value) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
