import Foundation
import HTTPTypes
import TenureCore
import TenureStore

/// Checks API key secrets against the store's hashed keys. Active keys are cached; an unknown
/// secret reloads them (at most once a second), so a key created by `tenure keys create` while
/// the server runs works at once, and a revoked one stops within a second of the next miss.
public actor APIKeyAuthenticator {
    private let store: any APIKeyStore
    private var keys: [APIKey] = []
    private var loadedAt: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    public init(store: any APIKeyStore) {
        self.store = store
    }

    /// The active key whose secret this is, or nil.
    public func authenticate(_ secret: String) async throws -> APIKey? {
        if loadedAt == nil { try await reload() }
        if let key = APIKeySecret.match(secret, in: keys) {
            if let loadedAt, clock.now - loadedAt > .seconds(10) {
                // Periodically refresh so revocations are seen even without misses.
                try await reload()
                return APIKeySecret.match(secret, in: keys)
            }
            return key
        }
        if let loadedAt, clock.now - loadedAt < .seconds(1) { return nil }
        try await reload()
        return APIKeySecret.match(secret, in: keys)
    }

    private func reload() async throws {
        keys = try await store.activeKeys()
        loadedAt = clock.now
    }
}

extension APIKeyAuthenticator {
    /// The key presented in `headers` (Basic username or Bearer token), if it is active and its
    /// scope allows `scope`; otherwise a 401 (no or unknown key) or 403 (too narrow a scope).
    func require(_ scope: APIKeyScope, headers: HTTPFields) async throws -> APIKey {
        guard let secret = Credentials.secret(from: headers), let key = try await authenticate(secret) else {
            throw APIError.unauthorized(needing: scope)
        }
        guard key.scope.allows(scope) else { throw APIError.forbidden }
        return key
    }
}
