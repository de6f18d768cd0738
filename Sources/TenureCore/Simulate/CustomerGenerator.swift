import Foundation

/// Generates one customer at a time: draws the latent parameters, plays the purchase and dropout
/// process, then the sessions, surveys, complaints and opt-outs that go with it, and renders the
/// lot as messages. Keeps its buffers between customers so a long run allocates little.
struct CustomerGenerator {
    let world: SimulationWorld
    private(set) var messages: [Message] = []
    private(set) var tally = EventTally()
    /// The customer's events before rendering: sorted by time, then turned into messages.
    private var planned: [PlannedEvent] = []
    /// Properties (or traits) of planned events that carry their own, indexed by `PlannedEvent.detail`.
    private var payloads: [[String: JSONValue]] = []
    private var anonymousId: String?

    // Per-customer state, reset by `generate`.
    private var rng = SeededGenerator(seed: 0)
    private var userId = ""
    private var context: [String: JSONValue] = [:]
    private var signupT = 0.0
    private var churnT: Double?
    private var isApp = false
    private var orderTimes: [Double] = []
    private var renewalTimes: [Double] = []
    private var lines: [(product: Int, quantity: Int)] = []

    private static let day = 86_400.0
    /// Mean days of a month, for monthly billing and subscribe-and-save cycles.
    private static let monthDays = 30.436_875
    /// Shape of the Gamma inter-order time of replenishers: coefficient of variation 1/√12 ≈ 0.29.
    private static let replenishmentShape = 12.0

    init(world: SimulationWorld) {
        self.world = world
        messages.reserveCapacity(256)
        planned.reserveCapacity(256)
    }

    // MARK: - One customer

