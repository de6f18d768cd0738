import Crypto
import Foundation
import TenureStore

/// A signed-in dashboard session.
struct DashboardSession: Sendable {
    /// Who signed in: `key:<prefix>` for an admin key, or the user's name.
    var subject: String
    /// Per-session token every POST form must carry.
    var csrfToken: String
    var expiresAt: ContinuousClock.Instant
}

/// Dashboard sessions, kept in memory: a restart signs everyone out. The cookie holds a random
/// 256-bit token; only its SHA-256 is kept, so a memory dump does not reveal live cookies.
actor DashboardSessions {
    static let cookieName = "tenure_session"
    /// Sessions end after this long without a request.
    static let idleLifetime = Duration.seconds(12 * 3600)

    private var sessions: [[UInt8]: DashboardSession] = [:]
    private let clock = ContinuousClock()

    /// Starts a session for `subject`; returns the cookie token.
    func create(subject: String) -> (token: String, session: DashboardSession) {
        purgeExpired()
        let token = Self.randomToken()
        let session = DashboardSession(subject: subject, csrfToken: Self.randomToken(), expiresAt: clock.now + Self.idleLifetime)
        sessions[APIKeySecret.hash(token)] = session
        return (token, session)
    }

    /// The live session of `token`, its idle timer restarted; nil for unknown or expired tokens.
    func session(token: String) -> DashboardSession? {
        let key = APIKeySecret.hash(token)
        guard var session = sessions[key] else { return nil }
        guard session.expiresAt > clock.now else {
            sessions[key] = nil
            return nil
        }
        session.expiresAt = clock.now + Self.idleLifetime
        sessions[key] = session
        return session
    }

    func end(token: String) {
        sessions[APIKeySecret.hash(token)] = nil
    }

    private func purgeExpired() {
        let now = clock.now
        sessions = sessions.filter { $0.value.expiresAt > now }
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
