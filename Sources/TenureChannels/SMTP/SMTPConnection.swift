import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One session with an SMTP server, ready to send: greeted, EHLO'd, upgraded by STARTTLS when
/// asked, logged in when credentials are set. `send` runs one mail transaction; a thrown error
/// means the session is lost (the connection must be dropped), a returned result that it can
/// carry the next message.
final class SMTPConnection: Sendable {
    /// What one transaction came to, on a session that is still usable.
    enum TransactionResult: Sendable, Equatable {
        case accepted
        /// 4xx: try this message again later.
        case transient(SMTPReply)
        /// 5xx: this message will never be taken.
        case permanent(SMTPReply)
    }

    let channel: any Channel
    let capabilities: SMTPCapabilities
    let timeout: TimeAmount
    let isTLS: Bool

    private init(channel: any Channel, capabilities: SMTPCapabilities, timeout: TimeAmount, isTLS: Bool) {
        self.channel = channel
        self.capabilities = capabilities
        self.timeout = timeout
        self.isTLS = isTLS
    }

    var isActive: Bool { channel.isActive }

    /// Connects and sets the session up; the connection is closed again when any step fails.
    static func open(_ configuration: SMTPChannel.Configuration, tls: NIOSSLContext?, group: any EventLoopGroup) async throws(SMTPError) -> SMTPConnection {
        let loop = group.next()
        let greeting = loop.makePromise(of: SMTPReply.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(configuration.timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(SMTPReplyDecoder()), SMTPClientHandler(greeting: greeting))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            greeting.fail(error)
            throw .connect("\(configuration.host):\(configuration.port): \(error)")
        }
        do {
            let session = try await setUp(channel: channel, greeting: greeting, configuration: configuration, tls: tls)
            return session
        } catch {
            greeting.fail(error)
            channel.close(promise: nil)
            throw error
        }
    }

