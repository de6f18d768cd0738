import Crypto
import Foundation
import TenureStore

/// A signed-in dashboard session.
struct DashboardSession: Sendable {
    /// Who signed in: `key <prefix>…` for an admin key, or the user's name.
    var subject: String
    /// Per-session token every POST form must carry.
    var csrfToken: String
    var expiresAt: Date
}

/// Dashboard sessions. With a ``SessionStore`` (the SQLite store) they are kept in the database
/// and survive a restart; without one, in memory. The cookie holds a random 256-bit token; only
/// its SHA-256 is kept, so neither a memory dump nor a copy of the database reveals live cookies.
/// A session ends after ``idleLifetime`` without a request; expired sessions are refused and
/// deleted.
actor DashboardSessions {
    static let cookieName = "tenure_session"
    /// Sessions end after this long without a request.
    static let idleLifetime: TimeInterval = 12 * 3600
    /// A stored expiry is moved only when it would move by more than this: one write a minute
    /// per session at most, not one per page view.
    static let extendGranularity: TimeInterval = 60

    private let store: (any SessionStore)?
    private var memory: [[UInt8]: DashboardSession] = [:]

    init(store: (any SessionStore)?) {
        self.store = store
    }

    /// Starts a session for `subject`; returns the cookie token.
    func create(subject: String) async throws -> (token: String, session: DashboardSession) {
        let now = Date()
        let token = Self.randomToken()
        let session = DashboardSession(subject: subject, csrfToken: Self.randomToken(), expiresAt: now + Self.idleLifetime)
        if let store {
            _ = try await store.purgeExpiredSessions(now: now)
            try await store.createSession(
                token: token, DashboardSessionRecord(subject: subject, csrfToken: session.csrfToken, expiresAt: session.expiresAt))
        } else {
            memory = memory.filter { $0.value.expiresAt > now }
            memory[APIKeySecret.hash(token)] = session
        }
        return (token, session)
    }

    /// The live session of `token`, its idle timer restarted; nil for unknown or expired tokens.
    func session(token: String) async throws -> DashboardSession? {
        let now = Date()
        if let store {
            guard let record = try await store.session(token: token, now: now) else { return nil }
            var session = DashboardSession(subject: record.subject, csrfToken: record.csrfToken, expiresAt: record.expiresAt)
            let extended = now + Self.idleLifetime
            if extended.timeIntervalSince(record.expiresAt) > Self.extendGranularity {
                try await store.extendSession(token: token, expiresAt: extended)
                session.expiresAt = extended
            }
            return session
        }
        let key = APIKeySecret.hash(token)
        guard var session = memory[key] else { return nil }
        guard session.expiresAt > now else {
            memory[key] = nil
            return nil
        }
        session.expiresAt = now + Self.idleLifetime
        memory[key] = session
        return session
    }

    /// Ends the session of `token` (sign-out).
    func end(token: String) async throws {
        if let store {
            _ = try await store.deleteSession(token: token)
        } else {
            memory[APIKeySecret.hash(token)] = nil
        }
    }

    /// 32 bytes from the system CSPRNG, hex-encoded (valid in cookies and form fields).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func tokensMatch(_ a: String, _ b: String) -> Bool {
        APIKeySecret.constantTimeEquals(APIKeySecret.hash(a), APIKeySecret.hash(b))
    }
}
