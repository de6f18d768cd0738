import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `GET /api/v1/at-risk?top=50&horizon=90` (admin key): valuable customers most likely to leave,
/// ranked by expected loss (risk × predicted CLV), with reasons and a suggested action.
public struct AtRiskController: Sendable {
    let cache: SnapshotCache
    let store: any EventStore
    let authenticator: APIKeyAuthenticator

    public init(cache: SnapshotCache, store: any EventStore, authenticator: APIKeyAuthenticator) {
        self.cache = cache
        self.store = store
        self.authenticator = authenticator
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
        var customers: [Entry]
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        router.get("/api/v1/at-risk") { request, _ in
            _ = try await authenticator.require(.admin, headers: request.headers)
            let query = request.uri.queryParameters
            let top = try Self.integer(query["top"], "top", default: 50, range: 1...10_000)
            let horizon = try Self.integer(query["horizon"], "horizon", default: 90, range: 7...730)
            let snapshot = try await cache.current()
            let report: AtRiskReport
            do {
                report = try AtRiskRanking(label: .noPurchase(horizonDays: Int32(horizon)), limit: top).run(on: snapshot.activity)
            } catch {
                throw APIError(status: .unprocessableContent, code: "not_enough_history", message: "\(error)")
            }
            let users = try await store.userIds(of: report.customers.map { snapshot.customerIds[$0.customer] })
            return try AdminController.encode(
                Listing(
                    asOf: DayNumber.isoString(report.cutoffDay), trainedAsOf: DayNumber.isoString(report.trainCutoffDay),
                    horizonDays: report.horizonDays, scored: report.scoredCount,
                    customers: zip(report.customers, users).map { c, user in
                        Entry(
                            userId: user, churnRisk: c.churnRisk, probabilityAlive: c.probabilityAlive, predictedCLV: c.predictedCLV,
                            expectedLoss: c.expectedLoss, reasons: c.reasons, action: c.action)
                    }))
        }
    }

    static func integer(_ text: Substring?, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw ReportsController.bad(name, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}
