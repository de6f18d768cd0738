import Foundation
import Synchronization
import TenureCore

/// A channel that keeps what it is handed, for tests and dry runs: every delivery in order, and
/// an answer chosen per message (delivered unless told otherwise).
public final class RecordingChannel: MessageChannel {
    private let state = Mutex<[OutgoingMessage]>([])
    private let answer: @Sendable (OutgoingMessage) -> DeliveryOutcome

    public init(answer: @escaping @Sendable (OutgoingMessage) -> DeliveryOutcome = { _ in .delivered }) {
        self.answer = answer
    }

    /// Every message handed over, in order (a retried message appears once per try).
    public var received: [OutgoingMessage] { state.withLock { $0 } }

    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        state.withLock { $0.append(contentsOf: messages) }
        return messages.map(answer)
    }
}
