import Foundation
import Testing
import TenureCore

@Suite("Choosing identify traits as churn-model columns")
struct CustomerTraitColumnsTests {
    @Test("sparse traits, many-level categories and identifiers are dropped; kinds follow the majority")
    func rules() throws {
        // Given 300 customers
        var collector = CustomerTraitColumns(customerCount: 300)
        for c in 0..<300 {
            var traits: [String: JSONValue] = [
                "tier": c % 3 == 0 ? "gold" : "silver",
                "age": .number(Double(20 + c % 50)),
                "opted_in": .bool(c % 2 == 0),
                "city": .string("City \(c % 60)"),  // 60 levels
                "account_id": .string("acct-\(c % 5)"),
                "seats": c == 7 ? "lots" : .number(Double(c % 4)),  // mostly numbers
                "meta": ["nested": 1],
            ]
            if c < 2 { traits["rare"] = "yes" }  // 2 of 300: under 1 %
            if c < 3 { traits["uncommon"] = "yes" }  // 3 of 300: exactly 1 %
            collector.add(customer: c, traits: traits)
        }
        // When the columns are chosen
        let columns = collector.columns()
        // Then
        #expect(columns.map(\.name) == ["age", "opted_in", "seats", "tier", "uncommon"])
        let tier = try #require(columns.first { $0.name == "tier" })
        #expect(tier.levels == ["gold", "silver"] && tier.values[0] == 0 && tier.values[1] == 1)
        let seats = try #require(columns.first { $0.name == "seats" })
        #expect(seats.levels == nil && seats.values[7].isNaN && seats.values[6] == 2)
        let optedIn = try #require(columns.first { $0.name == "opted_in" })
        #expect(optedIn.values[0] == 1 && optedIn.values[1] == 0)
        #expect(try #require(columns.first { $0.name == "uncommon" }).values[3].isNaN)
    }

    @Test("at most 20 trait columns: the most widely set ones")
    func cap() {
        var collector = CustomerTraitColumns(customerCount: 100)
        for c in 0..<100 {
            // Trait k is set for the first 100 − k customers.
            let traits = Dictionary(uniqueKeysWithValues: (0..<30).filter { c < 100 - $0 }.map { ("t\(String(format: "%02d", $0))", JSONValue.number(Double(c))) })
            collector.add(customer: c, traits: traits)
        }
        let names = collector.columns().map(\.name)
        #expect(names == (0..<CustomerTraitColumns.maximumColumns).map { "t\(String(format: "%02d", $0))" })
    }

    @Test("categorical levels are mapped by name when scoring, so codes built in another order score the same")
    func levelsByNameInCore() throws {
        // Given a model trained with a plan trait whose codes follow first appearance
        let snapshot = churnSynthetic
        let n = snapshot.customerCount
        let plans = ["basic", "pro", "team", "enterprise"]
        var forward = CustomerAttributes(customerCount: n), backward = CustomerAttributes(customerCount: n)
        for c in 0..<n { forward.setTrait(customer: c, name: "plan", category: plans[(c * 7) % 4]) }
        for c in (0..<n).reversed() { backward.setTrait(customer: c, name: "plan", category: plans[(c * 7) % 4]) }
        #expect(forward.traits[0].levels != backward.traits[0].levels)  // the codes really differ
        let options = GradientBoostedTreesModel.Options(trees: 20, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)
        let trained = try ChurnModelFile.train(on: snapshot, attributes: forward, label: .noPurchase(), boostedTrees: options, backtest: false)
        let model = try ChurnModelFile(jsonData: trained.jsonData())
        // When it scores with attributes built in the other order
        let a = try model.score(snapshot, attributes: forward), b = try model.score(snapshot, attributes: backward)
        // Then the scores are identical, and the plan column holds the same level names
        let identical = a.scored.probabilities.map(\.bitPattern) == b.scored.probabilities.map(\.bitPattern)
        #expect(identical)
        let j = try #require(a.features.featureIndex(named: "trait_plan"))
        let sameLevels = (0..<a.features.rowCount).allSatisfy { a.features.displayValue(row: $0, feature: j) == b.features.displayValue(row: $0, feature: j) }
        #expect(sameLevels)
    }
}