    mutating func generate(index: Int) -> CustomerTruth {
        messages.removeAll(keepingCapacity: true)
        planned.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        tally.reset()
        orderTimes.removeAll(keepingCapacity: true)
        renewalTimes.removeAll(keepingCapacity: true)
        let p = world.parameters
        rng = SeededGenerator(seed: world.customerSeed(index))

        let digits = world.digits(index)
        userId = "c" + digits
        let t0 = world.signupTime(index: index, jitter: rng.nextUnitInterval())
        signupT = t0
        churnT = nil

        // Who they are.
        let channel = world.channels.pick(rng.nextUnitInterval())
        let placeIndex = world.places.pick(rng.nextUnitInterval())
        let place = SimulationVocabulary.places[placeIndex]
        let firstIndex = pick(SimulationVocabulary.firstNames.count)
        let lastIndex = pick(SimulationVocabulary.lastNames.count)
        let firstName = SimulationVocabulary.firstNames[firstIndex]
        let lastName = SimulationVocabulary.lastNames[lastIndex]
        isApp = uniform() < p.appShare
        let platform: CustomerTruth.Platform = isApp ? (uniform() < 0.55 ? .ios : .android) : .web
        let optIn = uniform() < p.marketingOptInShare
        let anonymousFirst = uniform() < p.anonymousFirstShare && t0 - world.startT > 600
        context = world.contexts[platform == .web ? 0 : platform == .ios ? 1 : 2][placeIndex]

        // Latent behaviour (BTYD): purchase rate, dropout, spend.
        let lambda = rng.nextGamma(shape: p.purchaseRate.shape, rate: p.purchaseRate.rate)
        let dropout: Double
        switch p.dropout {
        case .afterPurchase(let beta), .atRenewal(let beta): dropout = rng.nextBeta(a: beta.a, b: beta.b)
        case .exponentialLifetime(let gamma): dropout = rng.nextGamma(shape: gamma.shape, rate: gamma.rate)
        }
        let nu = rng.nextGamma(shape: p.spend.q, rate: p.spend.gamma)
        let meanSpend = p.spend.p / nu
        let sessionsPerDay = p.sessionsPerDay > 0 ? p.sessionsPerDay * rng.nextGamma(shape: p.sessionShape, rate: p.sessionShape) : 0
        let satisfaction = p.satisfactionMean + 1.5 * rng.nextStandardNormal()

        // Replenishers: customers whose own cycle (1/λ) is close to a replenishable product's.
        var replenishProduct: Int?
        var subscribeAndSave = false
        if !world.replenishables.isEmpty, p.replenisherShare > 0 {
            let cycle = 1 / lambda
            var best = world.replenishables[0]
            for candidate in world.replenishables.dropFirst()
            where abs(Foundation.log(cycle / candidate.days)) < abs(Foundation.log(cycle / best.days)) {
                best = candidate
            }
            let ratio = cycle / best.days
            if ratio > 1 / 1.6, ratio < 1.6, uniform() < p.replenisherShare {
                replenishProduct = best.product
                subscribeAndSave = p.subscribeAndSaveShare > 0 && cycle > 21 && cycle < 42 && uniform() < p.subscribeAndSaveShare
            }
        }

        // Subscription plan for the contractual profile.
        var planIndex: Int?
        var yearly = false
        if case .atRenewal = p.dropout {
            planIndex = world.plans.pick(uniform())
            yearly = uniform() < p.yearlyPlanShare
        }
        let planName: String? = planIndex.map { p.plans[$0].name } ?? (subscribeAndSave ? "subscribe_and_save" : nil)

        // Anonymous browsing before signup, then the identify that merges it.
        anonymousId = nil
        if anonymousFirst {
            anonymousId = makeAnonymousId()
            let windowStart = max(world.startT, t0 - 7 * Self.day)
            let sessions = 1 + (uniform() < 0.5 ? 1 : 0) + (uniform() < 0.25 ? 1 : 0)
            for _ in 0..<sessions {
                let t = windowStart + uniform() * (t0 - 600 - windowStart)
                emitSession(at: t, identity: .anonymous)
            }
        }
        var traits: [String: JSONValue] = [
            "email": .string(world.lowercasedFirstNames[firstIndex] + "." + world.lowercasedLastNames[lastIndex] + "." + digits + "@example.com"),
            "first_name": .string(firstName), "last_name": .string(lastName),
            "country": .string(place.country), "city": .string(place.city), "timezone": .string(place.timeZone),
            "signup_channel": world.channelNames[channel], "marketing_opt_in": .bool(optIn),
            "created_at": .string(UTCTimestamp.iso8601(Date(timeIntervalSinceReferenceDate: t0))),
        ]
        if let planName { traits["plan"] = .string(planName) }
        if isApp { traits["platform"] = .string(platform.rawValue) }
        emit(.identify, at: t0, payload: traits, identity: anonymousId == nil ? .user : .both)

        // The purchase and dropout process.
        let lastT = world.lastT
        var subscriptionStart: Double?
        switch p.dropout {
        case .afterPurchase, .exponentialLifetime:
            var aliveUntil = Double.infinity
            if case .exponentialLifetime = p.dropout {
                aliveUntil = t0 + rng.nextExponential(rate: dropout) * Self.day
            }
            var t = t0
            if p.firstOrderAtSignup {
                t = t0 + uniform(120, 1500)
                aliveUntil = max(aliveUntil, t + 1)
                if t < lastT { orderTimes.append(t) }
            }
            while orderTimes.count < 20_000 {
                let gapDays: Double
                if subscribeAndSave {
                    gapDays = Self.monthDays
                } else if replenishProduct != nil {
                    gapDays = rng.nextGamma(shape: Self.replenishmentShape, rate: Self.replenishmentShape * lambda)
                } else {
                    gapDays = rng.nextExponential(rate: lambda)
                }
                t += gapDays * Self.day
                if t >= aliveUntil {
                    if aliveUntil < lastT { churnT = aliveUntil }
                    break
                }
                if t >= lastT { break }
                orderTimes.append(t)
                if case .afterPurchase = p.dropout, uniform() < dropout {
                    churnT = t
                    break
                }
            }
            if subscribeAndSave, let first = orderTimes.first { subscriptionStart = first + 1 }
        case .atRenewal:
            let start = t0 + uniform(30, 300)
            subscriptionStart = start
            let interval = (yearly ? 12 * Self.monthDays : Self.monthDays) * Self.day
            var j = 1.0
            while true {
                let due = start + j * interval
                if due >= lastT { break }
                if uniform() < dropout {
                    let cancel = start + (j - 1) * interval + uniform(0.3, 0.95) * interval
                    if cancel < lastT { churnT = cancel }
                    break
                }
                renewalTimes.append(due)
                j += 1
            }
            // Add-on orders: a Poisson process while subscribed.
            let activeEnd = min(churnT ?? lastT, lastT)
            var t = start
            while orderTimes.count < 20_000 {
                t += rng.nextExponential(rate: lambda) * Self.day
                if t >= activeEnd { break }
                orderTimes.append(t)
            }
        }
        let activeEnd = min(churnT ?? lastT, lastT)

        // Orders, each preceded by a visit unless it is automatic (subscribe-and-save) or at signup.
        var revenueCents = 0
        let orderPrefix = "o" + digits + "-"
        let subscriptionId: JSONValue = .string("sub-" + digits + "-1")
        for (k, t) in orderTimes.enumerated() {
            let atSignup = k == 0 && p.firstOrderAtSignup
            if !atSignup && !subscribeAndSave { emitCheckoutVisit(before: t) }
            if subscribeAndSave, k > 0, let product = replenishProduct {
                let cents = world.productPrices[product]
                emit(.subscriptionRenewed, at: t - 1, payload: [
                    "subscription_id": subscriptionId, "plan": "subscribe_and_save",
                    "amount": .number(Double(cents) / 100), "currency": world.currency,
                ])
                tally.subscriptionCents += cents
            }
            revenueCents += emitOrder(at: t, id: orderPrefix + String(k + 1), first: k == 0, meanSpend: meanSpend, forced: replenishProduct)
        }

        // Subscriptions: started, renewed, cancelled with an exit survey.
        if let start = subscriptionStart, start < lastT {
            let planJSON: JSONValue = .string(planName ?? "subscribe_and_save")
            let amountCents: Int
            if let planIndex {
                amountCents = p.plans[planIndex].monthlyCents * (yearly ? 10 : 1)
            } else {
                amountCents = replenishProduct.map { world.productPrices[$0] } ?? 0
            }
            let amount: JSONValue = .number(Double(amountCents) / 100)
            emit(.subscriptionStarted, at: start, payload: [
                "subscription_id": subscriptionId, "plan": planJSON, "amount": amount, "currency": world.currency,
                "interval": yearly ? world.yearlyInterval : world.monthlyInterval,
            ])
            tally.subscriptionCents += amountCents
            for t in renewalTimes {
                emit(.subscriptionRenewed, at: t, payload: [
                    "subscription_id": subscriptionId, "plan": planJSON, "amount": amount, "currency": world.currency,
                ])
                tally.subscriptionCents += amountCents
            }
            if let churn = churnT {
                // BG customers decide after their last order; the cancellation follows within days.
                let cancel = planIndex == nil ? churn + uniform(1, 10) * Self.day : churn
                let reason = SimulationVocabulary.cancellationReasons[pick(SimulationVocabulary.cancellationReasons.count)]
                if emit(.subscriptionCancelled, at: cancel, payload: ["subscription_id": subscriptionId, "reason": .string(reason)]),
                    uniform() < 0.5
                {
                    let score = clampedScore(satisfaction - 4 + rng.nextStandardNormal(), 0, 10)
                    emit(.surveyResponded, at: cancel + uniform(60, 3600), payload: [
                        "survey": "exit", "score": .number(score), "reason": .string(reason),
                    ])
                }
            }
        }

        // Sessions: a Poisson process that fades over the weeks before dropout (thinning).
        if sessionsPerDay > 0 {
            var t = t0 + 60
            while true {
                t += rng.nextExponential(rate: sessionsPerDay) * Self.day
                if t >= activeEnd { break }
                let keep = 1 - (1 - p.engagementFloor) * warning(t, days: p.warningWindowDays)
                if keep >= 1 || uniform() < keep { emitSession(at: t, identity: .user) }
            }
        }

        // NPS surveys, scored lower as dropout nears.
        var invite = t0
        while p.surveyResponseRate > 0 {
            invite += (p.npsIntervalDays + uniform(0, 3)) * Self.day
            if invite >= activeEnd { break }
            guard uniform() < p.surveyResponseRate else { continue }
            let score = clampedScore(
                satisfaction - 4 * warning(invite, days: 1.5 * p.warningWindowDays) + 0.8 * rng.nextStandardNormal(), 0, 10)
            let reasons =
                score <= 6
                ? SimulationVocabulary.detractorReasons
                : score <= 8 ? SimulationVocabulary.passiveReasons : SimulationVocabulary.promoterReasons
            emit(.surveyResponded, at: invite + uniform(1800, 2 * Self.day), payload: [
                "survey": "nps", "score": .number(score), "reason": .string(reasons[pick(reasons.count)]),
            ])
        }

        // Complaints: more frequent inside the warning window; resolved within days, sometimes rated.
        if p.complaintsPerDay > 0 {
            let multiplier = max(1, p.complaintChurnMultiplier)
            let maxRate = p.complaintsPerDay * multiplier
            var t = t0
            var n = 0
            while true {
                t += rng.nextExponential(rate: maxRate) * Self.day
                if t >= activeEnd { break }
                let w = warning(t, days: p.warningWindowDays)
                guard uniform() < (1 + (multiplier - 1) * w) / multiplier else { continue }
                n += 1
                let complaintId: JSONValue = .string("cmp-" + digits + "-" + String(n))
                emit(.complaintOpened, at: t, payload: [
                    "complaint_id": complaintId, "topic": world.complaintTopics[pick(world.complaintTopics.count)],
                    "channel": .string(SimulationVocabulary.complaintChannels[pick(SimulationVocabulary.complaintChannels.count)]),
                ])
                let resolutionDays = rng.nextGamma(shape: 2, rate: 1)
                let resolved = t + resolutionDays * Self.day
                if emit(.complaintResolved, at: resolved, payload: ["complaint_id": complaintId]), uniform() < 0.4 {
                    let score = clampedScore(4.3 - 2 * w - (resolutionDays > 3 ? 0.7 : 0) + 0.8 * rng.nextStandardNormal(), 1, 5)
                    emit(.surveyResponded, at: resolved + uniform(3600, Self.day), payload: [
                        "survey": "csat", "score": .number(score), "reason": .string(score >= 4 ? "resolved quickly" : "slow resolution"),
                    ])
                }
            }
        }

        // Email opt-outs, mostly near dropout.
        if optIn {
            var at: Double?
            if let churn = churnT {
                if uniform() < p.unsubscribeAtChurn {
                    at = max(t0 + 3600, churn - uniform(0, p.warningWindowDays / 2) * Self.day)
                }
            } else if uniform() < p.unsubscribePerYear * (activeEnd - t0) / (365.25 * Self.day) {
                at = t0 + uniform() * (activeEnd - t0)
            }
            if let at, emit(.unsubscribed, at: at, payload: ["channel": "email"]) {
                emit(.identify, at: at + 1, payload: ["marketing_opt_in": false])
            }
        }

        finishMessages(idPrefix: world.messageIdPrefix + digits + "-")
        tally.revenueCents += revenueCents

        let segment: CustomerTruth.Segment =
            (planIndex != nil || subscribeAndSave) ? .subscriber : replenishProduct != nil ? .replenisher : .occasional
        let orders = tally[.orderCompleted]
        let behaviour = CampaignResponseMix.Features(
            daysSinceLastOrder: (world.lastT - (orderTimes.last ?? t0)) / Self.day, orders: orders,
            meanOrderRevenue: orders > 0 ? Double(revenueCents) / 100 / Double(orders) : 0, tenureDays: (world.lastT - t0) / Self.day,
            platform: platform)
        // Its own stream, so adding the draw changed none of the messages.
        var responseRNG = SeededGenerator(seed: world.customerSeed(index) ^ 0x5EED_CA3B_A16E_0001)
        let campaignResponse = p.campaignResponses.draw(
            behaviour, populationMeanRevenue: p.spend.populationMean, u: responseRNG.nextUnitInterval())
        return CustomerTruth(
            index: index, userId: userId, anonymousId: anonymousId, signup: Date(timeIntervalSinceReferenceDate: t0),
            purchaseRate: lambda, dropoutModel: p.dropout, dropout: dropout,
            churnDate: churnT.map { Date(timeIntervalSinceReferenceDate: $0) }, meanSpend: meanSpend,
            segment: segment, channel: p.channels[channel].name, country: place.country, platform: platform,
            plan: planName, replenishmentProductId: replenishProduct.map { p.catalogue[$0].id },
            replenishmentDays: replenishProduct.map { _ in subscribeAndSave ? Self.monthDays : 1 / lambda },
            sessionsPerDay: sessionsPerDay, orders: orders, revenue: Double(revenueCents) / 100,
            campaignResponse: campaignResponse
        )
    }

