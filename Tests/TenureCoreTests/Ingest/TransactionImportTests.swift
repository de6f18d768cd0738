import Foundation
import Testing
import TenureCore

@Suite struct CSVRecordReaderTests {
    func fields(_ text: String, _ delimiter: CSVRecordReader.Delimiter) throws -> [String] {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { try CSVRecordReader(delimiter: delimiter).fields(of: UnsafeRawBufferPointer($0)).get() }
    }

    @Test func quotedFields() throws {
        #expect(try fields(#"a,"b,c","say ""hi""",,"#, .comma) == ["a", "b,c", #"say "hi""#, "", ""])
        #expect(try fields("x;y;z\r\n", .semicolon) == ["x", "y", "z"])
        #expect(try fields(" 00001 19970101  1   11.77\n", .whitespace) == ["00001", "19970101", "1", "11.77"])
        #expect(throws: CSVFieldError.self) { try fields(#"a,"unterminated"#, .comma) }
    }

    @Test func recordsSpanQuotedLineBreaks() {
        var bytes = Array("a,\"line\nbreak\"\nnext,row\n".utf8)
        let end = bytes.withUnsafeMutableBytes { CSVRecordReader(delimiter: .comma).recordEnd(in: UnsafeRawBufferPointer($0), from: 0) }
        #expect(end == 15)
    }

    @Test func guessesDelimiters() {
        #expect(CSVRecordReader.Delimiter.guess(firstLine: Array("a,b,c".utf8)) == .comma)
        #expect(CSVRecordReader.Delimiter.guess(firstLine: Array("a\tb".utf8)) == .tab)
        #expect(CSVRecordReader.Delimiter.guess(firstLine: Array(" customer_id  date".utf8)) == .whitespace)
    }
}

@Suite struct TransactionRowReaderTests {
    let mapping = TransactionMapping(customerColumn: "customer_id", dateColumn: "date", amountColumn: "dollar_value", dateFormat: .yyyyMMdd)
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func mapsColumnsToAnOrderEvent() throws {
        let reader = try TransactionRowReader(mapping: mapping, header: ["customer_id", "date", "number_of_cds", "dollar_value"], columnCount: 4)
        let message = try reader.message(fields: ["00001", "19970101", "1", "11.77"], messageId: "m", receivedAt: now)
        #expect(message.userId == "00001" && message.name == StandardEvent.orderCompleted)
        #expect(message.timestamp == ISO8601Timestamp.parse("1997-01-01"))
        #expect(message.properties["number_of_cds"] == 1 && message.properties["revenue"] == 11.77)
        #expect(Order(message: message)?.value == 11.77)
    }

    @Test func errorsNameTheColumnAndValue() throws {
        let reader = try TransactionRowReader(mapping: mapping, header: ["customer_id", "date", "number_of_cds", "dollar_value"], columnCount: 4)
        #expect(throws: TransactionRowError.self) { try reader.message(fields: ["1", "1997-13-01", "1", "2"], messageId: "m", receivedAt: now) }
        do {
            _ = try reader.message(fields: ["1", "19970101", "1", "ten"], messageId: "m", receivedAt: now)
        } catch {
            #expect(error.description.contains("dollar_value") && error.description.contains("ten"))
        }
        #expect(throws: TransactionRowError.self) { try reader.message(fields: ["1", "19970101"], messageId: "m", receivedAt: now) }
        #expect(throws: TransactionMappingError.self) {
            try TransactionRowReader(mapping: mapping, header: ["id", "date"], columnCount: 2)
        }
    }

    @Test(arguments: [
        (TransactionMapping.DateFormat.usSlashes, "05/01/2024"), (.euSlashes, "01/05/2024"), (.euDots, "01.05.2024"),
        (.iso8601, "2024-05-01T00:00:00Z"), (.unixSeconds, "1714521600"), (.unixMilliseconds, "1714521600000"), (.auto, "20240501"),
    ])
    func dateFormats(format: TransactionMapping.DateFormat, text: String) throws {
        let m = TransactionMapping(customerColumn: "1", dateColumn: "2", dateFormat: format)
        let reader = try TransactionRowReader(mapping: m, header: nil, columnCount: 2)
        #expect(try reader.message(fields: ["c", text], messageId: "m", receivedAt: now).timestamp == ISO8601Timestamp.parse("2024-05-01"))
    }
}

@Suite struct DerivedFactsTests {
    let at = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func orderFromSegmentEcommerceSpec() throws {
        let message = Message(
            kind: .track, messageId: "m", userId: "u", name: "Order Completed", timestamp: at,
            properties: ["order_id": "o-1", "total": 30, "revenue": 25, "currency": "EUR", "coupon": "WELCOME",
                         "products": [["product_id": "p1", "category": "Tea", "price": 10, "quantity": 2], ["sku": "s2", "price": 5]]])
        let order = try #require(Order(message: message))
        #expect(order.orderId == "o-1" && order.value == 25 && order.total == 30 && order.currency == "EUR")
        #expect(order.lines.count == 2 && order.lines[0].quantity == 2 && order.lines[1].quantity == 1)
        #expect(message.revenue == 25)
        var noRevenue = message
        noRevenue.properties = ["products": [["price": 4, "quantity": 3]]]
        #expect(Order(message: noRevenue)?.value == 12 && Order(message: noRevenue)?.orderId == "m")
    }

    @Test func subscriptionChanges() throws {
        let started = Message(kind: .track, messageId: "m", userId: "u", name: "Subscription Started", timestamp: at,
                              properties: ["subscription_id": "s", "plan": "Pro", "amount": 120, "interval": "year"])
        let change = try #require(SubscriptionChange(message: started))
        #expect(change.action == .started && change.intervalMonths == 12 && change.monthlyAmount == 10)
        #expect(started.revenue == 120)
        let cancelled = Message(kind: .track, messageId: "m2", userId: "u", name: "Subscription Cancelled", timestamp: at, properties: ["reason": "price"])
        #expect(SubscriptionChange(message: cancelled)?.subscriptionId == "default")
        #expect(cancelled.revenue == nil)
    }
}
