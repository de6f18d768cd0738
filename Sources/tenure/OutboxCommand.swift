import ArgumentParser
import Foundation
import TenureCore
import TenureStore

/// `tenure outbox …`: what journeys queued, and the dead letters.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Show the outbox's messages by state and its dead letters; put dead letters back in the queue.",
        subcommands: [Show.self, Retry.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages by state, then the latest failed ones with their error.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Failed messages to list.") var limit = 20

        func run() async throws {
            let store = try database.open()
            let counts = try await store.outboxCounts()
            print(counts.isEmpty ? "the outbox is empty" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\t"))
            for m in try await store.failedOutbox(limit: limit) {
                print("\(m.id)\t\(m.idempotencyKey)\t\(m.channel)\t\(m.attempts) tries\t\(ISO8601Timestamp.format(m.failedAt))\t\(m.error)")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue failed messages again (same idempotency keys); `tenure serve` sends them.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Every failed message.") var all = false
        @Argument(help: "Outbox ids (from `tenure outbox`).") var ids: [Int64] = []

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give outbox ids or --all") }
        }

        func run() async throws {
            let count = try await database.open().retryFailed(ids: all ? nil : ids, at: Date())
            print("queued \(count) failed message\(count == 1 ? "" : "s") again")
        }
    }
}
