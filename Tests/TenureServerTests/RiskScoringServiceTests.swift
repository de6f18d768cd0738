import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureCore
import TenureServer
import TenureStore

@Suite struct RiskScoringServiceTests {
    struct Listing: Decodable {
        struct Entry: Decodable {
            var userId: String?
            var churnRisk: Double
        }
        var customers: [Entry]
        var scored: Int
        var scoredAt: Date?
    }

    @Test func scoresOnScheduleAnswersFromTheLatestRankingAndSurvivesARestart() async throws {
        // Given a simulated shop in the store and a scores file
        let server = try await TestServer()
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: 1_000, months: 18, profile: .d2c, seed: 5, end: ISO8601Timestamp.parse("2026-06-30")!))
        _ = try await server.store.importSimulation(simulator)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("risk-scores-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let logger = Logger(label: "test")
        let cache = SnapshotCache(store: server.store)
        let scores = RiskScores(file: file, logger: logger)
        #expect(await scores.latest == nil)

        // When the service scores once
        let service = RiskScoringService(configuration: .init(horizonDays: 90), cache: cache, store: server.store, scores: scores, logger: logger)
        await service.scoreOnce()

        // Then a ranking is kept, persisted, and read back by a restarted server
        let ranking = try #require(await scores.latest)
        #expect(ranking.report.horizonDays == 90 && ranking.report.customers.count == ranking.userIds.count)
        #expect(ranking.report.scoredCount >= ranking.report.customers.count && !ranking.report.customers.isEmpty)
        #expect(ranking.backtest != nil)
        #expect(ranking.report.scores?.scoredCount == ranking.report.scoredCount && ranking.snapshotGeneration != nil)
        let restarted = RiskScores(file: file, logger: logger)
        // Every customer's scores are not kept in the file: the next scoring rebuilds them.
        var persisted = ranking
        persisted.report.scores = nil
        persisted.snapshotGeneration = nil
        #expect(await restarted.latest == persisted)

        // And the at-risk route answers from it without training
        let router = Router(context: TenureRequestContext.self)
        AtRiskController(cache: cache, store: server.store, authenticator: APIKeyAuthenticator(store: server.store), scores: restarted)
            .addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/at-risk?top=5", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                let listing = try decoder.decode(Listing.self, from: Data(response.body.readableBytesView))
                #expect(listing.scoredAt != nil && listing.customers.count == 5 && listing.scored == ranking.report.scoredCount)
                #expect(listing.customers.map(\.userId) == Array(ranking.userIds.prefix(5)))
            }
        }
    }
}
