import Crypto
import Foundation
import TenureCore

/// Making, hashing and checking API key secrets.
public enum APIKeySecret {
    /// A new secret: `tnr_w_` or `tnr_a_` and 40 hex digits (160 random bits from the system's CSPRNG).
    public static func generate(scope: APIKeyScope) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "tnr_\(scope == .admin ? "a" : "w")_" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of the secret. Keys are long random strings, so a fast hash is safe here.
    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two hashes in time that does not depend on where they differ.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    /// The key among `keys` whose hash matches `secret`, checking every key so the time taken
    /// does not reveal which one matched.
    public static func match(_ secret: String, in keys: [APIKey]) -> APIKey? {
        let candidate = hash(secret)
        var found: APIKey?
        for key in keys where constantTimeEquals(key.hash, candidate) && key.revokedAt == nil {
            found = key
        }
        return found
    }
}
