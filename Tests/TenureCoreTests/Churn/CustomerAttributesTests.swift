import Foundation
import Testing
import TenureCore

@Suite("Churn features: feedback, complaints and customer attributes")
struct CustomerAttributesTests {
    typealias C = ChurnFeatures.Column
    static let cutoff: Int32 = 1000

    /// Customer 0: surveys, complaints, discounted orders and traits; customer 1: orders only,
    /// no attributes; customer 2: events after the cutoff only.
    static func snapshot() -> ActivitySnapshot {
        var b = ActivitySnapshotBuilder(customerCount: 3)
        b.add(customer: 0, day: 800, typeName: StandardEvent.orderCompleted, value: 40)
        b.add(customer: 0, day: 900, typeName: StandardEvent.orderCompleted, value: 60)
        b.add(customer: 0, day: 880, typeName: StandardEvent.complaintOpened)
        b.add(customer: 0, day: 890, typeName: StandardEvent.complaintResolved)
        b.add(customer: 0, day: 950, typeName: StandardEvent.complaintOpened)
        b.add(customer: 0, day: 960, typeName: StandardEvent.surveyResponded)
        b.add(customer: 0, day: 1010, typeName: StandardEvent.surveyResponded)  // after the cutoff
        b.add(customer: 1, day: 990, typeName: StandardEvent.orderCompleted, value: 10)
        b.add(customer: 2, day: 1005, typeName: StandardEvent.orderCompleted, value: 10)
        return b.build()
    }

    static func attributes() -> CustomerAttributes {
        var a = CustomerAttributes(customerCount: 3)
        a.addSurveyScore(customer: 0, day: 700, score: 9)
        a.addSurveyScore(customer: 0, day: 960, score: 3)
        a.addSurveyScore(customer: 0, day: 1010, score: 0)  // after the cutoff: not seen
        a.addDiscountedOrder(customer: 0, day: 900)
        a.addDiscountedOrder(customer: 1, day: 1003)  // after the cutoff
        a.setTrait(customer: 0, name: "plan", category: "pro")
        a.setTrait(customer: 1, name: "plan", category: "basic")
        a.setTrait(customer: 0, name: "employees", number: 12)
        return a
    }

    @Test("snapshot columns: feedback and open complaints as of the cutoff")
    func snapshotColumns() throws {
        let table = ChurnFeatures().table(from: Self.snapshot(), cutoffDay: Self.cutoff)
        #expect(table.customers == [0, 1])
        let r0 = try #require(table.row(ofCustomer: 0)), r1 = try #require(table.row(ofCustomer: 1))
        #expect(table[r0, .daysSinceLastFeedback] == 40)
        #expect(table[r0, .openComplaints] == 1)
        #expect(table[r0, .complaints90d] == 1)
        #expect(table[r1, .daysSinceLastFeedback].isNaN)
        #expect(table[r1, .openComplaints] == 0)
    }

    @Test("attribute columns: latest NPS, discount share and traits, missing kept missing")
    func attributeColumns() throws {
        let table = ChurnFeatures().table(from: Self.snapshot(), cutoffDay: Self.cutoff, attributes: Self.attributes())
        let names = table.matrix.features.map(\.name)
        #expect(names == C.allCases.map(\.name) + ChurnFeatures.attributeColumnNames + ["trait_plan", "trait_employees"])
        let x = table.matrix, m = C.allCases.count
        let r0 = try #require(table.row(ofCustomer: 0)), r1 = try #require(table.row(ofCustomer: 1))
        #expect(x[r0, m] == 3)  // the answer on day 960, not the later one
        #expect(x[r0, m + 1] == 40)
        #expect(x[r0, m + 2] == 0.5)  // 1 of 2 orders discounted
        #expect(x.displayValue(row: r0, feature: m + 3) == "pro")
        #expect(x[r0, m + 4] == 12)
        #expect(x[r1, m].isNaN && x[r1, m + 1].isNaN)
        #expect(x[r1, m + 2] == 0)  // the discounted order came after the cutoff
        #expect(x.displayValue(row: r1, feature: m + 3) == "basic")
        #expect(x[r1, m + 4].isNaN)
        #expect(x.features[m + 3].kind == .categorical(levels: ["pro", "basic"]))
    }
}
