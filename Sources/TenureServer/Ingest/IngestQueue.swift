import Foundation
import Logging
import TenureCore
import TenureStore

/// Group commit for the ingestion routes: requests that arrive while a transaction is being
/// written wait and go into the next one together, so each fsync acknowledges many batches.
/// A request is answered only after its own transaction has committed.
public actor IngestQueue {
    private struct Pending {
        var batch: PreparedMessages
        var continuation: CheckedContinuation<IngestOutcome, any Error>
    }

    private let store: any EventStore
    private let logger: Logger
    /// Most messages written in one transaction, to bound each transaction's latency.
    private let maxMessagesPerCommit: Int
    private var pending: [Pending] = []
    private var writing = false

    public init(store: any EventStore, logger: Logger, maxMessagesPerCommit: Int = 20_000) {
        self.store = store
        self.logger = logger
        self.maxMessagesPerCommit = maxMessagesPerCommit
    }

    /// Stores the batch (prepared by the caller, off the writer); returns once it is durably committed.
    public func submit(_ batch: PreparedMessages) async throws -> IngestOutcome {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(batch: batch, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            var group: [Pending] = []
            var count = 0
            while let next = pending.first, group.isEmpty || count + next.batch.count <= maxMessagesPerCommit {
                group.append(pending.removeFirst())
                count += next.batch.count
            }
            do {
                let outcomes = try await store.ingest(group.map(\.batch))
                for (item, outcome) in zip(group, outcomes) { item.continuation.resume(returning: outcome) }
            } catch {
                // Retry one by one so a failure is only reported to the request it belongs to.
                logger.warning("group commit failed; retrying requests one by one", metadata: ["error": "\(error)", "requests": "\(group.count)"])
                for item in group {
                    do {
                        let outcome = try await store.ingest([item.batch])
                        item.continuation.resume(returning: outcome[0])
                    } catch {
                        item.continuation.resume(throwing: error)
                    }
                }
            }
        }
        writing = false
    }
}
