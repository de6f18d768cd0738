/// The result of a ``PurchaseMetricsQuery``. Money is in the account currency.
public struct PurchaseMetricsReport: Sendable, Hashable, Codable {
    public struct Figures: Sendable, Hashable, Codable {
        public var orders: Int
        public var revenue: Double
        /// Customers with at least one order.
        public var purchasers: Int
        /// Customers with two or more orders.
        public var repeatPurchasers: Int
        /// revenue ÷ orders (0 without orders).
        public var averageOrderValue: Double
        /// orders ÷ purchasers: purchase frequency (0 without purchasers).
        public var purchaseFrequency: Double
        /// repeatPurchasers ÷ purchasers, a fraction 0–1 (0 without purchasers).
        public var repeatPurchaseRate: Double

        init(orders: Int, revenue: Double, purchasers: Int, repeaters: Int) {
            self.orders = orders
            self.revenue = revenue
            self.purchasers = purchasers
            repeatPurchasers = repeaters
            averageOrderValue = orders == 0 ? 0 : revenue / Double(orders)
            purchaseFrequency = purchasers == 0 ? 0 : Double(orders) / Double(purchasers)
            repeatPurchaseRate = purchasers == 0 ? 0 : Double(repeaters) / Double(purchasers)
        }
    }

    public struct Row: Sendable, Hashable, Codable {
        public var period: PeriodGrid.Period
        /// Orders within the period; repeat purchasers are those with 2+ orders in it.
        public var figures: Figures
        /// Purchasers of the period who had bought before it.
        public var returningPurchasers: Int
        public var incomplete: Bool
    }

    public var unit: PeriodUnit
    public var asOf: Int32
    public var rows: [Row]
    /// The whole range (through `asOf`): repeat purchasers have 2+ orders in the range.
    public var range: Figures
    /// Customers with any order up to `asOf`, since the beginning of the data.
    public var customersEverPurchased: Int
    /// Of those, the customers with two or more orders.
    public var customersEverRepeated: Int
    /// customersEverRepeated ÷ customersEverPurchased: the lifetime repeat-purchase rate (0–1).
    public var lifetimeRepeatPurchaseRate: Double

    struct Accumulator: Sendable {
        var orders: [Int], revenue: [Double], purchasers: [Int], repeaters: [Int], returning: [Int]
        var rangePurchasers = 0, rangeRepeaters = 0, everPurchased = 0, everRepeated = 0

        init(periods p: Int) {
            orders = [Int](repeating: 0, count: p)
            revenue = [Double](repeating: 0, count: p)
            purchasers = orders
            repeaters = orders
            returning = orders
        }

        mutating func merge(_ o: Accumulator) {
            for i in orders.indices {
                orders[i] += o.orders[i]
                revenue[i] += o.revenue[i]
                purchasers[i] += o.purchasers[i]
                repeaters[i] += o.repeaters[i]
                returning[i] += o.returning[i]
            }
            rangePurchasers += o.rangePurchasers
            rangeRepeaters += o.rangeRepeaters
            everPurchased += o.everPurchased
            everRepeated += o.everRepeated
        }

        func report(grid: PeriodGrid, asOf: Int32) -> PurchaseMetricsReport {
            let rows = grid.periods.filter { $0.startDay <= asOf }.map { period in
                let k = period.index
                return Row(
                    period: period,
                    figures: Figures(orders: orders[k], revenue: revenue[k], purchasers: purchasers[k], repeaters: repeaters[k]),
                    returningPurchasers: returning[k], incomplete: period.endDay > asOf)
            }
            return PurchaseMetricsReport(
                unit: grid.unit, asOf: asOf, rows: rows,
                range: Figures(
                    orders: orders.reduce(0, +), revenue: revenue.reduce(0, +), purchasers: rangePurchasers,
                    repeaters: rangeRepeaters),
                customersEverPurchased: everPurchased, customersEverRepeated: everRepeated,
                lifetimeRepeatPurchaseRate: everPurchased == 0 ? 0 : Double(everRepeated) / Double(everPurchased))
        }
    }
}
