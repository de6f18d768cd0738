import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TenureCore

/// Delivers messages as email over SMTP (RFC 5321) through a pool of reused sessions, with
/// STARTTLS, AUTH PLAIN or LOGIN, and pipelining where the server offers it. Each message is
/// rendered by an `EmailRenderer`; its Message-ID comes from the idempotency key, so a retry
/// is the same email.
///
/// 2xx to the content is delivered; a 4xx reply, a lost connection or a timeout is retried
/// later; a 5xx reply (to MAIL, RCPT or the content) is rejected for good with the server's
/// text, and so is a message that cannot be rendered (no `email` trait, say).
public struct SMTPChannel: MessageChannel {
    public struct Configuration: Sendable {
        /// Whether to upgrade the session with STARTTLS (RFC 3207).
        public enum StartTLS: String, Sendable, CaseIterable {
            /// Upgrade, and refuse to send when the server does not offer it.
            case required
            /// Upgrade when offered, send in clear text otherwise.
            case optional
            /// Never upgrade.
            case never
        }

        public var host: String
        public var port: Int
        public var startTLS: StartTLS
        /// The TLS settings (trusted roots, verification) used after STARTTLS.
        public var tls: TLSConfiguration
        /// The name the certificate must carry (defaults to `host`).
        public var serverHostname: String?
        /// AUTH credentials; nil sends none.
        public var username: String?
        public var password: String?
        /// Whether the password may go over a session without TLS (loopback test servers only).
        public var allowPlaintextAuthentication: Bool
        /// Sessions open at once, each carrying many messages in turn.
        public var connections: Int
        /// How long to wait for connecting and for each reply.
        public var timeout: TimeAmount
        /// The name this client gives in EHLO.
        public var heloName: String

        public init(
            host: String, port: Int = 587, startTLS: StartTLS = .required, tls: TLSConfiguration = .makeClientConfiguration(),
            serverHostname: String? = nil, username: String? = nil, password: String? = nil, allowPlaintextAuthentication: Bool = false,
            connections: Int = 4, timeout: TimeAmount = .seconds(30), heloName: String = "localhost"
        ) {
            self.host = host
            self.port = port
            self.startTLS = startTLS
            self.tls = tls
            self.serverHostname = serverHostname
            self.username = username
            self.password = password
            self.allowPlaintextAuthentication = allowPlaintextAuthentication
            self.connections = max(1, min(connections, 1_000))
            self.timeout = timeout
            self.heloName = heloName
        }
    }

    public let configuration: Configuration
    let renderer: any EmailRenderer
    let pool: SMTPConnectionPool
    let clock: any WallClock

    /// - Throws: `SMTPError.transport` when the TLS settings cannot be loaded (a missing CA file).
    public init(
        _ configuration: Configuration, renderer: any EmailRenderer, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any WallClock = SystemWallClock()
    ) throws(SMTPError) {
        self.configuration = configuration
        self.renderer = renderer
        self.clock = clock
        var context: NIOSSLContext?
        if configuration.startTLS != .never {
            do {
                context = try NIOSSLContext(configuration: configuration.tls)
            } catch {
                throw .transport("the TLS settings could not be loaded: \(error)")
            }
        }
        self.pool = SMTPConnectionPool(configuration: configuration, tls: context, group: group)
    }

    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        var outcomes = [DeliveryOutcome](repeating: .retry("not sent"), count: messages.count)
        let now = clock.now()
        await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            var next = 0
            func add() {
                guard next < messages.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.send(messages[index], at: now)) }
            }
            for _ in 0..<min(configuration.connections, messages.count) { add() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                add()
            }
        }
        return outcomes
    }

    /// Sends one message on a pooled session.
    func send(_ message: OutgoingMessage, at date: Date) async -> DeliveryOutcome {
        let email: EmailMessage
        do {
            email = try renderer.email(for: message, at: date)
        } catch {
            return .rejected(error.description)
        }
        let connection: SMTPConnection
        do {
            connection = try await pool.lease()
        } catch {
            return .retry(error.description)
        }
        do {
            let result = try await connection.send(from: email.from.address, to: email.to.address, content: email.rendered())
            await pool.release(connection, reusable: true)
            switch result {
            case .accepted: return .delivered
            case .transient(let reply): return .retry("SMTP \(reply)")
            case .permanent(let reply): return .rejected("SMTP \(reply)")
            }
        } catch {
            await pool.release(connection, reusable: false)
            return .retry(error.description)
        }
    }

    /// Sessions open now, idle or busy (at most `configuration.connections`).
    public func openConnections() async -> Int { await pool.openConnections }

    /// Ends the idle sessions with QUIT (call before exiting).
    public func shutdown() async { await pool.close() }
}
