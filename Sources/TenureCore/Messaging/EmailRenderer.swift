import Foundation

/// Turns an outbox message into the email to send: the seam where templates plug in. Pure:
/// the same message and date give the same email (the Message-ID comes from the idempotency
/// key, so a retry is the same email).
public protocol EmailRenderer: Sendable {
    /// The email for `message`, dated `date`; an error says why it cannot be sent (for example:
    /// the customer has no `email` trait), and the message is then failed, not retried.
    func email(for message: OutgoingMessage, at date: Date) throws(EmailError) -> EmailMessage
}
