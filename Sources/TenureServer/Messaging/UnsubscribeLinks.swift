import Crypto
import Foundation

/// Signed links a customer follows without signing in: `…/u/<token>` unsubscribes them from a
/// topic's marketing (or from all marketing), one click, idempotent. The token carries the user
/// id and the topic and an HMAC-SHA256 of both under the store's link key, so it cannot be
/// forged or pointed at another customer; it is checked in constant time.
public struct UnsubscribeLinks: Sendable {
    /// The key's bytes (a `SymmetricKey` is made per use: it is not `Sendable`).
    let secret: Data
    /// Where the server is reached from the customer's mail (`https://crm.example.com`).
    public var baseURL: String

    public init(secret: Data, baseURL: String) {
        self.secret = secret
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// What a token says: who, and from what (nil topic: all marketing).
    public struct Scope: Sendable, Hashable {
        public var userId: String
        public var topic: String?
        public init(userId: String, topic: String?) {
            self.userId = userId
            self.topic = topic
        }
    }

    /// The token for a customer and a topic.
    public func token(userId: String, topic: String?) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Self.signed(userId, topic), using: SymmetricKey(data: secret))
        return [Self.encode(Data(userId.utf8)), Self.encode(Data((topic ?? "").utf8)), Self.encode(Data(mac))].joined(separator: ".")
    }

    /// The one-click unsubscribe URL (what `List-Unsubscribe` and `{{unsubscribe_url}}` carry).
    public func unsubscribeURL(userId: String, topic: String?) -> String {
        "\(baseURL)/u/\(token(userId: userId, topic: topic))"
    }

    /// The scope of a genuine token; nil for anything else (altered, truncated, another key).
    public func verify(_ token: String) -> Scope? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 2_048, parts.count == 3, let u = Self.decode(parts[0]), let t = Self.decode(parts[1]), let mac = Self.decode(parts[2]),
            let userId = String(data: u, encoding: .utf8), let topic = String(data: t, encoding: .utf8), !userId.isEmpty
        else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.signed(userId, topic.isEmpty ? nil : topic), using: SymmetricKey(data: secret)) else { return nil }
        return Scope(userId: userId, topic: topic.isEmpty ? nil : topic)
    }

    private static func signed(_ userId: String, _ topic: String?) -> Data {
        Data("tenure-unsubscribe-v1\n\(userId)\n\(topic ?? "")".utf8)
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) else { return nil }
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