    // MARK: - Events

    /// Plans an event if it falls inside the period; returns whether it did. `detail` selects a page or
    /// screen (see `PlannedEvent`); a `payload` becomes the message's properties (traits for identify).
    @discardableResult
    private mutating func emit(
        _ code: EventCode, at t: Double, detail: Int32 = 0, payload: [String: JSONValue]? = nil,
        identity: PlannedEvent.Identity = .user
    ) -> Bool {
        guard t < world.lastT, t >= world.startT else { return false }
        var detail = detail
        if let payload {
            detail = Int32(payloads.count)
            payloads.append(payload)
        }
        planned.append(PlannedEvent(t: t, code: code, identity: identity, detail: detail))
        tally[code] += 1
        return true
    }

    /// A visit: page views on the web, or an app open followed by screens.
    private mutating func emitSession(at t: Double, identity: PlannedEvent.Identity) {
        if isApp {
            emit(.applicationOpened, at: t, identity: identity)
            var s = t
            while uniform() < 0.5 {
                s += uniform(10, 90)
                emit(.screen, at: s, detail: Int32(pick(world.screenNames.count)), identity: identity)
            }
        } else {
            var s = t
            repeat {
                var page = pick(world.pageNames.count)
                if page == world.productPageIndex { page = world.pageNames.count + pick(world.productPageProperties.count) }
                emit(.page, at: s, detail: Int32(page), identity: identity)
                s += uniform(15, 120)
            } while uniform() < 0.35
        }
    }

