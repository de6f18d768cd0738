import Foundation
import TenureCore
import Testing

@Suite("T-learner uplift model on boosted trees")
struct TLearnerUpliftTests {
    /// The four classic uplift segments, defined by two features (engagement and recency, each
    /// uniform on 0…1): P(convert) without and with the journey's message.
    enum Segment: CaseIterable {
        case persuadable, sureThing, lostCause, sleepingDog

        var rates: (control: Double, treated: Double) {
            switch self {
            case .persuadable: (0.05, 0.35)
            case .sureThing: (0.60, 0.60)
            case .lostCause: (0.02, 0.02)
            case .sleepingDog: (0.40, 0.15)
            }
        }

        var trueUplift: Double { rates.treated - rates.control }

        static func of(engagement: Float, recency: Float) -> Segment {
            switch (engagement > 0.5, recency > 0.5) {
            case (true, false): .persuadable
            case (true, true): .sureThing
            case (false, false): .lostCause
            case (false, true): .sleepingDog
            }
        }
    }

    /// A randomized journey: half treated, two informative features and two noise features.
    struct Journey {
        var x: FeatureMatrix
        var segments: [Segment]
        var treated: [Bool]
        var outcomes: [Bool]

        init(customers n: Int, seed: UInt64) {
            var g = SeededGenerator(seed: seed)
            var engagement: [Float] = [], recency: [Float] = [], noise: [Float] = [], tenure: [Float] = []
            segments = []
            treated = []
            outcomes = []
            for _ in 0..<n {
                let e = Float(g.nextUnitInterval()), r = Float(g.nextUnitInterval())
                engagement.append(e)
                recency.append(r)
                noise.append(Float(g.nextStandardNormal()))
                tenure.append(Float(g.nextExponential(rate: 1.0 / 300)))
                let segment = Segment.of(engagement: e, recency: r), isTreated = g.nextUnitInterval() < 0.5
                segments.append(segment)
                treated.append(isTreated)
                outcomes.append(g.nextUnitInterval() < (isTreated ? segment.rates.treated : segment.rates.control))
            }
            x = FeatureMatrix(columns: [
                (FeatureMatrix.Feature(name: "engagement"), engagement), (FeatureMatrix.Feature(name: "recency"), recency),
                (FeatureMatrix.Feature(name: "noise"), noise), (FeatureMatrix.Feature(name: "tenure_days"), tenure),
            ])
        }
    }

    static let options = GradientBoostedTreesModel.Options(trees: 40, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, seed: 3)

    @Test("on held-out customers the T-learner's ranking beats random and propensity on the Qini coefficient")
    func qiniBeatsRandom() throws {
        // Given: a journey's randomized customers to train on, and another journey's to evaluate.
        let train = Journey(customers: 6_000, seed: 1), test = Journey(customers: 6_000, seed: 2)

        // When: the two models are fitted and the held-out customers scored.
        let model = try TLearnerUpliftModel.fit(train.x, treated: train.treated, outcomes: train.outcomes, options: Self.options)
        let predictions = try model.predict(test.x)

        // Then: the ranking by predicted uplift finds the incremental conversions, unlike a
        // random order or the control model's propensity (which puts sure things and sleeping
        // dogs first).
        func qini(_ scores: [Double]) throws -> QiniCurve {
            try QiniCurve(scores: scores, treated: test.treated, outcomes: test.outcomes)
        }
        var g = SeededGenerator(seed: 99)
        let curve = try qini(predictions.uplift)
        let learned = try #require(curve.coefficient)
        let oracle = try #require(try qini(test.segments.map(\.trueUplift)).coefficient)
        let random = try #require(try qini((0..<test.x.rowCount).map { _ in g.nextUnitInterval() }).coefficient)
        let propensity = try #require(try qini(predictions.ifControl).coefficient)
        // The coefficient is relative to the perfect curve, which puts every treated converter
        // first; with sure things and lost causes in the data even the true uplift's ranking
        // reaches only about 0.24 here.
        #expect(learned > random + 0.15, "T-learner Qini \(learned), random \(random)")
        #expect(abs(random) < 0.05, "a random ranking's Qini \(random)")
        #expect(learned > 0.9 * oracle, "T-learner Qini \(learned), true-uplift ranking \(oracle)")
        #expect(learned > propensity + 0.2, "T-learner Qini \(learned), ranking by propensity \(propensity)")
        // Targeting the top quarter by uplift (the persuadables) gains several times more than
        // sending to everyone, whom the sleeping dogs cost conversions.
        let everyone = try #require(curve.points.last?.incrementalConversions)
        #expect(curve.incrementalConversions(atFraction: 0.25) > 3 * everyone, "top 25 %: \(curve.incrementalConversions(atFraction: 0.25)), everyone: \(everyone)")
        #expect(model.treatedCount + model.controlCount == 6_000 && model.features.map(\.name).first == "engagement")
    }

