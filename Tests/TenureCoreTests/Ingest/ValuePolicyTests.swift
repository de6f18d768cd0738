import Foundation
import Testing
import TenureCore

/// The value policy at the door: every bound, the partial batch, and the conversions behind it.
@Suite struct ValuePolicyTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let policy = ValuePolicy.live

    func order(_ properties: [String: JSONValue], name: String = StandardEvent.orderCompleted, at time: Date? = nil) -> Message {
        Message(kind: .track, messageId: "m", userId: "u", name: name, timestamp: time ?? now, receivedAt: now, properties: properties)
    }

    func refusal(_ message: Message) -> IngestError? {
        do {
            try policy.check(message, index: 3)
            return nil
        } catch {
            return error
        }
    }

    @Test func moneyIsFiniteAndWithinTenToTheTwelve() throws {
        for field in ["total", "revenue", "discount", "amount"] {
            #expect(refusal(order([field: .number(1e12)])) == nil, "\(field) at the bound")
            #expect(refusal(order([field: .number(-0.0)])) == nil)
            #expect(refusal(order([field: "12.50"])) == nil, "numeric strings are money too")
            #expect(refusal(order([field: .null])) == nil)
            for bad: JSONValue in [.number(1e12 + 1), .number(1e19), .number(-1e19), .number(1e308), "1e19", "NaN", "inf", "abc", .bool(true), [1], ["a": 1]] {
                let error: IngestError = try #require(refusal(order([field: bad])), "\(field) = \(bad)")
                #expect(error.code == .invalidField && error.field == "properties.\(field)" && error.index == 3)
                #expect(error.message.contains("batch item 3") && error.message.contains("properties.\(field)"))
            }
        }
        let error = try #require(refusal(order(["total": .number(5e15)])))
        #expect(error.message.contains("5e+15") && error.message.contains("±1e+12"), "names the value and the bound: \(error.message)")
    }

    @Test func negativeAmountsOnlyOnRefundsWhichReduceRevenue() throws {
        let sale = try #require(refusal(order(["total": -5])))
        #expect(sale.field == "properties.total" && sale.message.contains("Order Refunded"))
        #expect(refusal(order(["revenue": -5], name: "Upgraded")) != nil)
        let refund = order(["order_id": "o1", "total": -5], name: StandardEvent.orderRefunded)
        #expect(refusal(refund) == nil)
        #expect(refund.revenue == -5)
        #expect(order(["total": 5], name: StandardEvent.orderRefunded).revenue == -5, "whatever sign it is sent with")
        #expect(refusal(order(["total": -1e13], name: StandardEvent.orderRefunded)) != nil, "bounded too")
    }

    @Test func productLinesAndTheirProduct() throws {
        func lines(_ price: JSONValue, _ quantity: JSONValue) -> Message {
            order(["products": [["product_id": "p", "price": price, "quantity": quantity]]])
        }
        #expect(refusal(lines(20, 3)) == nil)
        #expect(refusal(lines(20, 0)) == nil)
        #expect(try #require(refusal(lines(1e19, 1))).field == "properties.products[0].price")
        #expect(try #require(refusal(lines(-2, 1))).field == "properties.products[0].price")
        #expect(try #require(refusal(lines(2, 1e10))).field == "properties.products[0].quantity")
        #expect(try #require(refusal(lines(2, -1))).field == "properties.products[0].quantity")
        #expect(try #require(refusal(lines("x", 1))).field == "properties.products[0].price")
        // Each within bounds, their product beyond: the order's value is refused.
        #expect(try #require(refusal(lines(1e12, 1e9))).field == "properties.products")
    }

    @Test func timesFrom1990ToADayAfterReceipt() throws {
        #expect(refusal(order([:], at: ISO8601Timestamp.parse("1990-01-01T00:00:00Z"))) == nil)
        #expect(refusal(order([:], at: now.addingTimeInterval(86_400))) == nil)
        for time in ["1970-01-01T00:00:00Z", "1989-12-31T23:59:59Z", "9999-12-31T00:00:00Z"] {
            let error = try #require(refusal(order([:], at: ISO8601Timestamp.parse(time))), "\(time)")
            #expect(error.code == .invalidTimestamp && error.field == "timestamp" && error.message.contains("1990-01-01"))
        }
        #expect(refusal(order([:], at: now.addingTimeInterval(86_401))) != nil)
        var history = ValuePolicy.live
        history.earliestTimestamp = try #require(ISO8601Timestamp.parse("1950-01-01"))
        #expect((try? history.check(order([:], at: ISO8601Timestamp.parse("1970-01-01T00:00:00Z")))) != nil, "imports of history may go earlier")
    }

    @Test func otherKindsAndPropertiesAreLeftAlone() {
        let identify = Message(kind: .identify, messageId: "i", userId: "u", timestamp: now, traits: ["score": .number(1e308)])
        #expect(refusal(identify) == nil)
        #expect(refusal(order(["price": .number(1e30), "tax": "lots"], name: "Product Viewed")) == nil, "Tenure reads no money from these")
    }

    @Test func aBatchKeepsItsGoodRecordsAndNamesTheRefusedOnes() throws {
        let body = #"""
            {"batch":[
              {"type":"track","userId":"a","event":"Order Completed","properties":{"total":10}},
              {"type":"track","userId":"b","event":"Order Completed","properties":{"total":1e19}},
              {"type":"track","userId":"c","event":"Order Completed","properties":{"total":"NaN"}},
              {"type":"identify","userId":"d","timestamp":"1970-01-01T00:00:00Z"},
              {"type":"track","userId":"e","event":"Order Completed","properties":{"total":7}}
            ]}
            """#
        let request = try SegmentParser.parse(body: Data(body.utf8), kind: nil, receivedAt: now)
        #expect(request.messages.map(\.userId) == ["a", "e"])
        #expect(request.rejected.map(\.index) == [1, 2, 3])
        #expect(request.rejected.map(\.field) == ["properties.total", "properties.total", "timestamp"])
        // A malformed item still refuses the whole request.
        #expect(throws: IngestError.self) {
            try SegmentParser.parse(body: Data(#"{"batch":[{"type":"track","userId":"a","event":5}]}"#.utf8), kind: nil, receivedAt: now)
        }
        let posthog = try PostHogParser.parse(
            body: Data(#"{"api_key":"k","batch":[{"event":"Order Completed","distinct_id":"x","properties":{"revenue":1e19}},{"event":"x","distinct_id":"y"}]}"#.utf8),
            receivedAt: now)
        #expect(posthog.messages.map(\.userId) == ["y"] && posthog.rejected.map(\.field) == ["properties.revenue"])
    }

    @Test func anEventThatIsNotAStringIsAnInvalidField() throws {
        var refused: IngestError?
        do {
            _ = try SegmentParser.parse(body: Data(#"{"userId":"u","event":5}"#.utf8), kind: .track, receivedAt: now)
        } catch {
            refused = error
        }
        #expect(refused?.code == .invalidField && refused?.field == "event")
    }

    @Test func numbersFromDataNeverTrap() {
        #expect(JSONValue.string("nan").doubleValue == nil && JSONValue.string("inf").doubleValue == nil)
        #expect(JSONValue.string("1e400").doubleValue == nil && JSONValue.number(.infinity).doubleValue == nil)
        #expect(JSONValue.string(" 12.5 ").doubleValue == 12.5)
        #expect(Int(saturating: .nan) == 0 && Int(saturating: .nan, nan: -1) == -1)
        #expect(Int(saturating: 1e19) == .max && Int(saturating: -1e300) == .min && Int(saturating: -.infinity) == .min)
        #expect(Int(saturating: 42.9) == 42 && Int(saturating: -42.9) == -42)
        #expect(Int32(saturating: 1e10) == .max && Int64(saturating: 9.3e18) == .max)
        #expect(DayNumber.day(of: Date(timeIntervalSince1970: 1e300)) == .max)
        #expect(ValuePolicy.live.storedMoney(1e308).isNaN && ValuePolicy.live.storedMoney(.infinity).isNaN)
        #expect(ValuePolicy.live.storedMoney(-12.5) == -12.5)
    }
}
