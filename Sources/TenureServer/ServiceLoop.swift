import Logging
import ServiceLifecycle

/// The loop of every periodic service in `tenure serve` (segment refresh, journeys, the outbox,
/// churn scoring): run a pass, again at once when it says more work is waiting, else after
/// `interval`; a failed pass is logged and retried on the next turn; a graceful shutdown ends
/// the wait and the loop.
enum ServiceLoop {
    static func run(
        every interval: Duration, logger: Logger, failure: String, isolation: isolated (any Actor)? = #isolation, _ pass: () async throws -> Bool
    ) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var more = false
            do {
                more = try await pass()
            } catch {
                logger.warning("\(failure)", metadata: ["error": "\(error)"])
            }
            if more { continue }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return  // shutting down
            }
        }
    }
}
