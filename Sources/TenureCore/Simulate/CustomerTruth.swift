import Foundation

/// What the simulator knows about one customer and no model sees: the latent parameters it drew
/// and the moment the customer really left. Models fitted on the messages are checked against it.
public struct CustomerTruth: Sendable, Hashable {
    /// Position in signup order, from 0.
    public var index: Int
    public var userId: String
    /// The anonymous id the customer browsed under before signing up, if they did.
    public var anonymousId: String?
    /// When the customer signed up (the `identify`; for profiles with a trial purchase, the first
    /// order follows within minutes).
    public var signup: Date
    /// λ: purchases per day while alive (for replenishers, the mean rate of their re-order cycle).
    /// For the `subscription` profile: add-on orders per day, renewals aside.
    public var purchaseRate: Double
    /// The dropout model this customer follows.
    public var dropoutModel: SimulationParameters.DropoutModel
    /// The customer's dropout draw: p per repeat purchase (`bg`), μ per day (`pareto`) or θ per
    /// renewal (`sbg`).
    public var dropout: Double
    /// The moment the customer became inactive: their last purchase (`bg`), the end of their
    /// lifetime (`pareto`) or the cancellation (`sbg`); `nil` when still alive at the end.
    public var churnDate: Date?
    /// Expected revenue per order (after discount, before shipping and tax): p/ν of the Gamma-Gamma model.
    public var meanSpend: Double
    public var segment: Segment
    public var channel: String
    /// ISO 3166 country code.
    public var country: String
    public var platform: Platform
    /// Subscription plan (`subscription` profile) or `subscribe_and_save` (d2c).
    public var plan: String?
    /// For replenishers: the product they re-order and their own cycle in days (1/λ).
    public var replenishmentProductId: String?
    public var replenishmentDays: Double?
    /// Sessions per day when engaged, before any pre-churn decay.
    public var sessionsPerDay: Double
    /// Orders emitted in the period and their total revenue (after discount, before shipping and tax).
    public var orders: Int
    public var revenue: Double
    /// How the customer reacts to a retention campaign (see ``CampaignResponse``): drawn from the
    /// profile's ``CampaignResponseMix`` given their behaviour over the period.
    public var campaignResponse: CampaignResponseType

    /// Whether the customer dropped out before the end of the simulation.
    public var churned: Bool { churnDate != nil }

    public enum Segment: String, Sendable, Hashable, CaseIterable, Codable {
        /// Buys at Poisson-distributed times (the plain BTYD story).
        case occasional
        /// Re-orders a replenishable product roughly every `replenishmentDays`.
        case replenisher
        /// Pays by subscription: a `subscription` profile plan or d2c subscribe-and-save.
        case subscriber
    }

    public enum Platform: String, Sendable, Hashable, CaseIterable, Codable {
        case web, ios, android
    }

    public init(
        index: Int, userId: String, anonymousId: String?, signup: Date, purchaseRate: Double,
        dropoutModel: SimulationParameters.DropoutModel, dropout: Double, churnDate: Date?, meanSpend: Double,
        segment: Segment, channel: String, country: String, platform: Platform, plan: String?,
        replenishmentProductId: String?, replenishmentDays: Double?, sessionsPerDay: Double,
        orders: Int, revenue: Double, campaignResponse: CampaignResponseType = .lostCause
    ) {
        self.index = index
        self.userId = userId
        self.anonymousId = anonymousId
        self.signup = signup
        self.purchaseRate = purchaseRate
        self.dropoutModel = dropoutModel
        self.dropout = dropout
        self.churnDate = churnDate
        self.meanSpend = meanSpend
        self.segment = segment
        self.channel = channel
        self.country = country
        self.platform = platform
        self.plan = plan
        self.replenishmentProductId = replenishmentProductId
        self.replenishmentDays = replenishmentDays
        self.sessionsPerDay = sessionsPerDay
        self.orders = orders
        self.revenue = revenue
        self.campaignResponse = campaignResponse
    }
}

extension CustomerTruth {
    /// The CSV header line (no trailing newline). Rates are per day; dates are ISO 8601 UTC.
    public static let csvHeader =
        "userId,signup,churned,churn_date,lambda,dropout,mean_spend,dropout_model,segment,channel,country,"
        + "platform,plan,replenishment_product,replenishment_days,sessions_per_day,orders,revenue,anonymous_id,campaign_response"

    /// This customer as one CSV line (no trailing newline), columns as in `csvHeader`.
    public var csvRow: String {
        var row = ""
        row.reserveCapacity(200)
        row += userId
        row += ","
        row += UTCTimestamp.iso8601(signup)
        row += churned ? ",true," : ",false,"
        if let churnDate { row += UTCTimestamp.iso8601(churnDate) }
        row += ","
        row += String(purchaseRate)
        row += ","
        row += String(dropout)
        row += ","
        row += String(meanSpend)
        row += ","
        row += dropoutModel.name
        row += ","
        row += segment.rawValue
        row += ","
        row += Self.csvField(channel)
        row += ","
        row += Self.csvField(country)
        row += ","
        row += platform.rawValue
        row += ","
        row += Self.csvField(plan ?? "")
        row += ","
        row += Self.csvField(replenishmentProductId ?? "")
        row += ","
        if let replenishmentDays { row += String(replenishmentDays) }
        row += ","
        row += String(sessionsPerDay)
        row += ","
        row += String(orders)
        row += ","
        row += String((revenue * 100).rounded() / 100)
        row += ","
        row += anonymousId ?? ""
        row += ","
        row += campaignResponse.rawValue
        return row
    }

    /// A whole ground-truth file: header, then one line per customer, each ending in a newline.
    public static func csv(_ truths: some Sequence<CustomerTruth>) -> String {
        var out = csvHeader + "\n"
        for truth in truths {
            out += truth.csvRow
            out += "\n"
        }
        return out
    }

    /// Quotes a field when it holds a comma, quote or newline (RFC 4180).
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
