import Foundation
import Testing
import TenureCore
import TenureStore

/// Chooses the default churn label against what the simulator knows and no model sees: who really
/// left. The shop goes through the store (snapshot and attributes as `tenure serve` builds them),
/// holding only the messages up to the scoring day, so current traits cannot leak what came later.
@Suite("Churn labels against the simulator's ground truth, with store-built attributes")
struct SimulatedTruthAttributesTests {
    struct Result: CustomStringConvertible {
        var definition: ChurnLabel.Definition
        var attributes: Bool
        var scored: Int, gone: Int
        /// AUC of the model's risk, and of days since last activity, on its own eligible customers.
        var modelAUC: Double, recencyAUC: Double
        /// The same two on the customers every variant scored.
        var commonModelAUC: Double, commonRecencyAUC: Double

        var description: String {
            "\(definition.rawValue)\(attributes ? " + attributes" : ""): \(scored) scored, \(gone) truly gone; AUC model \(f(modelAUC)) "
                + "vs recency \(f(recencyAUC)); on the common customers \(f(commonModelAUC)) vs \(f(commonRecencyAUC))"
        }

        private func f(_ x: Double) -> String { String(format: "%.3f", x) }
    }

    @Test("the default label ranks the customers who truly dropped out best, and better than recency")
    func defaultLabelAgainstTruth() async throws {
        // Given a D2C shop (seed 11, as in SimulatedTruthTests) stored up to 90 days before its end
        let end = Date(timeIntervalSince1970: 1_767_225_600)
        let customers = Array(try BusinessSimulator(SimulationConfiguration(customers: 4_000, months: 24, profile: .d2c, seed: 11, end: end)))
        let lastDay = customers.flatMap(\.messages).map { DayNumber.day(of: $0.timestamp) }.max() ?? 0
        let cutoff = lastDay - 90
        let store = try SQLiteStore.inMemory()
        _ = try await store.bulkImport { session in
            for customer in customers {
                for message in customer.messages where DayNumber.day(of: message.timestamp) <= cutoff { try session.write(message) }
            }
        }
        let snapshot = try await store.activitySnapshot()
        #expect(snapshot.activity.dayRange?.upperBound == cutoff)
        let attributes = try await store.customerAttributes(of: snapshot)
        let truthByUser = Dictionary(uniqueKeysWithValues: customers.map { ($0.truth.userId, $0.truth) })
        let users = try await store.userIds(of: snapshot.customerIds)
        let horizonEnd = DayNumber.date(of: cutoff + 90 + 1)
        // Truly gone: the simulator's dropout moment falls on or before the horizon's last day.
        let gone: [Bool?] = users.map { user in user.flatMap { truthByUser[$0] }.map { $0.churnDate.map { $0 < horizonEnd } ?? false } }

        // When each label trains a model at cutoff − 90 and scores everyone eligible at the cutoff
        let options = GradientBoostedTreesModel.Options(trees: 60, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)
        var runs: [(definition: ChurnLabel.Definition, attributes: Bool, scores: ChurnScores)] = []
        for definition in ChurnLabel.Definition.allCases {
            for withAttributes in [true, false] {
                let a = withAttributes ? attributes : nil
                let model = try ChurnModelFile.train(
                    on: snapshot.activity, attributes: a, label: definition.label(horizonDays: 90), cutoffDay: cutoff, boostedTrees: options,
                    backtest: false)
                runs.append((definition, withAttributes, try model.score(snapshot.activity, attributes: a, cutoffDay: cutoff)))
            }
        }
        let common = runs.map { Set($0.scores.customers) }.reduce(Set(0..<snapshot.customerIds.count)) { $0.intersection($1) }
        var results: [Result] = []
        for run in runs {
            let x = run.scores.features
            let recencyColumn = try #require(x.featureIndex(named: ChurnFeatures.Column.daysSinceLastActivity.name))
            var risk: [Double] = [], recency: [Double] = [], truth: [Bool] = []
            var commonRisk: [Double] = [], commonRecency: [Double] = [], commonTruth: [Bool] = []
            for (row, customer) in run.scores.customers.enumerated() {
                guard let g = gone[customer] else { continue }
                risk.append(run.scores.scored.probabilities[row])
                recency.append(Double(x[row, recencyColumn]))
                truth.append(g)
                if common.contains(customer) {
                    commonRisk.append(risk.last!)
                    commonRecency.append(recency.last!)
                    commonTruth.append(g)
                }
            }
            results.append(Result(
                definition: run.definition, attributes: run.attributes, scored: truth.count, gone: truth.filter { $0 }.count,
                modelAUC: ClassificationMetrics.rocAUC(scores: risk, labels: truth),
                recencyAUC: ClassificationMetrics.rocAUC(scores: recency, labels: truth),
                commonModelAUC: ClassificationMetrics.rocAUC(scores: commonRisk, labels: commonTruth),
                commonRecencyAUC: ClassificationMetrics.rocAUC(scores: commonRecency, labels: commonTruth)))
        }
        for result in results { print("truth check: \(result)") }

        // Then the default label with attributes beats recency and the other label, on the same customers
        let standard = try #require(results.first { $0.definition == .standard && $0.attributes })
        let other = try #require(results.first { $0.definition != .standard && $0.attributes })
        #expect(standard.gone > 300 && standard.scored - standard.gone > 300)
        #expect(standard.modelAUC > standard.recencyAUC + 0.02)
        #expect(standard.commonModelAUC > other.commonModelAUC)
        // And the attribute columns were there to use
        #expect(attributes.surveyScores.count > 1_000 && attributes.discountedOrders.count > 1_000 && !attributes.traits.isEmpty)
    }
}
