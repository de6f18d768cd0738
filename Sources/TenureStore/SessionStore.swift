import Foundation

/// A signed-in dashboard session as the store keeps it. The cookie's token itself is never
/// stored, only its SHA-256, so a copy of the database does not let anyone in.
public struct DashboardSessionRecord: Sendable, Hashable {
    /// Who signed in: a dashboard user's name, or `key <prefix>…` for an admin API key.
    public var subject: String
    /// The token every POST form of this session must carry.
    public var csrfToken: String
    /// When the session ends unless it is used again before (it is extended on use).
    public var expiresAt: Date

    public init(subject: String, csrfToken: String, expiresAt: Date) {
        self.subject = subject
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// Where dashboard sessions are kept, so that they survive a restart of the server.
///
/// Tokens are passed in as the cookie holds them and hashed by the store (SHA-256) before they
/// are written or looked up.
public protocol SessionStore: Sendable {
    /// Stores a new session for `token`.
    func createSession(token: String, _ session: DashboardSessionRecord) async throws
    /// The session of `token` if it has not expired at `now`; an expired one is deleted and nil
    /// returned, as for an unknown token.
    func session(token: String, now: Date) async throws -> DashboardSessionRecord?
    /// Moves the expiry of `token`'s session (idle timeout restarted).
    func extendSession(token: String, expiresAt: Date) async throws
    /// Deletes the session of `token` (sign-out); returns false when there was none.
    func deleteSession(token: String) async throws -> Bool
    /// Deletes every session expired at `now`; returns how many.
    func purgeExpiredSessions(now: Date) async throws -> Int
}