    private mutating func emitCheckoutVisit(before t: Double) {
        let at = max(signupT + 1, t - uniform(60, 900))
        if isApp {
            emit(.applicationOpened, at: at)
            emit(.screen, at: min(at + 20, t - 0.5), detail: PlannedEvent.checkout)
        } else {
            emit(.page, at: at, detail: PlannedEvent.checkout)
        }
    }

    /// Renders an `Order Completed` whose revenue is, in expectation, a Gamma(p, ν) draw around the
    /// customer's mean spend, and returns its revenue in minor units (0 when outside the period).
    private mutating func emitOrder(at t: Double, id: String, first: Bool, meanSpend: Double, forced: Int?) -> Int {
        guard t < world.lastT else { return 0 }
        let p = world.parameters
        let target = rng.nextGamma(shape: p.spend.p, rate: p.spend.p / meanSpend) * 100
        var couponIndex: Int?
        if !p.coupons.isEmpty, uniform() < p.couponRate * (first ? 2 : 1) {
            couponIndex = first ? 0 : pick(p.coupons.count)
        }
        let percentOff = couponIndex.map { p.coupons[$0].percentOff } ?? 0
        fillBasket(subtotalCents: target / (1 - percentOff), forced: forced)

        var subtotal = 0
        var products: [JSONValue] = []
        products.reserveCapacity(lines.count)
        for line in lines {
            subtotal += world.productPrices[line.product] * line.quantity
            if line.quantity <= 4 {
                products.append(world.productJSON[line.product][line.quantity - 1])
            } else {
                var item = world.productJSON[line.product][0].objectValue ?? [:]
                item["quantity"] = .number(Double(line.quantity))
                products.append(.object(item))
            }
        }
        let discount = Int((Double(subtotal) * percentOff).rounded())
        let revenue = subtotal - discount
        let shipping = p.shippingCents > 0 && revenue < p.freeShippingThresholdCents ? p.shippingCents : 0
        let tax = Int((Double(revenue) * p.taxRate).rounded())
        let total = revenue + shipping + tax
        var properties: [String: JSONValue] = [
            "order_id": .string(id), "total": .number(Double(total) / 100), "revenue": .number(Double(revenue) / 100),
            "subtotal": .number(Double(subtotal) / 100), "shipping": .number(Double(shipping) / 100),
            "tax": .number(Double(tax) / 100), "discount": .number(Double(discount) / 100),
            "currency": world.currency, "products": .array(products),
        ]
        if let couponIndex { properties["coupon"] = world.couponCodes[couponIndex] }
        return emit(.orderCompleted, at: t, payload: properties) ? revenue : 0
    }

