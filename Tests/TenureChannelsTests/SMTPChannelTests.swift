import Foundation
import NIOCore
import NIOSSL
import Testing
import TenureChannels
import TenureCore

/// SMTPChannel against a real SMTP server (aiosmtpd, scripts/e2e/smtp_sink.py) on loopback:
/// what it received is read back with Python's email package (scripts/e2e/smtp_check.py).
@Suite("SMTP channel against aiosmtpd on loopback", .enabled(if: SMTPSink.available || SMTPSink.required, Comment(rawValue: SMTPSink.skipReason)))
struct SMTPChannelTests {
    static let from = try! EmailAddress("news@shop.example", name: "Shöp Team")

    static func channel(
        _ sink: SMTPSink, connections: Int = 2, startTLS: SMTPChannel.Configuration.StartTLS = .never, user: String? = nil, password: String? = nil,
        tls: TLSConfiguration = .makeClientConfiguration()
    ) throws -> SMTPChannel {
        try SMTPChannel(
            .init(
                host: "127.0.0.1", port: sink.port, startTLS: startTLS, tls: tls, serverHostname: "localhost", username: user, password: password,
                allowPlaintextAuthentication: startTLS == .never, connections: connections, timeout: .seconds(60)),
            renderer: EmailPayloadRenderer(from: from, listUnsubscribe: ["https://shop.example/unsubscribe?u={user_id}", "mailto:unsubscribe@shop.example?subject={message_id}"]))
    }

    static func message(_ key: String, email: String = "zoe@example.com", name: String = "Zoë <b>Bold</b>", template: String = "Spring offer: 20 % off ✨ for you") -> OutgoingMessage {
        let payload: JSONValue = [
            "message_id": .string(key), "template": .string(template), "journey": "Win-back",
            "customer": ["user_id": "u-1", "traits": ["email": .string(email), "name": .string(name), "plan": "<img src=x onerror=alert(1)>"]],
        ]
        return OutgoingMessage(idempotencyKey: key, payload: try! JSONEncoder().encode(payload))
    }

    @Test("MIME and headers as received by a real SMTP server, parsed by Python's email package")
    func mimeAsReceived() async throws {
        let sink = try SMTPSink()
        let channel = try Self.channel(sink)
        let outcomes = await channel.deliver([Self.message("journey-7:offer:u-1")])
        await channel.shutdown()
        #expect(outcomes == [.delivered])
        let files = try sink.messages()
        try #require(files.count == 1)
        let email = try SMTPSink.check(files[0])
        #expect(email.content_type == "multipart/alternative")
        #expect(email.subject == "Spring offer: 20 % off ✨ for you")
        #expect(email.from_name == "Shöp Team" && email.from_address == "news@shop.example")
        #expect(email.to_name == "Zoë <b>Bold</b>" && email.to_address == "zoe@example.com")
        #expect(email.message_id == "<journey-7=3Aoffer=3Au-1@shop.example>")
        #expect(email.mime_version == "1.0")
        #expect(email.date_unix != nil && abs(Double(email.date_unix ?? 0) - Date().timeIntervalSince1970) < 120)
        #expect(email.list_unsubscribe == "<https://shop.example/unsubscribe?u=u-1>, <mailto:unsubscribe@shop.example?subject=journey-7%3Aoffer%3Au-1>")
        #expect(email.list_unsubscribe_post == "List-Unsubscribe=One-Click")
        try #require(email.parts.count == 2)
        #expect(email.parts[0].content_type == "text/plain" && email.parts[0].charset == "utf-8" && email.parts[0].transfer_encoding == "quoted-printable")
        #expect(email.parts[1].content_type == "text/html" && email.parts[1].charset == "utf-8" && email.parts[1].transfer_encoding == "quoted-printable")
        #expect(email.parts[0].body.contains("customer.traits.name: Zoë <b>Bold</b>\n"))
        #expect(email.parts[1].body.contains("<b>customer.traits.name</b>: Zoë &lt;b&gt;Bold&lt;/b&gt;</li>"))
        #expect(email.parts[1].body.contains("&lt;img src=x onerror=alert(1)&gt;") && !email.parts[1].body.contains("<img"))
        #expect(email.max_header_line <= 78 && email.max_line <= 78)
        #expect(email.all_crlf && email.ascii)
        #expect(email.defects.isEmpty, "\(email.defects)")
    }

    @Test("451 to the content is retried and the message delivered exactly once")
    func transientReplyRetried() async throws {
        let sink = try SMTPSink(["--fail-first-data"])
        let channel = try Self.channel(sink)
        let first = await channel.deliver([Self.message("k-451")])
        guard case .retry(let reason) = first[0] else { Issue.record("expected a retry, got \(first)"); return }
        #expect(reason.contains("451"))
        #expect(try sink.messages().isEmpty)
        var again = Self.message("k-451")
        again.attempts = 1
        #expect(await channel.deliver([again]) == [.delivered])
        await channel.shutdown()
        let files = try sink.messages()
        try #require(files.count == 1)
        #expect(try SMTPSink.check(files[0]).message_id == "<k-451@shop.example>")
    }

    @Test("a connection dropped mid-DATA is retried and the message delivered exactly once")
    func droppedConnectionRetried() async throws {
        let sink = try SMTPSink(["--drop-first-data"])
        let channel = try Self.channel(sink, connections: 1)
        let first = await channel.deliver([Self.message("k-drop")])
        guard case .retry(let reason) = first[0] else { Issue.record("expected a retry, got \(first)"); return }
        #expect(reason.contains("closed the connection"))
        #expect(try sink.messages().isEmpty)
        #expect(await channel.deliver([Self.message("k-drop")]) == [.delivered])
        await channel.shutdown()
        #expect(try sink.messages().count == 1)
        #expect(sink.index().map { $0[0] } == ["<k-drop@shop.example>"])
    }

