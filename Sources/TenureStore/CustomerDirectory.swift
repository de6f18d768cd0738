import Foundation
import TenureCore

/// A customer found by a search: enough to list them and link to their profile.
public struct CustomerMatch: Sendable, Hashable, Codable {
    public var id: Int64
    public var userId: String?
    public var traits: [String: JSONValue]
    public var lastSeen: Date

    public init(id: Int64, userId: String?, traits: [String: JSONValue], lastSeen: Date) {
        self.id = id
        self.userId = userId
        self.traits = traits
        self.lastSeen = lastSeen
    }
}

/// How often one reason was given.
public struct ReasonCount: Sendable, Hashable, Codable {
    public var reason: String
    public var count: Int

    public init(reason: String, count: Int) {
        self.reason = reason
        self.count = count
    }
}

/// Look-ups the dashboard needs beyond the analytics snapshot: finding customers and reading
/// the reasons people gave for leaving.
public protocol CustomerDirectory: Sendable {
    /// Customers whose user id or alias equals `text`, then whose user id starts with it, then
    /// whose traits contain it (case-insensitive for ASCII), at most `limit` in all. `text` is
    /// bound as a parameter, never spliced into SQL.
    func searchCustomers(_ text: String, limit: Int) async throws -> [CustomerMatch]
    /// Reasons customers gave for leaving (exit feedback), most frequent first: the `reason` of
    /// subscription cancellations, exit-survey answers and account closures (``ExitFeedback``),
    /// an exit survey repeating its customer's cancellation reason counted once.
    func exitReasons() async throws -> [ReasonCount]
}
