import NIOCore
import NIOSSL

/// Up to `configuration.connections` sessions with one SMTP server, each reused for many
/// messages: `lease` hands out an idle session (or opens one while under the limit, or waits
/// for one to come back), `release` takes it back, dropping it when it was lost.
actor SMTPConnectionPool {
    let configuration: SMTPChannel.Configuration
    let tls: NIOSSLContext?
    let group: any EventLoopGroup
    private var idle: [SMTPConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(configuration: SMTPChannel.Configuration, tls: NIOSSLContext?, group: any EventLoopGroup) {
        self.configuration = configuration
        self.tls = tls
        self.group = group
    }

    /// Sessions open now (idle or leased).
    var openConnections: Int { open }

    func lease() async throws(SMTPError) -> SMTPConnection {
        while true {
            while let connection = idle.popLast() {
                if connection.isActive { return connection }
                open -= 1
            }
            if open < configuration.connections {
                open += 1
                do {
                    return try await SMTPConnection.open(configuration, tls: tls, group: group)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Takes a session back: kept for the next message when `reusable` and still connected,
    /// closed otherwise.
    func release(_ connection: SMTPConnection, reusable: Bool) {
        if reusable, connection.isActive {
            idle.append(connection)
        } else {
            open -= 1
            connection.channel.close(promise: nil)
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    /// Ends every idle session with QUIT.
    func close() async {
        let sessions = idle
        idle = []
        open -= sessions.count
        for session in sessions { await session.quit() }
    }
}
