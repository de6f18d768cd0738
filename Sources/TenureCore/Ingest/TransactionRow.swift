import Foundation

/// One transaction-file record as the store keeps it, built straight from the fields without
/// going through a `Message` and its property dictionary: the bulk importer's hot path. It holds
/// exactly what `TransactionRowReader.message(fields:messageId:receivedAt:)` would make the store
/// derive (same payload JSON, revenue, currency and order id); records whose columns could mean
/// more (a subscription event name, a column named like an order property) carry their
/// `Message` in `message` instead and go the general way.
public struct TransactionRow: Sendable {
    public var messageId: String
    public var userId: String
    public var event: String
    /// Milliseconds since 1970 UTC.
    public var timestamp: Int64
    public var receivedAt: Int64
    /// The properties as compact JSON with sorted keys (as `JSONWriter` writes them); nil when empty.
    public var payload: String?
    /// The revenue the event carries (the order's value for `Order Completed`).
    public var revenue: Double?
    /// The currency of `revenue`.
    public var currency: String?
    /// For `Order Completed`: the order's id (the message id when the file has none).
    public var orderId: String?
    /// Set instead of the fields above' derived facts when the record needs the general path.
    public var message: Message?

    /// The record as a `Message` (the general path's input).
    public func makeMessage() -> Message {
        if let message { return message }
        let properties = payload.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:]
        return Message(
            kind: .track, messageId: messageId, userId: userId, name: event,
            timestamp: Date(timeIntervalSince1970: Double(timestamp) / 1000),
            receivedAt: Date(timeIntervalSince1970: Double(receivedAt) / 1000), properties: properties)
    }
}

extension TransactionRowReader {
    /// Where each property of a record comes from, in the sorted key order `JSONWriter` uses.
    enum PropertySource: Sendable {
        case amount(key: String)
        case orderId
        case currency
        case extra(index: Int, name: String)

        var key: String {
            switch self {
            case .amount(let key): key
            case .orderId: "order_id"
            case .currency: "currency"
            case .extra(_, let name): name
            }
        }
    }

    /// The property sources in key order, or nil when the columns need the general path.
    static func propertyPlan(mapping: TransactionMapping, amount: Bool, order: Bool, extra: [(index: Int, name: String)]) -> [PropertySource]? {
        let special: Set<String> = ["revenue", "total", "order_id", "orderId", "currency", "discount", "coupon", "products"]
        let subscriptions: Set<String> = [StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed, StandardEvent.subscriptionCancelled]
        guard !subscriptions.contains(mapping.event), Set(extra.map(\.name)).count == extra.count,
            !extra.contains(where: { special.contains($0.name) })
        else { return nil }
        var plan: [PropertySource] = extra.map { .extra(index: $0.index, name: $0.name) }
        if amount { plan += [.amount(key: "revenue"), .amount(key: "total")] }
        if order { plan.append(.orderId) }
        if mapping.currency != nil { plan.append(.currency) }
        return plan.sorted { $0.key < $1.key }
    }

    /// The record as a `TransactionRow`. Errors are the same as `message(fields:messageId:receivedAt:)`'s.
    public func row(fields: [String], messageId: String, receivedAt: Date) throws(TransactionRowError) -> TransactionRow {
        let received = Int64((receivedAt.timeIntervalSince1970 * 1000).rounded())
        guard let plan = propertyPlan else {
            let message = try message(fields: fields, messageId: messageId, receivedAt: receivedAt)
            return TransactionRow(
                messageId: messageId, userId: message.userId ?? "", event: mapping.event, timestamp: 0, receivedAt: received, message: message)
        }
        let checked = try check(fields)
        let (customer, date, amount) = (checked.customer, checked.date, checked.amount)
        var json: [UInt8] = []
        json.reserveCapacity(64)
        json.append(UInt8(ascii: "{"))
        var first = true
        for source in plan {
            var value: JSONValue?
            switch source {
            case .amount: value = .number(amount!)
            case .orderId: value = .string(fields[orderIndex!])
            case .currency: value = .string(mapping.currency!)
            case .extra(let index, _):
                let text = fields[index]
                if let number = Double(text), number.isFinite {
                    value = .number(number)
                } else if !text.isEmpty {
                    value = .string(text)
                }
            }
            guard let value else { continue }
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(source.key, into: &json)
            json.append(UInt8(ascii: ":"))
            JSONWriter.write(value, into: &json)
        }
        json.append(UInt8(ascii: "}"))
        let isOrder = mapping.event == StandardEvent.orderCompleted
        // An order's value is its revenue (= total here), 0 without an amount column.
        let revenue = isOrder ? (amount ?? 0) : amount
        return TransactionRow(
            messageId: messageId, userId: customer, event: mapping.event,
            timestamp: Int64((date.timeIntervalSince1970 * 1000).rounded()), receivedAt: received,
            payload: first ? nil : String(decoding: json, as: UTF8.self), revenue: revenue,
            currency: revenue == nil ? nil : mapping.currency,
            orderId: isOrder ? (orderIndex.map { fields[$0] } ?? messageId) : nil)
    }
}
