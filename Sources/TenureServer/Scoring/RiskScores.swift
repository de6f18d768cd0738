import Foundation
import Logging
import TenureCore

/// The latest churn-risk ranking of every active customer, as ``RiskScoringService`` last
/// computed it; `GET /api/v1/at-risk` answers from here instead of training per request.
///
/// With a `file`, each new ranking is written there (atomically) and read back at start, so a
/// restarted server serves the previous scores immediately while the first new scoring runs.
public actor RiskScores {
    /// One scoring run, as kept and persisted.
    public struct Ranking: Sendable, Codable, Equatable {
        /// Format version of the persisted file.
        public var version: Int
        /// When the scoring finished.
        public var scoredAt: Date
        /// The ranked customers (at most ``RiskScores/keep``), with the report's context.
        public var report: AtRiskReport
        /// Each listed customer's own id (`userId`), parallel to `report.customers`.
        public var userIds: [String?]
        /// The model's backtest quality (AUC etc. of both learners), when known.
        public var backtest: ChurnBacktestReport?
        /// The ``StoreSnapshot/mergeGeneration`` of the snapshot scored: `report.scores` index its
        /// customers (not kept in the file, as the scores are not).
        public var snapshotGeneration: Int?

        enum CodingKeys: String, CodingKey {
            case version, scoredAt, report, userIds, backtest
        }

        public init(scoredAt: Date, report: AtRiskReport, userIds: [String?], backtest: ChurnBacktestReport?) {
            version = 1
            self.scoredAt = scoredAt
            self.report = report
            self.userIds = userIds
            self.backtest = backtest
        }
    }

    /// Customers kept per ranking: the most `GET /api/v1/at-risk?top=` can ask for.
    public static let keep = 10_000

    public private(set) var latest: Ranking?
    /// Why the last scoring failed (cleared by the next success).
    public private(set) var lastError: String?
    private let file: URL?
    private let logger: Logger

    /// Starts with the ranking persisted in `file`, if it exists and is readable.
    public init(file: URL?, logger: Logger) {
        self.file = file
        self.logger = logger
        if let file, let data = try? Data(contentsOf: file) {
            do {
                latest = try JSONDecoder().decode(Ranking.self, from: data)
            } catch {
                logger.warning("ignoring unreadable risk scores", metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
    }

    /// Replaces the ranking and persists it.
    public func update(_ ranking: Ranking) {
        latest = ranking
        lastError = nil
        guard let file else { return }
        do {
            try JSONEncoder().encode(ranking).write(to: file, options: .atomic)
        } catch {
            logger.error("cannot persist risk scores", metadata: ["file": "\(file.path)", "error": "\(error)"])
        }
    }

    /// Records a failed scoring; the previous ranking stays.
    public func failed(_ message: String) {
        lastError = message
    }
}
