import Foundation
import Testing
import TenureCore

@Suite("Email rendering (RFC 5322, 2045, 2047, 8058)")
struct EmailMessageTests {
    static func sample(subject: String = "Welcome back", html: String? = "<p>Hi</p>") throws -> EmailMessage {
        try EmailMessage(
            from: EmailAddress("news@shop.example", name: "Shop"), to: EmailAddress("ana@example.com", name: "Ana"),
            subject: subject, textBody: "Hi Ana,\nSee you.", htmlBody: html,
            listUnsubscribe: ["https://shop.example/u/1", "mailto:unsub@shop.example"],
            idempotencyKey: "k1", messageIDDomain: "shop.example", date: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("a whole message, checked by hand")
    func wholeMessage() throws {
        let message = try Self.sample()
        let b = message.mimeBoundary
        #expect(b.hasPrefix("=_tenure_"))
        let expected = [
            "From: \"Shop\" <news@shop.example>",
            "To: \"Ana\" <ana@example.com>",
            "Subject: Welcome back",
            "Date: Tue, 14 Nov 2023 22:13:20 +0000",
            "Message-ID: <k1@shop.example>",
            "MIME-Version: 1.0",
            "List-Unsubscribe: <https://shop.example/u/1>, <mailto:unsub@shop.example>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Content-Type: multipart/alternative; boundary=\"\(b)\"",
            "",
            "This is a multi-part message in MIME format.",
            "",
            "--\(b)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Hi Ana,",
            "See you.",
            "--\(b)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "<p>Hi</p>",
            "--\(b)--",
            "",
        ].joined(separator: "\r\n")
        #expect(message.rendered() == expected)
    }

    @Test("text only is a single text/plain part")
    func textOnly() throws {
        let rendered = try Self.sample(html: nil).rendered()
        #expect(rendered.hasSuffix("MIME-Version: 1.0\r\nList-Unsubscribe: <https://shop.example/u/1>, <mailto:unsub@shop.example>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHi Ana,\r\nSee you.\r\n"))
    }

    @Test("quoted-printable: UTF-8 as =XX, lines of at most 76, trailing spaces and leading dots encoded")
    func quotedPrintable() {
        #expect(EmailQuotedPrintable.encode("Zoë") == "Zo=C3=AB")
        #expect(EmailQuotedPrintable.encode("a = b") == "a =3D b")
        #expect(EmailQuotedPrintable.encode("end \nnext\r\nlast\rx") == "end=20\r\nnext\r\nlast\r\nx")
        #expect(EmailQuotedPrintable.encode(".\n.hidden") == "=2E\r\n=2Ehidden")
        let long = EmailQuotedPrintable.encode(String(repeating: "a", count: 100))
        #expect(long == String(repeating: "a", count: 75) + "=\r\n" + String(repeating: "a", count: 25))
        // An =XX is never split by a soft break.
        let accents = EmailQuotedPrintable.encode(String(repeating: "é", count: 30))
        for line in accents.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76)
            #expect(line.hasSuffix("=") ? (line.utf8.count - 1) % 3 == 0 : line.utf8.count % 3 == 0)
        }
    }

    @Test("non-ASCII headers become UTF-8 encoded-words, folded to 78 columns, never splitting a character")
    func encodedWords() throws {
        let subject = String(repeating: "Ça va? 🎉 ", count: 12)
        let rendered = try Self.sample(subject: subject).rendered()
        let head = rendered.components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        var subjectLines = [lines.first { $0.hasPrefix("Subject:") }!]
        let start = lines.firstIndex(of: subjectLines[0])!
        for line in lines[(start + 1)...] where line.hasPrefix(" ") { subjectLines.append(line) }
        var decoded = ""
        for line in subjectLines {
            for word in line.replacingOccurrences(of: "Subject:", with: "").split(separator: " ") {
                #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.utf8.count <= 75)
                let base64 = word.dropFirst(10).dropLast(2)
                let bytes = try #require(Data(base64Encoded: String(base64)))
                // Each word alone is whole UTF-8.
                let text = try #require(String(data: bytes, encoding: .utf8))
                decoded += text
            }
        }
        #expect(decoded == subject)
        let name = try EmailMessage(
            from: EmailAddress("z@shop.example", name: "Zoë"), to: EmailAddress("a@b.example"), subject: "x", textBody: "",
            idempotencyKey: "k", messageIDDomain: "shop.example", date: Date(timeIntervalSince1970: 0)
        ).rendered()
        #expect(name.hasPrefix("From: =?UTF-8?B?Wm/Dqw==?= <z@shop.example>\r\nTo: <a@b.example>\r\nSubject: x\r\nDate: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        // Text that would read as an encoded-word is encoded itself.
        #expect(try Self.sample(subject: "=?UTF-8?B?SGk=?=").rendered().contains("Subject: =?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=\r\n"))
    }

