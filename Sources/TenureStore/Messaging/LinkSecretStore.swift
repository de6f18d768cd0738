import Foundation

/// Where the key that signs the links in messages (one-click unsubscribe, the preference page)
/// is kept: made at random the first time it is asked for, then the same for ever, so links in
/// messages sent months ago still work after restarts.
public protocol LinkSecretStore: Sendable {
    /// The 32-byte signing key.
    func linkSecret() async throws -> Data
}
