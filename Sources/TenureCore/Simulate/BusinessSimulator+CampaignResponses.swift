import Foundation

extension BusinessSimulator {
    /// The index of the customer the simulator named `userId` (`c0000123` is index 122), if this
    /// simulation has one.
    public func customerIndex(ofUserId userId: String) -> Int? {
        guard userId.utf8.count == world.idWidth + 1, userId.hasPrefix("c"), let number = Int(userId.dropFirst()),
            number >= 1, number <= configuration.customers
        else { return nil }
        return number - 1
    }

    /// The truth about the customer the simulator named `userId` (generated again, so call it for
    /// the customers you need, not for everyone).
    public func truth(ofUserId userId: String) -> CustomerTruth? {
        customerIndex(ofUserId: userId).map { customer(at: $0).truth }
    }

    /// The customers' responses to a campaign: for each delivery, whether the customer orders
    /// within `model.windowDays` (with ``CampaignResponse/probability(_:at:treated:)``) and when,
    /// and the `Order Completed` message of each order, ready for the store's ingestion.
    ///
    /// Deterministic: the same simulation (seed), delivery and model give the same response,
    /// whatever the other deliveries. The same uniform decides a customer's order in either arm
    /// (common random numbers), so treated and held-out copies of one delivery differ only by the
    /// campaign's effect. `truths` (by user id) saves generating known customers again.
    public func campaignResponses(
        to deliveries: [CampaignDelivery], model: CampaignResponse = CampaignResponse(), truths: [String: CustomerTruth] = [:]
    ) -> SimulatedCampaignResponses {
        var outcomes: [CampaignOutcome] = []
        var messages: [Message] = []
        var unknown = 0
        outcomes.reserveCapacity(deliveries.count)
        let window = Swift.max(0, model.windowDays.isFinite ? model.windowDays : 0) * 86_400
        let p = world.parameters
        for delivery in deliveries {
            guard let index = customerIndex(ofUserId: delivery.userId) else {
                unknown += 1
                continue
            }
            let truth = truths[delivery.userId] ?? customer(at: index).truth
            let seconds = delivery.time.timeIntervalSinceReferenceDate
            let timeKey = UInt64(bitPattern: Int64(exactly: seconds.rounded(.down)) ?? 0)
            var rng = SeededGenerator(seed: world.customerSeed(index) ^ (timeKey &* 0x9E37_79B9_7F4A_7C15) ^ 0xCA4B_A16E_0000_0002)
            let u = rng.nextUnitInterval(), when = rng.nextUnitInterval()
            let probability = model.probability(truth, at: delivery.time, treated: delivery.treated)
            var orderedAt: Date?
            if u < probability, window > 0 {
                // A minute after the message at the earliest, and inside the window.
                let at = delivery.time.addingTimeInterval(Swift.min(60 + when * window, window - 1))
                orderedAt = at
                messages.append(order(for: truth, index: index, at: at, key: timeKey, rng: &rng, parameters: p))
            }
            outcomes.append(CampaignOutcome(
                delivery: delivery, type: truth.campaignResponse, probability: probability,
                trueUplift: model.uplift(truth, at: delivery.time), orderedAt: orderedAt))
        }
        return SimulatedCampaignResponses(outcomes: outcomes, messages: messages, unknownCustomers: unknown)
    }

    /// One catalogue item, in a quantity near the customer's mean spend.
    private func order(
        for truth: CustomerTruth, index: Int, at time: Date, key: UInt64, rng: inout SeededGenerator, parameters p: SimulationParameters
    ) -> Message {
        let product = Swift.min(p.catalogue.count - 1, Int(rng.nextUnitInterval() * Double(p.catalogue.count)))
        let price = world.productPrices[product]
        // A caller's truth may hold anything: a non-finite or non-positive spend takes the population's.
        let spend = truth.meanSpend.isFinite && truth.meanSpend > 0.01 ? truth.meanSpend : p.spend.populationMean
        let items = rng.nextGamma(shape: p.spend.p, rate: p.spend.p / spend) * 100 / Double(price)
        let quantity = items.isFinite ? Swift.min(4, Swift.max(1, Int(Swift.min(items, 4).rounded()))) : 1
        let revenue = price * quantity
        let tax = Int((Double(revenue) * p.taxRate).rounded())
        let shipping = p.shippingCents > 0 && revenue < p.freeShippingThresholdCents ? p.shippingCents : 0
        let id = "o" + world.digits(index) + "-campaign-" + String(key)
        let cents = { (amount: Int) -> JSONValue in .number(Double(amount) / 100) }
        let properties: [String: JSONValue] = [
            "order_id": .string(id), "total": cents(revenue + shipping + tax), "revenue": cents(revenue),
            "subtotal": cents(revenue), "shipping": cents(shipping), "tax": cents(tax),
            "discount": .number(0), "currency": world.currency, "products": .array([world.productJSON[product][quantity - 1]]),
        ]
        let messageId = world.messageIdPrefix + "campaign-" + world.digits(index) + "-" + String(key)
        return Message(kind: .track, messageId: messageId, userId: truth.userId, name: StandardEvent.orderCompleted, timestamp: time, properties: properties)
    }
}
