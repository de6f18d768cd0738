import Foundation

/// What to simulate: how many customers, over which period, for which kind of business.
public struct SimulationConfiguration: Sendable, Hashable {
    /// Number of customers who sign up during the period.
    public var customers: Int
    /// Length of the period in calendar months, ending at `end`.
    public var months: Int
    public var profile: SimulationProfile
    /// The same seed gives the same business, message for message.
    public var seed: UInt64
    /// The simulation ends here; nothing is emitted at or after it.
    public var end: Date
    /// ISO 4217 code stamped on orders and subscriptions; prices are not converted.
    public var currency: String
    /// The profile's numbers, which callers may adjust; defaults to `profile.parameters`.
    public var parameters: SimulationParameters

    public init(
        customers: Int, months: Int, profile: SimulationProfile, seed: UInt64, end: Date,
        currency: String = "USD", parameters: SimulationParameters? = nil
    ) {
        self.customers = customers
        self.months = months
        self.profile = profile
        self.seed = seed
        self.end = end
        self.currency = currency
        self.parameters = parameters ?? profile.parameters
    }

    /// The start of the period: `months` calendar months (UTC) before `end`.
    public var start: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: -months, to: end) ?? end.addingTimeInterval(-Double(months) * 30.44 * 86_400)
    }

    /// Throws when a value cannot produce a simulation, saying which one to fix.
    public func validate() throws(SimulationError) {
        guard customers > 0 else { throw .invalid("customers must be at least 1, got \(customers)") }
        guard customers < 100_000_000 else { throw .invalid("customers must be below 100,000,000, got \(customers)") }
        guard months > 0, months <= 240 else { throw .invalid("months must be between 1 and 240, got \(months)") }
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalid("currency must be a three-letter ISO 4217 code such as USD, got \"\(currency)\"")
        }
        let p = parameters
        guard !p.catalogue.isEmpty else { throw .invalid("the catalogue needs at least one product") }
        guard p.catalogue.allSatisfy({ $0.priceCents > 0 }) else { throw .invalid("every product needs a positive price") }
        guard p.purchaseRate.shape > 0, p.purchaseRate.rate > 0 else {
            throw .invalid("the purchase-rate Gamma needs a positive shape and rate")
        }
        guard p.spend.p > 0, p.spend.q > 1, p.spend.gamma > 0 else {
            throw .invalid("the spend model needs p > 0, q > 1 and gamma > 0")
        }
        switch p.dropout {
        case .afterPurchase(let beta), .atRenewal(let beta):
            guard beta.a > 0, beta.b > 0 else { throw .invalid("the dropout Beta needs positive a and b") }
            if case .atRenewal = p.dropout, p.plans.isEmpty {
                throw .invalid("dropout at renewal needs at least one subscription plan")
            }
        case .exponentialLifetime(let gamma):
            guard gamma.shape > 0, gamma.rate > 0 else { throw .invalid("the lifetime Gamma needs a positive shape and rate") }
        }
        guard p.acquisitionGrowth > 0 else { throw .invalid("acquisitionGrowth must be positive") }
        guard !p.channels.isEmpty else { throw .invalid("at least one acquisition channel is needed") }
        guard p.sessionsPerDay >= 0, p.sessionShape > 0 else { throw .invalid("sessionsPerDay must be ≥ 0 and sessionShape > 0") }
        guard p.warningWindowDays > 0 else { throw .invalid("warningWindowDays must be positive") }
        guard !p.pages.isEmpty, !p.screens.isEmpty else { throw .invalid("pages and screens must not be empty") }
    }
}

/// Why a simulation could not run.
public enum SimulationError: Error, Hashable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): "invalid simulation configuration: \(message)"
        }
    }
}
