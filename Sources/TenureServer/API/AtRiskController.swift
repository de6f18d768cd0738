import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `GET /api/v1/at-risk?top=50&horizon=90` (admin key): valuable customers most likely to leave,
/// ranked by expected loss (risk × predicted CLV), with reasons and a suggested action.
///
/// With ``RiskScores`` (kept fresh by ``RiskScoringService`` in `tenure serve`) the answer is the
/// latest scheduled ranking for that horizon. Without a ranking yet — or for another horizon — stores
/// of up to ``synchronousCustomerLimit`` customers are scored during the request (seconds); larger
/// ones get `503 scores_not_ready` until the scheduled scoring has finished.
public struct AtRiskController: Sendable {
    let cache: SnapshotCache
    let store: any EventStore
    let authenticator: APIKeyAuthenticator
    let scores: RiskScores?

    /// Above this many customers a request never trains a model itself.
    public static let synchronousCustomerLimit = 50_000

    public init(cache: SnapshotCache, store: any EventStore, authenticator: APIKeyAuthenticator, scores: RiskScores? = nil) {
        self.cache = cache
        self.store = store
        self.authenticator = authenticator
        self.scores = scores
    }

    struct Entry: Encodable {
        var userId: String?
        var churnRisk: Double
        var probabilityAlive: Double?
        var predictedCLV: Double
        var expectedLoss: Double
        var reasons: [FeatureContributions.Reason]
        var action: RetentionAction
    }

    struct Listing: Encodable {
        var asOf: String
        var trainedAsOf: String
        var horizonDays: Int32
        var scored: Int
        /// When the scheduled scoring produced this list; nil when scored for this request.
        var scoredAt: Date?
        var customers: [Entry]
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        router.get("/api/v1/at-risk") { request, _ in
            _ = try await authenticator.require(.admin, headers: request.headers)
            let query = request.uri.queryParameters
            let top = try Self.integer(query["top"], "top", default: 50, range: 1...10_000)
            let horizon = try Self.integer(query["horizon"], "horizon", default: 90, range: 7...730)
            if let ranking = await scores?.latest, ranking.report.horizonDays == horizon {
                return try Self.listing(ranking.report, users: ranking.userIds, top: top, scoredAt: ranking.scoredAt)
            }
            let snapshot = try await cache.current()
            if let scores, snapshot.activity.customerCount > Self.synchronousCustomerLimit {
                let failure = await scores.lastError
                throw APIError(
                    status: .serviceUnavailable, code: "scores_not_ready",
                    message: failure.map { "the last churn scoring failed: \($0)" }
                        ?? "churn risk for a \(horizon)-day horizon is not scored yet: the scheduled scoring runs at start and every "
                        + "--rescore-minutes (for the horizon `tenure serve` was started with); retry in a few minutes")
            }
            let attributes = try await cache.attributes(of: snapshot)
            let report: AtRiskReport
            do {
                report = try AtRiskRanking(label: .standard(horizonDays: Int32(horizon)), limit: top).run(on: snapshot.activity, attributes: attributes)
            } catch {
                throw APIError(status: .unprocessableContent, code: "not_enough_history", message: "\(error)")
            }
            let users = try await store.userIds(of: report.customers.map { snapshot.customerIds[$0.customer] })
            return try Self.listing(report, users: users, top: top, scoredAt: nil)
        }
    }

    static func listing(_ report: AtRiskReport, users: [String?], top: Int, scoredAt: Date?) throws -> Response {
        try AdminController.encode(
            Listing(
                asOf: DayNumber.isoString(report.cutoffDay), trainedAsOf: DayNumber.isoString(report.trainCutoffDay),
                horizonDays: report.horizonDays, scored: report.scoredCount,
                scoredAt: scoredAt,
                customers: zip(report.customers.prefix(top), users).map { c, user in
                    Entry(
                        userId: user, churnRisk: c.churnRisk, probabilityAlive: c.probabilityAlive, predictedCLV: c.predictedCLV,
                        expectedLoss: c.expectedLoss, reasons: c.reasons, action: c.action)
                }))
    }

    static func integer(_ text: Substring?, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw ReportsController.bad(name, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}
