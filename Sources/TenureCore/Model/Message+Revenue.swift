extension Message {
    /// Money this message brought in, for revenue metrics: an order's value, a subscription
    /// payment (start or renewal), a refund (`Order Refunded`: minus its `revenue` or `total`,
    /// whatever sign it was sent with), or any event's numeric `revenue` property; otherwise `nil`.
    public var revenue: Double? {
        guard kind == .track else { return nil }
        if let order = Order(message: self) { return order.value }
        if let change = SubscriptionChange(message: self) {
            return change.action == .cancelled ? nil : change.amount
        }
        if name == StandardEvent.orderRefunded {
            return (properties["revenue"]?.doubleValue ?? properties["total"]?.doubleValue).map { -abs($0) }
        }
        return properties["revenue"]?.doubleValue
    }

    /// The currency of `revenue`, as sent (`currency` property).
    public var currency: String? {
        properties["currency"]?.stringValue
    }
}
