import Foundation

/// The bounds every number and time Tenure will add, multiply, chart or convert must keep, checked
/// at every door (HTTP, PostHog, JSONL and CSV import) in this one place. A record outside them is
/// refused alone, with an error that names the field and the bound; the rest of its batch is stored.
///
/// - Money that revenue metrics read from a track event (`revenue`, `total`, `discount`, a
///   subscription's `amount`, a product's `price`): a finite number, or a numeric string such as
///   `"12.50"`, with |x| ≤ ``maxMoney`` in the currency's units. Negative only on `Order Refunded`
///   (a refund reduces revenue, whatever sign it is sent with).
/// - Quantities (a product's `quantity`): 0 … ``maxQuantity``.
/// - Event times: ``earliestTimestamp`` … receive time + ``maxFutureSkew``.
///
/// Values already stored outside these bounds (by an older build) are read as missing, see
/// ``storedMoney(_:)``.
public struct ValuePolicy: Sendable, Hashable {
    /// Largest absolute amount of money, in the currency's units (10¹² by default).
    public var maxMoney: Double = 1e12
    /// Largest product quantity (10⁹ by default).
    public var maxQuantity: Double = 1e9
    /// Earliest accepted event time: 1990-01-01 for live events. Imports of older history set it
    /// earlier (`tenure import --earliest`).
    public var earliestTimestamp = Date(timeIntervalSince1970: 631_152_000)
    /// How far past the receive time an event may claim to be (client clocks drift), in seconds.
    public var maxFutureSkew: TimeInterval = 86_400

    public init() {}

    /// The default: live tracking traffic.
    public static let live = ValuePolicy()

    /// The earliest time any policy may allow: 1900-01-01 (day numbers and milliseconds stay far
    /// inside their integer types).
    public static let earliestAllowed = Date(timeIntervalSince1970: -2_208_988_800)

    /// Refuses `message` when one of its values or its time is outside the policy. `index` is its
    /// position in a batch, for the error. One pass over the properties, with no hashed lookups
    /// and no `Order` built: this runs for every event that arrives.
    public func check(_ message: borrowing Message, index: Int? = nil) throws(IngestError) {
        try checkTime(message.timestamp, receivedAt: message.receivedAt, field: "timestamp", index: index)
        guard message.kind == .track else { return }
        let refund = message.name == StandardEvent.orderRefunded
        // Money properties revenue metrics read as numbers (`Order`, `SubscriptionChange`,
        // `Message.revenue`); an order without `revenue` or `total` is worth its lines' sum.
        var statedValue = false
        var linesValue = 0.0
        for (key, value) in message.properties {
            switch key {
            case "revenue", "total":
                if try checkMoney(value, field: "properties.\(key)", allowNegative: refund, index: index) != nil { statedValue = true }
            case "discount", "amount":
                try checkMoney(value, field: "properties.\(key)", allowNegative: refund, index: index)
            case "products":
                guard case .array(let lines) = value else { continue }
                for (n, line) in lines.enumerated() {
                    guard case .object(let item) = line else { continue }
                    var price: Double?, quantity: Double?
                    if let value = item["price"] {
                        price = try checkMoney(value, field: "properties.products[\(n)].price", allowNegative: refund, index: index)
                    }
                    if let value = item["quantity"] {
                        quantity = try checkQuantity(value, field: "properties.products[\(n)].quantity", index: index)
                    }
                    linesValue += (price ?? 0) * (quantity ?? 1)
                }
            default:
                break
            }
        }
        // The lines' sum (price × quantity, each within bounds) must be within bounds too.
        if !statedValue, message.name == StandardEvent.orderCompleted, !(abs(linesValue) <= maxMoney) {
            throw IngestError(
                .invalidField,
                "\(Self.place(index))the order's value from its `products` is \(Self.show(linesValue)); amounts must be within ±\(Self.show(maxMoney))",
                index: index, field: "properties.products")
        }
    }

    /// Refuses a time outside `earliestTimestamp … receivedAt + maxFutureSkew`.
    public func checkTime(_ time: Date, receivedAt: Date, field: String, index: Int? = nil) throws(IngestError) {
        let latest = receivedAt.addingTimeInterval(maxFutureSkew)
        guard time >= earliestTimestamp, time <= latest else {
            throw IngestError(
                .invalidTimestamp,
                "\(Self.place(index))`\(field)` \(ISO8601Timestamp.format(time)) is outside the accepted window "
                    + "\(ISO8601Timestamp.format(earliestTimestamp)) … \(ISO8601Timestamp.format(latest)) "
                    + "(\(Int(maxFutureSkew / 3600)) hours past the time it was received)",
                index: index, field: field)
        }
    }

    /// Refuses an amount of money outside the policy; returns it as a `Double`, or nil for `null`.
    @discardableResult
    public func checkMoney(_ value: JSONValue, field: String, allowNegative: Bool, index: Int? = nil) throws(IngestError) -> Double? {
        guard let number = try number(value, field: field, index: index) else { return nil }
        guard abs(number) <= maxMoney else {
            throw IngestError(
                .invalidField, "\(Self.place(index))`\(field)` is \(Self.show(number)); amounts must be within ±\(Self.show(maxMoney))",
                index: index, field: field)
        }
        guard number >= 0 || allowNegative else {
            throw IngestError(
                .invalidField,
                "\(Self.place(index))`\(field)` is negative (\(Self.show(number))); amounts must be ≥ 0 (send a refund as an `Order Refunded` event)",
                index: index, field: field)
        }
        return number
    }

    /// Refuses a quantity outside the policy; returns it as a `Double`, or nil for `null`.
    @discardableResult
    func checkQuantity(_ value: JSONValue, field: String, index: Int?) throws(IngestError) -> Double? {
        guard let number = try number(value, field: field, index: index) else { return nil }
        guard number >= 0, number <= maxQuantity else {
            throw IngestError(
                .invalidField, "\(Self.place(index))`\(field)` is \(Self.show(number)); quantities must be within 0 … \(Self.show(maxQuantity))",
                index: index, field: field)
        }
        return number
    }

    /// A number sent as a JSON number or a numeric string, read as revenue metrics read it
    /// (`JSONValue.doubleValue`); nil for `null`. Anything `doubleValue` does not read as a finite
    /// number is refused.
    private func number(_ value: JSONValue, field: String, index: Int?) throws(IngestError) -> Double? {
        if case .null = value { return nil }
        if let number = value.doubleValue { return number }
        if case .string(let s) = value {
            throw IngestError(
                .invalidField, "\(Self.place(index))`\(field)` \"\(s.prefix(40))\" is not a finite number", index: index, field: field)
        }
        throw IngestError(.invalidField, "\(Self.place(index))`\(field)` must be a number", index: index, field: field)
    }

    /// A stored amount as analytics should read it: NaN (no amount) for a value outside the policy,
    /// which only an older build could have stored.
    public func storedMoney(_ value: Double) -> Double {
        value.isFinite && abs(value) <= maxMoney ? value : .nan
    }

    static func place(_ index: Int?) -> String {
        index.map { "batch item \($0) " } ?? "event "
    }

    /// A number for a message: `1e+12`, `-3.5`, `400` (never a trap, never thousands of digits).
    static func show(_ value: Double) -> String {
        String(format: "%.6g", value)
    }
}
