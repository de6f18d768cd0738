import Foundation

/// A reason a customer gave for leaving, read from exit feedback other than a subscription's own
/// `Subscription Cancelled` (whose `reason` the subscription keeps):
///
/// - `Survey Responded` whose survey is an exit or cancellation survey: its `survey`, `survey_type`,
///   `survey_name` or `type` property contains "exit", "cancel" or "churn" (any case), with the
///   answer in `reason`, `exit_reason`, `cancel_reason` or `answer`;
/// - `Account Closed` or `Account Deleted` with a `reason` (or `exit_reason`, `cancel_reason`).
///
/// Reasons are trimmed and cut to 200 characters; empty ones are ignored.
public struct ExitFeedback: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable, Codable {
        case survey
        case accountClosed = "account_closed"
    }

    public var source: Source
    public var reason: String
    public var at: Date

    public init(source: Source, reason: String, at: Date) {
        self.source = source
        self.reason = reason
        self.at = at
    }

    /// The exit feedback in `message`, or nil when it is none (or carries no reason).
    public init?(message: Message) {
        guard message.kind == .track, let name = message.name else { return nil }
        self.init(event: name, properties: message.properties, at: message.timestamp)
    }

    /// The exit feedback of a track event named `event` with `properties`, or nil.
    public init?(event: String, properties p: [String: JSONValue], at: Date) {
        let reasonKeys: [String]
        switch event {
        case StandardEvent.surveyResponded:
            let kind = ["survey", "survey_type", "survey_name", "type"].compactMap { p[$0]?.stringValue?.lowercased() }
            guard kind.contains(where: { k in ["exit", "cancel", "churn"].contains { k.contains($0) } }) else { return nil }
            source = .survey
            reasonKeys = ["reason", "exit_reason", "cancel_reason", "answer"]
        case StandardEvent.accountClosed, StandardEvent.accountDeleted:
            source = .accountClosed
            reasonKeys = ["reason", "exit_reason", "cancel_reason"]
        default:
            return nil
        }
        guard let text = reasonKeys.lazy.compactMap({ p[$0]?.stringValue }).first else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        reason = String(trimmed.prefix(200))
        self.at = at
    }
}
