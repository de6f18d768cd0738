import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import TenureCore
import TenureStore

/// Re-scores every active customer's churn risk on a schedule: at start, then every `interval`.
///
/// Each run takes the current snapshot from the shared ``SnapshotCache``, loads the saved model
/// file when one is configured (`tenure model train --save`) or else trains a boosted-tree model
/// on the latest fully observed horizon, ranks customers by expected loss (risk × CLV) and
/// publishes the result to ``RiskScores``. A failed run is logged and keeps the previous ranking.
public struct RiskScoringService: Service {
    /// What and how often to score.
    public struct Configuration: Sendable {
        /// Time between runs.
        public var interval: Duration
        /// Churn horizon in days (``ChurnLabel/standard(horizonDays:)`` when training; a model file brings its own label).
        public var horizonDays: Int32
        /// A model file to score with instead of training each run.
        public var modelFile: URL?

        public init(interval: Duration = .seconds(3600), horizonDays: Int32 = 90, modelFile: URL? = nil) {
            self.interval = interval
            self.horizonDays = horizonDays
            self.modelFile = modelFile
        }
    }

    let configuration: Configuration
    let cache: SnapshotCache
    let store: any EventStore
    let scores: RiskScores
    let logger: Logger

    public init(configuration: Configuration, cache: SnapshotCache, store: any EventStore, scores: RiskScores, logger: Logger) {
        self.configuration = configuration
        self.cache = cache
        self.store = store
        self.scores = scores
        self.logger = logger
    }

    public func run() async throws {
        await ServiceLoop.run(every: configuration.interval, logger: logger, failure: "churn scoring failed") {
            await scoreOnce()
            return false
        }
    }

    /// One scoring run; errors are logged and recorded in ``RiskScores``.
    public func scoreOnce() async {
        let clock = ContinuousClock(), start = clock.now
        do {
            let snapshot = try await cache.current()
            let attributes = try await cache.attributes(of: snapshot)
            let activity = snapshot.activity, modelFile = configuration.modelFile, horizon = configuration.horizonDays
            logger.info("scoring churn risk", metadata: ["customers": "\(activity.customerCount)", "events": "\(activity.eventCount)"])
            // Training and TreeSHAP take seconds of CPU: run them off the cooperative pool.
            let (model, report, trainTime) = try await Self.offPool {
                let trainStart = ContinuousClock.now
                let model = try Self.loadOrTrain(activity, attributes: attributes, modelFile: modelFile, horizonDays: horizon)
                let trainTime = ContinuousClock.now - trainStart
                // Everyone is scored and ranked; only the kept top `RiskScores.keep` are explained.
                return (
                    model, try AtRiskRanking(label: model.label, limit: RiskScores.keep).rank(activity, attributes: attributes, using: model),
                    trainTime
                )
            }
            let userIds = try await store.userIds(of: report.customers.map { snapshot.customerIds[$0.customer] })
            var ranking = RiskScores.Ranking(scoredAt: Date(), report: report, userIds: userIds, backtest: model.backtest)
            ranking.snapshotGeneration = snapshot.mergeGeneration
            await scores.update(ranking)
            logger.info("scored churn risk", metadata: [
                "customers": "\(report.scoredCount)", "explained": "\(report.customers.count)", "trainedOn": "\(model.trainCount)",
                "trainSeconds": "\(trainTime)", "seconds": "\(clock.now - start)", "model": "\(model.model.kindName)",
            ])
        } catch {
            logger.warning("churn risk scoring failed", metadata: ["error": "\(error)"])
            await scores.failed("\(error)")
        }
    }

    private static func loadOrTrain(
        _ snapshot: ActivitySnapshot, attributes: CustomerAttributes, modelFile: URL?, horizonDays: Int32
    ) throws -> ChurnModelFile {
        if let modelFile {
            return try ChurnModelFile(jsonData: Data(contentsOf: modelFile))
        }
        return try ChurnModelFile.train(on: snapshot, attributes: attributes, label: .standard(horizonDays: horizonDays))
    }

    /// Runs `work` on a Dispatch global queue and resumes with its result.
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
