import Foundation
import TenureCore

/// An API key as stored: never the secret itself, only its SHA-256 hash.
public struct APIKey: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var scope: APIKeyScope
    /// The first characters of the key (`tnr_w_1a2b`), so a person can tell keys apart.
    public var prefix: String
    public var hash: [UInt8]
    public var createdAt: Date
    public var revokedAt: Date?
}

/// Where API keys are kept.
public protocol APIKeyStore: Sendable {
    /// Creates a key; the returned secret is shown once and never stored.
    func createKey(name: String, scope: APIKeyScope) async throws -> (key: APIKey, secret: String)
    /// Keys that are not revoked.
    func activeKeys() async throws -> [APIKey]
    func allKeys() async throws -> [APIKey]
    /// Revokes the key; returns false when no such active key exists.
    func revokeKey(id: Int64) async throws -> Bool
}