    @Test("display names are quoted and escaped")
    func quotedNames() throws {
        let rendered = try EmailMessage(
            from: EmailAddress("news@shop.example", name: #"Ana "A" O\Brien, Shop"#), to: EmailAddress("a@b.example"), subject: "x", textBody: "",
            idempotencyKey: "k", messageIDDomain: "shop.example", date: Date(timeIntervalSince1970: 0)
        ).rendered()
        #expect(rendered.hasPrefix(#"From: "Ana \"A\" O\\Brien, Shop" <news@shop.example>"# + "\r\n"))
    }

    @Test("header injection is impossible: CR or LF in any field is refused")
    func injection() throws {
        #expect(throws: EmailError.controlCharacter(field: "subject")) { try Self.sample(subject: "Hi\r\nBcc: victim@example.com") }
        #expect(throws: EmailError.controlCharacter(field: "subject")) { try Self.sample(subject: "Hi\nBcc: x@y.z") }
        #expect(throws: EmailError.controlCharacter(field: "to name")) { try EmailAddress("a@b.example", name: "A\r\nBcc: x@y.z", field: "to") }
        #expect(throws: EmailError.controlCharacter(field: "to")) { try EmailAddress("a@b.example\r\nRCPT TO:<x@y.z>", field: "to") }
        #expect(throws: EmailError.invalidAddress(field: "to", value: "a@b.example>, <x@y.z")) { try EmailAddress("a@b.example>, <x@y.z", field: "to") }
        #expect(throws: EmailError.controlCharacter(field: "header X-Campaign")) { try EmailHeader(name: "X-Campaign", value: "a\nb") }
        #expect(throws: EmailError.invalidHeaderName("Bcc")) { try EmailHeader(name: "Bcc", value: "x@y.z") }
        #expect(throws: EmailError.invalidHeaderName("X Bad")) { try EmailHeader(name: "X Bad", value: "v") }
        #expect(throws: EmailError.controlCharacter(field: "List-Unsubscribe")) {
            try EmailMessage(
                from: EmailAddress("a@b.example"), to: EmailAddress("c@d.example"), subject: "x", textBody: "", listUnsubscribe: ["https://x.example/\r\nBcc: y"],
                idempotencyKey: "k", messageIDDomain: "b.example", date: Date())
        }
        #expect(throws: EmailError.invalidUnsubscribeURL("javascript:alert(1)")) {
            try EmailMessage(
                from: EmailAddress("a@b.example"), to: EmailAddress("c@d.example"), subject: "x", textBody: "", listUnsubscribe: ["javascript:alert(1)"],
                idempotencyKey: "k", messageIDDomain: "b.example", date: Date())
        }
        #expect(throws: EmailError.invalidDomain("b.example>\r\nX: y")) {
            try EmailMessage(
                from: EmailAddress("a@b.example"), to: EmailAddress("c@d.example"), subject: "x", textBody: "",
                idempotencyKey: "k", messageIDDomain: "b.example>\r\nX: y", date: Date())
        }
        // A line break in a body is content, not a header: it is sent as a line of the part.
        #expect(try Self.sample(html: "a\r\nBcc: x").rendered().contains("\r\n\r\na\r\nBcc: x\r\n--"))
    }

    @Test("Message-ID comes from the idempotency key: the same on every try, any key made a valid id")
    func messageID() throws {
        func id(_ key: String) throws -> String {
            try EmailMessage(
                from: EmailAddress("a@b.example"), to: EmailAddress("c@d.example"), subject: "x", textBody: "", idempotencyKey: key,
                messageIDDomain: "Mail.Shop.Example", date: Date(timeIntervalSince1970: Double(key.count))
            ).messageID
        }
        #expect(try id("journey:42/step 1") == "<journey=3A42/step=201@mail.shop.example>")
        #expect(try id("a.b") == "<a=2Eb@mail.shop.example>")
        #expect(try id("x>\r\ny") == "<x=3E=0D=0Ay@mail.shop.example>")
        #expect(try id("k") == (try id("k")))
    }

    @Test("Date in RFC 5322 form, total for any time")
    func dates() {
        #expect(EmailHeaderEncoding.date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(EmailHeaderEncoding.date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(EmailHeaderEncoding.date(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(EmailHeaderEncoding.date(Date(timeIntervalSince1970: 1e300)) == "Fri, 31 Dec 9999 23:59:59 +0000")
        #expect(EmailHeaderEncoding.date(Date(timeIntervalSince1970: .nan)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }

    @Test("the default renderer escapes hostile traits in HTML and refuses a customer without an email")
    func payloadRenderer() throws {
        let renderer = EmailPayloadRenderer(
            from: try EmailAddress("news@shop.example", name: "Shop"), listUnsubscribe: ["https://shop.example/u?c={user_id}&m={message_id}"])
        let payload = Data(#"""
            {"message_id": "k/1", "template": "Spring offer", "customer": {"user_id": "u 1",
             "traits": {"email": "ana@example.com", "name": "Ana\r\nBcc: x@y.z", "bio": "<script>alert('x')</script>&"}}}
            """#.utf8)
        let email = try renderer.email(for: OutgoingMessage(idempotencyKey: "k/1", payload: payload), at: Date(timeIntervalSince1970: 0))
        #expect(email.to.address == "ana@example.com")
        #expect(email.to.name == "Ana  Bcc: x@y.z")
        #expect(email.subject == "Spring offer")
        #expect(email.messageID == "<k/1@shop.example>")
        #expect(email.listUnsubscribe == ["https://shop.example/u?c=u%201&m=k%2F1"])
        let html = try #require(email.htmlBody)
        #expect(html.contains("<li><b>customer.traits.bio</b>: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</li>"))
        #expect(!html.contains("<script>"))
        #expect(email.textBody.contains("customer.traits.bio: <script>alert('x')</script>&\n"))
        let none = Data(#"{"template": "t", "customer": {"user_id": "u", "traits": {}}}"#.utf8)
        #expect(throws: EmailError.content("the customer has no email trait to send to; identify them with traits.email")) {
            try renderer.email(for: OutgoingMessage(idempotencyKey: "k", payload: none), at: Date())
        }
    }
}