    private static func setUp(
        channel: any Channel, greeting: EventLoopPromise<SMTPReply>, configuration: SMTPChannel.Configuration, tls: NIOSSLContext?
    ) async throws(SMTPError) -> SMTPConnection {
        var session = SMTPConnection(channel: channel, capabilities: SMTPCapabilities(), timeout: configuration.timeout, isTLS: false)
        let hello = try await session.wait([greeting])[0]
        guard hello.code == 220 else { throw .unexpectedReply(step: "the connection (a greeting)", reply: hello) }
        var capabilities = try await session.ehlo(configuration.heloName)
        if configuration.startTLS != .never {
            if capabilities.startTLS, let tls {
                let reply = try await session.exchange(["STARTTLS"])[0]
                guard reply.code == 220 else { throw .unexpectedReply(step: "STARTTLS", reply: reply) }
                let hostname = configuration.serverHostname ?? configuration.host
                // SNI takes names only: an IP address goes without.
                let sni: String? = hostname.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : hostname
                do {
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sni), position: .first)
                    }.get()
                } catch {
                    throw .transport("could not start TLS: \(error)")
                }
                session = SMTPConnection(channel: channel, capabilities: capabilities, timeout: configuration.timeout, isTLS: true)
                capabilities = try await session.ehlo(configuration.heloName)
            } else if configuration.startTLS == .required {
                throw .startTLSUnavailable
            }
        }
        session = SMTPConnection(channel: channel, capabilities: capabilities, timeout: configuration.timeout, isTLS: session.isTLS)
        if let user = configuration.username {
            guard session.isTLS || configuration.allowPlaintextAuthentication else { throw .plaintextAuthentication }
            try await session.authenticate(user: user, password: configuration.password ?? "")
        }
        return session
    }

    private func ehlo(_ name: String) async throws(SMTPError) -> SMTPCapabilities {
        let reply = try await exchange(["EHLO " + name])[0]
        if reply.code == 250 { return SMTPCapabilities(ehlo: reply) }
        // A server without ESMTP: HELO, and no extensions.
        let helo = try await exchange(["HELO " + name])[0]
        guard helo.code == 250 else { throw .unexpectedReply(step: "EHLO and HELO", reply: helo) }
        return SMTPCapabilities()
    }

    private func authenticate(user: String, password: String) async throws(SMTPError) {
        func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        let reply: SMTPReply
        if capabilities.authMechanisms.contains("PLAIN") {
            reply = try await exchange(["AUTH PLAIN " + base64("\u{0}\(user)\u{0}\(password)")])[0]
        } else if capabilities.authMechanisms.contains("LOGIN") {
            let start = try await exchange(["AUTH LOGIN"])[0]
            guard start.code == 334 else { throw .authenticationFailed(start) }
            let name = try await exchange([base64(user)])[0]
            guard name.code == 334 else { throw .authenticationFailed(name) }
            reply = try await exchange([base64(password)])[0]
        } else {
            throw .authenticationUnavailable
        }
        guard reply.code == 235 else { throw .authenticationFailed(reply) }
    }

    /// One mail transaction: MAIL FROM, RCPT TO and DATA (together when the server pipelines),
    /// then the dot-stuffed content. After a refusal the transaction is reset (RSET) so the
    /// session can carry the next message; after a success it already is (RFC 5321 §4.1.1.4).
    func send(from: String, to: String, content: String) async throws(SMTPError) -> TransactionResult {
        let commands = ["MAIL FROM:<\(from)>", "RCPT TO:<\(to)>", "DATA"]
        var replies: [SMTPReply] = []
        if capabilities.pipelining {
            replies = try await exchange(commands)
        } else {
            for command in commands {
                let reply = try await exchange([command])[0]
                replies.append(reply)
                if !reply.isPositive { break }
            }
        }
        let refusal = replies.first { !$0.isPositive }
        if let data = replies.last, replies.count == 3, data.code == 354 {
            // With MAIL or RCPT refused a server should not have said 354; end the empty message.
            let end = try await exchange([refusal == nil ? Self.dataBlock(content) : Self.dataBlock("")])[0]
            if let refusal {
                await reset()
                return Self.result(refusal)
            }
            if end.code / 100 == 2 { return .accepted }
            await reset()
            return Self.result(end)
        }
        await reset()
        return Self.result(refusal ?? replies.last ?? SMTPReply(code: 451, lines: ["no reply"]))
    }

    private static func result(_ reply: SMTPReply) -> TransactionResult {
        reply.isTransient || reply.isPositive ? .transient(reply) : .permanent(reply)
    }

    /// RSET; a session that does not take it is closed (the pool then drops it), while the
    /// transaction's result stands.
    private func reset() async {
        guard let reply = try? await exchange(["RSET"]).first, reply.code == 250 else {
            try? await channel.close()
            return
        }
    }

    /// Ends the session politely (QUIT), then closes the connection.
    func quit() async {
        _ = try? await exchange(["QUIT"])
        try? await channel.close()
    }

    /// The content, dot-stuffed (a line starting with `.` gets another), ending in CRLF `.` CRLF.
    static func dataBlock(_ content: String) -> ByteBuffer {
        // What EmailMessage renders needs no stuffing (CRLF only; quoted-printable encodes a
        // leading dot): then the content is copied whole.
        if !content.isEmpty, content.utf8.last == UInt8(ascii: "\n"), content.utf8.first != UInt8(ascii: "."), isCleanCRLF(content) {
            var buffer = ByteBufferAllocator().buffer(capacity: content.utf8.count + 3)
            buffer.writeString(content)
            buffer.writeString(".\r\n")
            return buffer
        }
        var buffer = ByteBufferAllocator().buffer(capacity: content.utf8.count + content.utf8.count / 64 + 8)
        var lineStart = true
        var previous: UInt8 = 0
        for byte in content.utf8 {
            if lineStart, byte == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            // Bare CR or LF become CRLF, so no stray byte can end the data early.
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { buffer.writeInteger(UInt8(ascii: "\r")) }
            if previous == UInt8(ascii: "\r"), byte != UInt8(ascii: "\n") {
                buffer.writeInteger(UInt8(ascii: "\n"))
                lineStart = true
                if byte == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            }
            buffer.writeInteger(byte)
            lineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if previous == UInt8(ascii: "\r") { buffer.writeInteger(UInt8(ascii: "\n")) } else if previous != UInt8(ascii: "\n"), !content.isEmpty {
            buffer.writeString("\r\n")
        }
        buffer.writeString(".\r\n")
        return buffer
    }

    /// Whether every CR is followed by LF, every LF preceded by CR, and no line starts with a dot.
    static func isCleanCRLF(_ content: String) -> Bool {
        var previous: UInt8 = 0
        for byte in content.utf8 {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { return false }
            if previous == UInt8(ascii: "\r"), byte != UInt8(ascii: "\n") { return false }
            if previous == UInt8(ascii: "\n"), byte == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return true
    }

    /// Writes commands (each line gets CRLF) in one flush and waits for their replies, in order.
    func exchange(_ lines: [String]) async throws(SMTPError) -> [SMTPReply] {
        try await exchange(lines.map { ByteBuffer(string: $0 + "\r\n") })
    }

    func exchange(_ buffers: [ByteBuffer]) async throws(SMTPError) -> [SMTPReply] {
        let loop = channel.eventLoop
        let promises = buffers.map { _ in loop.makePromise(of: SMTPReply.self) }
        for (buffer, promise) in zip(buffers, promises) {
            channel.write(SMTPCommand(bytes: buffer, reply: promise)).whenFailure { promise.fail($0) }
        }
        channel.flush()
        return try await wait(promises)
    }

    /// The promised replies, or the session's failure; past the timeout every waiting command
    /// fails and the connection is closed.
    private func wait(_ promises: [EventLoopPromise<SMTPReply>]) async throws(SMTPError) -> [SMTPReply] {
        let channel = self.channel
        let seconds = Double(timeout.nanoseconds) / 1e9
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            if let handler = try? channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self) {
                handler.fail(SMTPError.timeout(seconds: seconds))
            }
            for promise in promises { promise.fail(SMTPError.timeout(seconds: seconds)) }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        var replies: [SMTPReply] = []
        for promise in promises {
            do {
                replies.append(try await promise.futureResult.get())
            } catch let error as SMTPError {
                throw error
            } catch {
                throw .transport("\(error)")
            }
        }
        return replies
    }
}
