import Foundation
import Logging
import TenureCore
import TenureServer
import TenureStore

/// Times the server-side work of every dashboard page (data look-up, page model, Mustache
/// rendering) on a given snapshot, after warming the per-snapshot caches once.
public enum DashboardBenchmark {
    public struct Measurement: Sendable {
        public var page: String
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var maxMilliseconds: Double
        public var bytes: Int
    }

    public struct Result: Sendable {
        /// Seconds to compute every page's data once (first visit), at-risk model included.
        public var warmSeconds: Double
        /// Seconds of that spent training and scoring the at-risk model and the backtest.
        public var modelSeconds: Double
        /// Of which training the at-risk model (on at most `ChurnTrainingSample.standard` customers)…
        public var trainSeconds: Double
        /// …and scoring, valuing and ranking every customer, explaining the top `RiskScores.keep`.
        public var rankSeconds: Double
        /// Customers scored, and customers the model was trained on.
        public var scoredCustomers: Int
        public var trainCustomers: Int
        public var pages: [Measurement]
    }

    /// Renders each of `pages` (path and query) `runs` times after one warm-up pass.
    /// `store` answers the customer look-ups (search, profile, user ids).
    public static func run(
        snapshot: DashboardSnapshot, store: any TenureStoreProtocols & CustomerDirectory, pages: [String], runs: Int, trainModel: Bool = true
    ) async throws -> Result {
        let controller = try DashboardController(
            source: FixedDashboardSource(snapshot), store: store, directory: store, users: nil,
            authenticator: APIKeyAuthenticator(store: store), logger: Logger(label: "tenure.bench"))
        func render(_ target: String) async throws -> DashboardController.RenderedPage {
            try await controller.renderPage(target, signedInAs: "bench")
        }
        let clock = ContinuousClock()
        let warmStart = clock.now
        let modelStart = clock.now
        // Without the model the pages that need it render their "Scoring…" state.
        let models = trainModel ? try await controller.prepareModels() : nil
        let modelSeconds = (clock.now - modelStart).inSeconds
        for page in pages { _ = try await render(page) }
        let warmSeconds = (clock.now - warmStart).inSeconds
        var measurements: [Measurement] = []
        for page in pages {
            var times: [Double] = []
            var bytes = 0
            for _ in 0..<max(runs, 1) {
                let start = clock.now
                let result = try await render(page)
                times.append((clock.now - start).inSeconds * 1000)
                bytes = result.html.utf8.count
            }
            times.sort()
            measurements.append(Measurement(
                page: page, p50Milliseconds: times[times.count / 2], p95Milliseconds: times[min(times.count - 1, Int(Double(times.count) * 0.95))],
                maxMilliseconds: times.last ?? 0, bytes: bytes))
        }
        return Result(
            warmSeconds: warmSeconds, modelSeconds: modelSeconds, trainSeconds: models?.trainSeconds ?? 0, rankSeconds: models?.rankSeconds ?? 0,
            scoredCustomers: models?.scoredCustomers ?? 0, trainCustomers: models?.trainCustomers ?? 0, pages: measurements)
    }
}
