import Foundation
import TenureCore

/// What happened to one batch of messages handed to the store.
public struct IngestOutcome: Sendable, Hashable, Codable {
    /// Messages stored now.
    public var stored: Int
    /// Messages whose `messageId` was already stored, acknowledged and not stored again.
    public var duplicates: Int

    public init(stored: Int = 0, duplicates: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
    }

    public static func + (a: IngestOutcome, b: IngestOutcome) -> IngestOutcome {
        IngestOutcome(stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates)
    }

    public static func += (a: inout IngestOutcome, b: IngestOutcome) { a = a + b }
}

/// Row counts of the store, for summaries and checks.
public struct StoreCounts: Sendable, Hashable, Codable {
    /// Known customers (with a `userId`).
    public var customers: Int
    /// Anonymous visitors not yet identified.
    public var anonymousVisitors: Int
    public var events: Int
    public var orders: Int
    public var orderLines: Int
    public var subscriptions: Int
    /// Sum of order values (in whatever currencies were sent).
    public var orderRevenue: Double
    public var firstEvent: Date?
    public var lastEvent: Date?
}

/// A customer as the store knows them.
public struct CustomerProfile: Sendable, Hashable, Codable {
    public var id: Int64
    public var userId: String?
    /// Anonymous ids and earlier user ids merged into this customer.
    public var aliases: [String]
    public var traits: [String: JSONValue]
    public var firstSeen: Date
    public var lastSeen: Date
}

/// One stored event, as read back.
public struct StoredEvent: Sendable, Hashable, Codable {
    public var messageId: String
    public var kind: Message.Kind
    public var name: String?
    public var timestamp: Date
    public var receivedAt: Date
    public var properties: [String: JSONValue]
    public var revenue: Double?
    public var currency: String?
    /// The trait changes the message carried besides an identify's traits (PostHog's `$set`,
    /// `$set_once`, `$unset`), as it carried them; nil when it carried none.
    public var traitChanges: TraitChanges? = nil
}

/// The event store: where everything the ingestion doors accept is kept, durably.
public protocol EventStore: Sendable {
    /// Stores the batches in one transaction, durable when this returns. Messages whose
    /// `messageId` is already stored are counted as duplicates and change nothing.
    func ingest(_ batches: [PreparedMessages]) async throws -> [IngestOutcome]

    /// Runs a bulk import in one transaction: `body` writes messages through the session; when it
    /// throws, nothing it wrote is kept.
    func bulkImport<T: Sendable>(_ body: @Sendable (inout ImportSession) throws -> T) async throws -> T

    func counts() async throws -> StoreCounts
    func customer(userId: String) async throws -> CustomerProfile?
    /// The customer's events, oldest first.
    func events(customerId: Int64, limit: Int) async throws -> [StoredEvent]
    func hasMessage(id: String) async throws -> Bool
    /// The user ids (nil for anonymous visitors) of the given store customer ids, in order.
    func userIds(of customerIds: [Int64]) async throws -> [String?]
}

extension EventStore {
    /// Stores the batches in one transaction (see `ingest(_: [PreparedMessages])`).
    public func ingest(_ batches: [[Message]]) async throws -> [IngestOutcome] {
        try await ingest(batches.map(PreparedMessages.init))
    }
}

/// Writes messages inside a bulk import's transaction.
public protocol ImportSessionWriter {
    /// Stores the messages; those whose `messageId` was already stored count as duplicates.
    mutating func write(_ batch: PreparedMessages) throws -> IngestOutcome
    /// Stores parsed transaction-file records; rows whose `messageId` (or order) was already
    /// stored count as duplicates.
    mutating func write(_ transactions: ImportedTransactions) throws -> IngestOutcome
    /// Writes what was kept in memory during the session (customers' first and last seen).
    mutating func finish() throws
    /// Makes room for about `records` more events, so memory is not grown (and briefly doubled) on the way.
    mutating func reserve(records: Int)
}

extension ImportSessionWriter {
    public mutating func reserve(records: Int) {}

    public mutating func write(_ transactions: ImportedTransactions) throws -> IngestOutcome {
        try write(PreparedMessages(transactions.batch.allMessages()))
    }
}

/// The store's writer for one bulk import. Messages are handed to the writer a batch at a time
/// (the store flushes the last ones when the import's body returns).
public struct ImportSession {
    var writer: any ImportSessionWriter
    private var outcomeSoFar = IngestOutcome()
    /// Messages not yet handed to the writer.
    private var pending: [Message] = []
    private static let batchSize = 1024

    init(writer: any ImportSessionWriter) {
        self.writer = writer
    }

    /// What the session's messages did so far (the pending ones are written first).
    public var outcome: IngestOutcome {
        mutating get throws {
            try flush()
            return outcomeSoFar
        }
    }

    public mutating func write(_ message: Message) throws {
        pending.append(message)
        if pending.count >= Self.batchSize { try flush() }
    }

    /// Hands the pending messages to the writer.
    public mutating func flush() throws {
        guard !pending.isEmpty else { return }
        let batch = PreparedMessages(pending)
        pending.removeAll(keepingCapacity: true)
        outcomeSoFar += try writer.write(batch)
    }

    /// Tells the store about how many records are coming (an estimate).
    public mutating func reserve(records: Int) {
        writer.reserve(records: records)
    }

    /// Writes a batch prepared off the writer's thread.
    public mutating func write(_ batch: PreparedMessages) throws {
        try flush()
        outcomeSoFar += try writer.write(batch)
    }

    public mutating func write(_ transactions: ImportedTransactions) throws {
        try flush()
        outcomeSoFar += try writer.write(transactions)
    }
}

/// A store that can hand the analytics engine its columnar snapshot and refresh it.
public protocol SnapshotSource: Sendable {
    func activitySnapshot() async throws -> StoreSnapshot
    /// The snapshot with the events stored since it was taken.
    func refreshed(_ snapshot: StoreSnapshot) async throws -> StoreSnapshot
    /// What churn models read beside the snapshot (NPS answers, discounted orders, `identify`
    /// traits), indexed like `snapshot`'s customers and as of the same events.
    func customerAttributes(of snapshot: StoreSnapshot) async throws -> CustomerAttributes
}

/// Everything the server needs of a store.
public typealias TenureStoreProtocols = EventStore & APIKeyStore & SnapshotSource