    /// Fills `lines` with catalogue items whose expected subtotal equals `subtotalCents`: whole items
    /// while they fit, then one more with probability (what is left) ÷ (its price). Biased upwards
    /// only when the target is below the first (or forced) item's price.
    private mutating func fillBasket(subtotalCents target: Double, forced: Int?) {
        lines.removeAll(keepingCapacity: true)
        let prices = world.productPrices
        var remaining = target
        if let forced {
            lines.append((forced, 1))
            remaining -= Double(prices[forced])
        } else {
            var first = world.cheapestProduct
            for _ in 0..<8 {
                let candidate = pick(prices.count)
                if Double(prices[candidate]) <= remaining {
                    first = candidate
                    break
                }
            }
            lines.append((first, 1))
            remaining -= Double(prices[first])
        }
        var steps = 0
        while remaining > 0, steps < 200 {
            steps += 1
            let product = pick(prices.count)
            let price = Double(prices[product])
            if price > remaining {
                guard uniform() * price < remaining else { break }
                remaining = 0
            } else {
                remaining -= price
            }
            if let i = lines.firstIndex(where: { $0.product == product }) {
                lines[i].quantity += 1
            } else {
                lines.append((product, 1))
            }
        }
    }

    /// Sorts the planned events by time and renders them as messages with strictly increasing
    /// timestamps and sequential ids.
    private mutating func finishMessages(idPrefix: String) {
        planned.sort { $0.t < $1.t }
        let names = world.pageNames
        let pages = names.count
        var previous = -Double.infinity
        for (n, event) in planned.enumerated() {
            let t = event.t > previous ? event.t : previous + 0.001
            previous = t
            var name: String?
            var properties: [String: JSONValue] = [:]
            var traits: [String: JSONValue] = [:]
            let detail = Int(event.detail)
            switch event.code {
            case .identify:
                traits = payloads[detail]
            case .page:
                if detail == Int(PlannedEvent.checkout) {
                    name = "Checkout"
                    properties = world.checkoutPageProperties
                } else if detail < pages {
                    name = names[detail]
                    properties = world.pageProperties[detail]
                } else {
                    name = "Product"
                    properties = world.productPageProperties[detail - pages]
                }
            case .screen:
                name = detail == Int(PlannedEvent.checkout) ? world.checkoutScreen : world.screenNames[detail]
            case .applicationOpened:
                name = StandardEvent.applicationOpened
                properties = world.applicationOpenedProperties
            default:
                name = event.code.name
                properties = payloads[detail]
            }
            messages.append(
                Message(
                    kind: event.code.kind, messageId: idPrefix + String(n + 1),
                    userId: event.identity == .anonymous ? nil : userId,
                    anonymousId: event.identity == .user ? nil : anonymousId,
                    name: name, timestamp: Date(timeIntervalSinceReferenceDate: t),
                    traits: traits, properties: properties, context: context))
        }
    }

    // MARK: - Helpers

    /// 0 far from dropout, rising linearly to 1 at the dropout moment over `days`; 0 for customers
    /// who stay.
    private func warning(_ t: Double, days: Double) -> Double {
        guard let churnT else { return 0 }
        let daysBefore = (churnT - t) / Self.day
        return daysBefore >= days ? 0 : max(0, min(1, 1 - daysBefore / days))
    }

    private mutating func uniform() -> Double { rng.nextUnitInterval() }

    private mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * rng.nextUnitInterval() }

    private mutating func pick(_ count: Int) -> Int { min(count - 1, Int(rng.nextUnitInterval() * Double(count))) }

    private func clampedScore(_ x: Double, _ low: Double, _ high: Double) -> Double { min(high, max(low, x.rounded())) }

    private mutating func makeAnonymousId() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        var a = rng.next(), b = rng.next()
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { bytes.append(45) }
            if i < 16 {
                bytes.append(hex[Int(a & 15)])
                a >>= 4
            } else {
                bytes.append(hex[Int(b & 15)])
                b >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
