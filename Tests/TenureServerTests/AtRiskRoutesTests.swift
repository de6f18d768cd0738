import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TenureCore
import TenureStore

@Suite struct AtRiskRoutesTests {
    struct Listing: Decodable {
        struct Entry: Decodable {
            var userId: String?
            var churnRisk: Double
            var predictedCLV: Double
            var expectedLoss: Double
            var reasons: [FeatureContributions.Reason]
            var action: RetentionAction
        }
        var customers: [Entry]
        var scored: Int
    }

    @Test func ranksASimulatedShopByExpectedLoss() async throws {
        let server = try await TestServer()
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: 1_500, months: 18, profile: .d2c, seed: 11, end: ISO8601Timestamp.parse("2026-06-30")!))
        _ = try await server.store.importSimulation(simulator)
        try await server.run { client in
            try await client.execute(uri: "/api/v1/at-risk?top=10", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let listing = try JSONDecoder().decode(Listing.self, from: Data(response.body.readableBytesView))
                #expect(listing.customers.count == 10 && listing.scored >= 10)
                let losses = listing.customers.map(\.expectedLoss)
                #expect(losses == losses.sorted(by: >))
                for c in listing.customers {
                    #expect(c.userId?.hasPrefix("c") == true)
                    #expect(abs(c.expectedLoss - c.churnRisk * c.predictedCLV) < 1e-6 * max(1, c.expectedLoss))
                    #expect(!c.reasons.isEmpty)
                }
            }
            for bad in ["top=0", "top=abc", "horizon=1", "horizon=" + String(repeating: "9", count: 40)] {
                try await client.execute(uri: "/api/v1/at-risk?" + bad, method: .get, headers: server.bearerAdmin) { #expect($0.status == .badRequest, "\(bad)") }
            }
            try await client.execute(uri: "/api/v1/at-risk", method: .get, headers: [.authorization: "Bearer " + server.writeKey]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func tooLittleHistoryIsExplained() async throws {
        let server = try await TestServer()
        _ = try await server.store.ingest([[
            Message(kind: .track, messageId: "1", userId: "a", name: "Order Completed", timestamp: ISO8601Timestamp.parse("2026-01-05")!, properties: ["total": 5])
        ]])
        try await server.run { client in
            try await client.execute(uri: "/api/v1/at-risk", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("not_enough_history"))
            }
        }
    }
}
