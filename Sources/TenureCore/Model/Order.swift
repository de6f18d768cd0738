import Foundation

/// A purchase, derived from an `Order Completed` event (Segment e-commerce v2).
public struct Order: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var productId: String?
        public var sku: String?
        public var name: String?
        public var category: String?
        /// Unit price, in the order's currency.
        public var price: Double?
        public var quantity: Double

        public init(productId: String?, sku: String?, name: String?, category: String?, price: Double?, quantity: Double) {
            self.productId = productId
            self.sku = sku
            self.name = name
            self.category = category
            self.price = price
            self.quantity = quantity
        }
    }

    public var orderId: String
    /// The order's value for revenue metrics: `revenue` if sent, else `total`, else the lines' sum.
    public var value: Double
    public var total: Double?
    public var revenue: Double?
    public var discount: Double?
    public var coupon: String?
    public var currency: String?
    public var lines: [Line]

    /// The order an `Order Completed` message describes; `nil` for any other message.
    /// An order without `order_id` takes the message's id, so a resent message is still one order.
    public init?(message: Message) {
        guard message.kind == .track, message.name == StandardEvent.orderCompleted else { return nil }
        // One pass over the properties: cheaper than a hashed lookup for each name (this runs for
        // every order that arrives).
        var snakeOrderId: JSONValue?, camelOrderId: JSONValue?, products: JSONValue?
        (total, revenue, discount, coupon, currency) = (nil, nil, nil, nil, nil)
        for (key, value) in message.properties {
            switch key {
            case "order_id": snakeOrderId = value
            case "orderId": camelOrderId = value
            case "total": total = value.doubleValue
            case "revenue": revenue = value.doubleValue
            case "discount": discount = value.doubleValue
            case "coupon": coupon = value.stringValue
            case "currency": currency = value.stringValue
            case "products": products = value
            default: break
            }
        }
        orderId = snakeOrderId?.identifierValue ?? camelOrderId?.identifierValue ?? message.messageId
        lines = (products?.arrayValue ?? []).compactMap { product in
            guard case .object(let item) = product else { return nil }
            return Line(
                productId: item["product_id"]?.identifierValue ?? item["id"]?.identifierValue,
                sku: item["sku"]?.identifierValue, name: item["name"]?.stringValue,
                category: item["category"]?.stringValue, price: item["price"]?.doubleValue,
                quantity: item["quantity"]?.doubleValue ?? 1)
        }
        let linesValue = lines.reduce(0.0) { $0 + ($1.price ?? 0) * $1.quantity }
        value = revenue ?? total ?? linesValue
    }
}