    @Test("550 for a recipient is a permanent failure with the server's text; the session goes on")
    func permanentRefusal() async throws {
        let sink = try SMTPSink(["--reject-rcpt", "nobody"])
        let channel = try Self.channel(sink, connections: 1)
        let outcomes = await channel.deliver([Self.message("k-550", email: "nobody@example.com"), Self.message("k-ok")])
        await channel.shutdown()
        #expect(outcomes.count == 2)
        #expect(outcomes.first == .rejected("SMTP 550 5.1.1 No such user here"))
        #expect(outcomes.last == .delivered)
        #expect(sink.index().map { $0[0] } == ["<k-ok@shop.example>"])
        #expect(await channel.openConnections() == 0)
    }

    @Test("a customer without an email address is rejected before any connection")
    func noAddress() async throws {
        let sink = try SMTPSink()
        let channel = try Self.channel(sink)
        let payload = Data(#"{"template": "t", "customer": {"user_id": "u", "traits": {}}}"#.utf8)
        let outcomes = await channel.deliver([OutgoingMessage(idempotencyKey: "k", payload: payload)])
        guard case .rejected(let reason) = outcomes[0] else { Issue.record("expected a rejection, got \(outcomes)"); return }
        #expect(reason.contains("no email trait"))
        #expect(await channel.openConnections() == 0)
    }

    @Test("a pool of 4 sessions carries 300 messages, pipelined, each once")
    func pool() async throws {
        let sink = try SMTPSink(["--index-only"])
        let channel = try Self.channel(sink, connections: 4)
        let messages = (0..<300).map { Self.message("pool-\($0)") }
        let outcomes = await channel.deliver(messages)
        #expect(outcomes.allSatisfy { $0 == .delivered })
        #expect(await channel.openConnections() <= 4)
        await channel.shutdown()
        let ids = sink.index().map { $0[0] }
        #expect(ids.count == 300)
        #expect(Set(ids) == Set((0..<300).map { "<pool-\($0)@shop.example>" }))
    }

    @Test("without PIPELINING offered, each command waits for its reply; refusals still map the same")
    func withoutPipelining() async throws {
        let sink = try SMTPSink(["--no-pipelining", "--index-only", "--reject-rcpt", "nobody"])
        let channel = try Self.channel(sink, connections: 2)
        let messages = (0..<20).map { Self.message("np-\($0)") } + [Self.message("np-x", email: "nobody@example.com")]
        let outcomes = await channel.deliver(messages)
        await channel.shutdown()
        #expect(outcomes.prefix(20).allSatisfy { $0 == .delivered })
        #expect(outcomes.last == .rejected("SMTP 550 5.1.1 No such user here"))
        #expect(Set(sink.index().map { $0[0] }) == Set((0..<20).map { "<np-\($0)@shop.example>" }))
    }

    @Test("AUTH: the right login delivers, a wrong one is retried with a message naming the credentials")
    func authentication() async throws {
        let sink = try SMTPSink(["--auth", "tenure:s3cret"])
        let good = try Self.channel(sink, user: "tenure", password: "s3cret")
        #expect(await good.deliver([Self.message("k-auth")]) == [.delivered])
        await good.shutdown()
        let bad = try Self.channel(sink, user: "tenure", password: "wrong")
        let outcomes = await bad.deliver([Self.message("k-auth-2")])
        guard case .retry(let reason) = outcomes[0] else { Issue.record("expected a retry, got \(outcomes)"); return }
        #expect(reason.contains("TENURE_SMTP_PASSWORD"))
        let none = try Self.channel(sink)
        guard case .rejected(let refused) = await none.deliver([Self.message("k-auth-3")])[0] else { Issue.record("mail without login was taken"); return }
        #expect(refused.contains("530"))
        #expect(sink.index().map { $0[0] } == ["<k-auth@shop.example>"])
    }

    @Test("STARTTLS with a self-signed certificate, then AUTH over TLS")
    func startTLS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-smtp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a certificate")
        let sink = try SMTPSink(["--tls-cert", cert, "--tls-key", key, "--require-starttls", "--auth", "tenure:s3cret"])
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(cert)
        let channel = try Self.channel(sink, startTLS: .required, user: "tenure", password: "s3cret", tls: tls)
        #expect(await channel.deliver([Self.message("k-tls")]) == [.delivered])
        await channel.shutdown()
        #expect(sink.index().map { $0[0] } == ["<k-tls@shop.example>"])
        // The default roots do not trust the self-signed certificate: nothing is sent in clear.
        let untrusting = try Self.channel(sink, startTLS: .required, user: "tenure", password: "s3cret")
        guard case .retry = await untrusting.deliver([Self.message("k-tls-2")])[0] else { Issue.record("an untrusted certificate was accepted"); return }
        #expect(sink.index().count == 1)
    }

    @Test("STARTTLS required but not offered: retried, with a message saying so")
    func startTLSMissing() async throws {
        let sink = try SMTPSink()
        let channel = try Self.channel(sink, startTLS: .required)
        guard case .retry(let reason) = await channel.deliver([Self.message("k")])[0] else { Issue.record("sent without TLS"); return }
        #expect(reason.contains("does not offer STARTTLS"))
        #expect(try sink.messages().isEmpty)
    }
}
