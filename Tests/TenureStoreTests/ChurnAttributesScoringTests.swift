import Foundation
import Testing
import TenureCore
import TenureStore

@Suite("Churn models scored with store-built attributes")
struct ChurnAttributesScoringTests {
    static let end = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func simulate(customers: Int, seed: UInt64, months: Int = 18) throws -> [SimulatedCustomer] {
        Array(try BusinessSimulator(SimulationConfiguration(customers: customers, months: months, profile: .d2c, seed: seed, end: end)))
    }

    /// A store holding `customers`' messages, in the order given, plus `extra` messages.
    static func store(_ customers: [SimulatedCustomer], extra: [Message] = []) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        let all = customers.flatMap(\.messages) + extra
        _ = try await store.bulkImport { session in
            for message in all { try session.write(message) }
        }
        return store
    }

    /// User id → churn probability of every scored customer.
    static func probabilities(_ model: ChurnModelFile, _ store: SQLiteStore) async throws
        -> (byUser: [String: UInt64], trait: [String: String?], scores: ChurnScores, attributes: CustomerAttributes)
    {
        let snapshot = try await store.activitySnapshot()
        let attributes = try await store.customerAttributes(of: snapshot)
        let scores = try model.score(snapshot.activity, attributes: attributes)
        let users = try await store.userIds(of: scores.customers.map { snapshot.customerIds[$0] })
        let country = try #require(scores.features.featureIndex(named: "trait_country"))
        var byUser: [String: UInt64] = [:], trait: [String: String?] = [:]
        for (row, user) in users.enumerated() {
            guard let user else { continue }
            byUser[user] = scores.scored.probabilities[row].bitPattern
            trait[user] = scores.features.displayValue(row: row, feature: country)
        }
        return (byUser, trait, scores, attributes)
    }

    @Test("a saved model scores the same customers identically when levels are coded differently or a trait is gone")
    func levelsByName() async throws {
        // Given a model trained with store-built attributes, saved and loaded
        let customers = try Self.simulate(customers: 500, seed: 3)
        let first = try await Self.store(customers)
        let snapshot = try await first.activitySnapshot()
        let attributes = try await first.customerAttributes(of: snapshot)
        #expect(attributes.surveyScores.count > 100 && attributes.discountedOrders.count > 50)
        let traitNames = attributes.traits.map(\.name)
        #expect(traitNames.contains("country") && traitNames.contains("signup_channel") && !traitNames.contains("email"))
        let options = GradientBoostedTreesModel.Options(trees: 30, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)
        let trained = try ChurnModelFile.train(
            on: snapshot.activity, attributes: attributes, label: .standard(), boostedTrees: options, backtest: false)
        let model = try ChurnModelFile(jsonData: trained.jsonData())
        #expect(model.model.features.contains { $0.name == "trait_country" && $0.isCategorical })
        #expect(model.model.features.contains { $0.name == "latest_nps" })

        // When the same customers are stored in reverse order, with a newcomer whose country sorts
        // first (every country's level code shifts by one)
        let newcomer = [
            Message(kind: .identify, messageId: "newcomer-1", userId: "newcomer", timestamp: Self.end.addingTimeInterval(-40 * 86_400),
                    traits: ["country": "AA"]),
        ]
        let second = try await Self.store(customers.reversed(), extra: newcomer)
        let before = try await Self.probabilities(model, first), after = try await Self.probabilities(model, second)

        // Then the raw codes differ, yet the model sees the same levels and gives the same scores
        let firstCountry = try #require(before.attributes.trait(named: "country"))
        let secondCountry = try #require(after.attributes.trait(named: "country"))
        #expect(firstCountry.levels != secondCountry.levels && secondCountry.levels?.first == "AA")
        #expect(before.scores.customers.count > 100)
        for (user, bits) in before.byUser {
            #expect(after.byUser[user] == bits, "\(user)")
            #expect(after.trait[user] == before.trait[user], "\(user)")
        }
        #expect((after.trait["newcomer"] ?? nil) == nil)  // a level the model never saw is missing, not another country

        // And a trait the store no longer feeds is missing: the same as a column of missing values
        let snapshot2 = try await second.activitySnapshot()
        var withoutCountry = CustomerAttributes(customerCount: snapshot2.customerIds.count)
        var blankCountry = withoutCountry
        for trait in after.attributes.traits where trait.name != "country" {
            withoutCountry.addTrait(trait)
            blankCountry.addTrait(trait)
        }
        blankCountry.addTrait(.init(name: "country", levels: [], values: [Float](repeating: .nan, count: snapshot2.customerIds.count)))
        let gone = try model.score(snapshot2.activity, attributes: withoutCountry)
        let blank = try model.score(snapshot2.activity, attributes: blankCountry)
        #expect(gone.scored.probabilities == blank.scored.probabilities)
        let column = try #require(gone.features.featureIndex(named: "trait_country"))
        let allMissing = gone.features.column(column).allSatisfy { $0.isNaN }
        #expect(allMissing)
    }
}