    @Test("predicted uplift recovers each segment's true uplift, and the top N by uplift are the persuadables")
    func segmentsAndTopN() throws {
        let train = Journey(customers: 6_000, seed: 5), test = Journey(customers: 4_000, seed: 6)
        let model = try TLearnerUpliftModel.fit(train.x, treated: train.treated, outcomes: train.outcomes, options: Self.options)
        let predictions = try model.predict(test.x)
        for segment in Segment.allCases {
            let rows = test.segments.indices.filter { test.segments[$0] == segment }
            let mean = rows.map { predictions.uplift[$0] }.reduce(0, +) / Double(rows.count)
            #expect(abs(mean - segment.trueUplift) < 0.06, "\(segment): mean predicted uplift \(mean), truth \(segment.trueUplift)")
        }
        for i in 0..<predictions.count {
            #expect(abs(predictions.uplift[i] - (predictions.ifTreated[i] - predictions.ifControl[i])) < 1e-15)
        }

        // The top 500 of 4,000 (the persuadables are about 1,000) and the bottom 500.
        let top = predictions.topRows(500)
        let persuadable = top.filter { test.segments[$0] == .persuadable }.count
        #expect(persuadable >= 450, "\(persuadable) of the top 500 by uplift are persuadable")
        let bottom = Array(predictions.topRows(predictions.count).suffix(500))
        let dogs = bottom.filter { test.segments[$0] == .sleepingDog }.count
        #expect(dogs >= 450, "\(dogs) of the bottom 500 by uplift are sleeping dogs")

        let customers = (0..<predictions.count).map { 10_000 + $0 }
        let ranked = try predictions.top(3, customers: customers)
        #expect(ranked.map(\.customer) == top.prefix(3).map { customers[$0] })
        #expect(ranked.allSatisfy { abs($0.uplift - ($0.ifTreated - $0.ifControl)) < 1e-15 })
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.uplift >= $1.uplift })
    }

    @Test("ties rank by customer, NaN last, and a limit beyond the rows returns them all")
    func rankingOrder() throws {
        let predictions = UpliftPredictions(ifTreated: [0.5, 0.7, .nan, 0.7, 0.2], ifControl: [0.1, 0.2, 0.1, 0.2, 0.3])
        #expect(predictions.topRows(10) == [1, 3, 0, 4, 2])
        #expect(predictions.topRows(-1).isEmpty)
        let ranked = try predictions.top(2, customers: [50, 40, 30, 20, 10])
        #expect(ranked.map(\.customer) == [20, 40])
        #expect(throws: UpliftModelError.countMismatch(rows: 5, of: "customer ids", count: 2)) {
            try predictions.top(2, customers: [1, 2])
        }
    }

    @Test("an arm whose customers all have one outcome gets a constant model; bad input gets a typed error")
    func edgeCases() throws {
        let journey = Journey(customers: 600, seed: 8)
        // No control customer converts.
        let outcomes = journey.outcomes.indices.map { journey.treated[$0] && journey.outcomes[$0] }
        let controls = journey.treated.filter { !$0 }.count
        let model = try TLearnerUpliftModel.fit(journey.x, treated: journey.treated, outcomes: outcomes, options: Self.options)
        let predictions = try model.predict(journey.x)
        #expect(model.controlModel.trees.isEmpty)
        let expected = 0.5 / (Double(controls) + 1)
        #expect(predictions.ifControl.allSatisfy { abs($0 - expected) < 1e-12 })
        #expect(predictions.uplift.allSatisfy { $0.isFinite })

        #expect(throws: UpliftModelError.countMismatch(rows: 600, of: "treatment flags", count: 3)) {
            try TLearnerUpliftModel.fit(journey.x, treated: [true, false, true], outcomes: journey.outcomes)
        }
        #expect(throws: UpliftModelError.noControlCustomers) {
            try TLearnerUpliftModel.fit(journey.x, treated: journey.treated.map { _ in true }, outcomes: journey.outcomes)
        }
        #expect(throws: UpliftModelError.noTreatedCustomers) {
            try TLearnerUpliftModel.fit(journey.x, treated: journey.treated.map { _ in false }, outcomes: journey.outcomes)
        }
        let other = FeatureMatrix(columns: [(FeatureMatrix.Feature(name: "engagement"), [0.5])])
        #expect(throws: UpliftModelError.self) { try model.predict(other) }
        #expect(!UpliftModelError.noControlCustomers.description.isEmpty)
    }

    @Test("a model survives a JSON round trip and predicts the same")
    func codableRoundTrip() throws {
        let journey = Journey(customers: 1_000, seed: 9)
        let model = try TLearnerUpliftModel.fit(journey.x, treated: journey.treated, outcomes: journey.outcomes, options: Self.options)
        let decoded = try JSONDecoder().decode(TLearnerUpliftModel.self, from: try JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(try decoded.predict(journey.x) == (try model.predict(journey.x)))
    }
}
