import Foundation

/// Turns a customer's history up to a cutoff day into the columns a churn model learns from:
/// recency, frequency, monetary value, tenure, session trend, subscription state and age, feedback
/// and complaints — and, given ``CustomerAttributes``, the latest NPS, discount usage and the
/// customer's own traits (numeric or categorical, missing values kept as missing).
///
/// Only events on or before the cutoff are read, so features at a past cutoff never see the
/// future they are asked to predict. All windows end at the cutoff and include it: "last 30 days"
/// means days `(cutoff − 30, cutoff]`, "prior 30 days" `(cutoff − 60, cutoff − 30]`. Days are day
/// numbers since 1970-01-01 UTC; money is in the currency of the events' values.
public struct ChurnFeatures: Sendable, Hashable, Codable {
    /// Events that count as purchases (orders and revenue).
    public var purchases: EventSelection
    /// Events that count as sessions (engagement).
    public var sessions: EventSelection

    /// Purchases default to `Order Completed`; sessions to `Application Opened`, page and screen views.
    public init(
        purchases: EventSelection = .purchases,
        sessions: EventSelection = .types([EventTypeTable.applicationOpened, EventTypeTable.page, EventTypeTable.screen])
    ) {
        self.purchases = purchases
        self.sessions = sessions
    }

    /// The feature columns, in matrix order.
    public enum Column: Int, CaseIterable, Sendable, Codable {
        /// Days from the last purchase to the cutoff; missing if the customer never purchased.
        case daysSinceLastPurchase
        /// Days from the last event of any type to the cutoff.
        case daysSinceLastActivity
        /// Purchases in the last 30 / 90 / 365 days, and ever.
        case orders30d, orders90d, orders365d, ordersLifetime
        /// Revenue of the purchases in the last 90 / 365 days.
        case revenue90d, revenue365d
        /// Lifetime revenue ÷ lifetime purchases; missing if the customer never purchased.
        case averageOrderValue
        /// Days from the first event to the cutoff.
        case tenureDays
        /// Sessions in the last 30 days and in the 30 days before.
        case sessions30d, sessionsPrior30d
        /// (sessions last 30 days + 1) ÷ (sessions prior 30 days + 1): below 1 when engagement falls.
        /// The +1 keeps the ratio defined (and 1) for customers without sessions.
        case sessionTrend
        /// (purchases last 90 days + 1) ÷ (purchases in the 90 days before + 1), smoothed the same way.
        case purchaseTrend
        /// 1 when the last subscription event is `Subscription Started` or `Renewed`, else 0.
        case subscriptionActive
        /// Days from the last subscription event to the cutoff; missing if there is none.
        case daysSinceLastSubscriptionEvent
        /// Days since the `Subscription Started` that began the current subscription; missing when
        /// not subscribed at the cutoff.
        case subscriptionAgeDays
        /// Days from the last `Survey Responded` (NPS, CSAT, exit survey) to the cutoff; missing if none.
        case daysSinceLastFeedback
        /// `Complaint Opened` minus `Complaint Resolved` events so far (at least 0).
        case openComplaints
        /// Complaints opened in the last 90 days.
        case complaints90d

        /// The column name shown in reasons and reports.
        public var name: String {
            switch self {
            case .daysSinceLastPurchase: "days_since_last_purchase"
            case .daysSinceLastActivity: "days_since_last_activity"
            case .orders30d: "orders_30d"
            case .orders90d: "orders_90d"
            case .orders365d: "orders_365d"
            case .ordersLifetime: "orders_lifetime"
            case .revenue90d: "revenue_90d"
            case .revenue365d: "revenue_365d"
            case .averageOrderValue: "average_order_value"
            case .tenureDays: "tenure_days"
            case .sessions30d: "sessions_30d"
            case .sessionsPrior30d: "sessions_prior_30d"
            case .sessionTrend: "session_trend"
            case .purchaseTrend: "purchase_trend"
            case .subscriptionActive: "subscription_active"
            case .daysSinceLastSubscriptionEvent: "days_since_last_subscription_event"
            case .subscriptionAgeDays: "subscription_age_days"
            case .daysSinceLastFeedback: "days_since_last_feedback"
            case .openComplaints: "open_complaints"
            case .complaints90d: "complaints_90d"
            }
        }
    }

    /// Columns added after ``Column`` when ``CustomerAttributes`` are given: `latest_nps` (the last
    /// survey score on or before the cutoff), `days_since_latest_nps`, `discounted_order_share`
    /// (discounted orders ÷ orders; missing without orders), then one `trait_<name>` per trait.
    public static let attributeColumnNames = ["latest_nps", "days_since_latest_nps", "discounted_order_share"]

    /// Features at one cutoff: row `i` describes snapshot customer `customers[i]`.
    public struct Table: Sendable, Equatable {
        /// One row per customer with any event on or before the cutoff, columns as in ``Column``.
        public var matrix: FeatureMatrix
        /// Snapshot customer index of each row, ascending.
        public var customers: [Int]
        /// The cutoff day (days since 1970-01-01 UTC).
        public var cutoffDay: Int32

        /// The value of `column` in `row` (NaN when missing).
        public subscript(row: Int, column: Column) -> Float { matrix[row, column.rawValue] }

        /// The row of snapshot customer `customer`, if it has one.
        public func row(ofCustomer customer: Int) -> Int? {
            var lo = 0, hi = customers.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if customers[mid] < customer { lo = mid + 1 } else { hi = mid }
            }
            return lo < customers.count && customers[lo] == customer ? lo : nil
        }
    }

    /// Computes the features of every customer active on or before `cutoffDay`; with `attributes`
    /// (same customer indices as the snapshot) also the attribute columns. With `only` (snapshot
    /// customer indices, ascending), computes just those customers' rows — the same values as
    /// their rows of the whole table, in microseconds per customer.
    public func table(from snapshot: ActivitySnapshot, cutoffDay: Int32, attributes: CustomerAttributes? = nil, only: [Int]? = nil) -> Table {
        let purchaseMask = purchases.mask(), sessionMask = sessions.mask()
        // Types the snapshot may not have seen get an id no event carries.
        let survey = snapshot.eventTypes.id(of: StandardEvent.surveyResponded) ?? UInt16.max
        let complaintOpened = snapshot.eventTypes.id(of: StandardEvent.complaintOpened) ?? UInt16.max
        let complaintResolved = snapshot.eventTypes.id(of: StandardEvent.complaintResolved) ?? UInt16.max
        let m = Column.allCases.count
        var columns = [[Float]](repeating: [], count: m)
        var customers: [Int] = []
        let nan = Float.nan
        func visit(_ c: Int, _ ev: CustomerEvents) {
            var first: Int32 = -1, lastAny: Int32 = -1, lastPurchase: Int32 = -1
            var orders30 = 0, orders90 = 0, ordersPrev90 = 0, orders365 = 0, ordersAll = 0
            var revenue90 = 0.0, revenue365 = 0.0, revenueAll = 0.0
            var sessions30 = 0, sessionsPrior30 = 0
            var lastSubscriptionDay: Int32 = -1, subscriptionActive = false, subscriptionStart: Int32 = -1
            var lastFeedback: Int32 = -1, opened = 0, resolved = 0, complaints90 = 0
            for i in 0..<ev.count {
                let day = ev.days[i]
                if day > cutoffDay { break }  // events are sorted by day
                let age = cutoffDay - day, type = ev.types[i]
                if first < 0 { first = day }
                lastAny = day
                if purchaseMask.contains(type) {
                    let value = Double(ev.values[i])
                    lastPurchase = day
                    ordersAll += 1
                    revenueAll += value
                    if age < 30 { orders30 += 1 }
                    if age < 90 { orders90 += 1; revenue90 += value } else if age < 180 { ordersPrev90 += 1 }
                    if age < 365 { orders365 += 1; revenue365 += value }
                }
                if sessionMask.contains(type) {
                    if age < 30 { sessions30 += 1 } else if age < 60 { sessionsPrior30 += 1 }
                }
                switch type {
                case EventTypeTable.subscriptionStarted, EventTypeTable.subscriptionRenewed:
                    if !subscriptionActive { subscriptionStart = day }
                    lastSubscriptionDay = day
                    subscriptionActive = true
                case EventTypeTable.subscriptionCancelled:
                    lastSubscriptionDay = day
                    subscriptionActive = false
                    subscriptionStart = -1
                case survey:
                    lastFeedback = day
                case complaintOpened:
                    opened += 1
                    if age < 90 { complaints90 += 1 }
                case complaintResolved:
                    resolved += 1
                default:
                    break
                }
            }
            guard first >= 0 else { return }
            customers.append(c)
            let row: [Float] = [
                lastPurchase >= 0 ? Float(cutoffDay - lastPurchase) : nan,
                Float(cutoffDay - lastAny),
                Float(orders30), Float(orders90), Float(orders365), Float(ordersAll),
                Float(revenue90), Float(revenue365),
                ordersAll > 0 ? Float(revenueAll / Double(ordersAll)) : nan,
                Float(cutoffDay - first),
                Float(sessions30), Float(sessionsPrior30),
                Float(sessions30 + 1) / Float(sessionsPrior30 + 1),
                Float(orders90 + 1) / Float(ordersPrev90 + 1),
                subscriptionActive ? 1 : 0,
                lastSubscriptionDay >= 0 ? Float(cutoffDay - lastSubscriptionDay) : nan,
                subscriptionActive && subscriptionStart >= 0 ? Float(cutoffDay - subscriptionStart) : nan,
                lastFeedback >= 0 ? Float(cutoffDay - lastFeedback) : nan,
                Float(max(0, opened - resolved)), Float(complaints90),
            ]
            for j in 0..<m { columns[j].append(row[j]) }
        }
        if let only {
            for c in only where c >= 0 && c < snapshot.customerCount { snapshot.scan(c..<(c + 1), visit) }
        } else {
            snapshot.scan(0..<snapshot.customerCount, visit)
        }
        var all = Column.allCases.map { (feature: FeatureMatrix.Feature(name: $0.name), values: columns[$0.rawValue]) }
        if let attributes {
            precondition(attributes.customerCount >= snapshot.customerCount, "attributes must cover every snapshot customer")
            let (score, scoreDay) = attributes.latestScores(cutoffDay: cutoffDay)
            let discounted = attributes.discountedOrders(cutoffDay: cutoffDay)
            let orders = columns[Column.ordersLifetime.rawValue]
            all.append((.init(name: Self.attributeColumnNames[0]), customers.map { score[$0] }))
            all.append((.init(name: Self.attributeColumnNames[1]), customers.map { scoreDay[$0] >= 0 ? Float(cutoffDay - scoreDay[$0]) : nan }))
            all.append((.init(name: Self.attributeColumnNames[2]), customers.indices.map { r in
                orders[r] > 0 ? min(1, Float(discounted[customers[r]]) / orders[r]) : nan
            }))
            for trait in attributes.traits {
                let kind: FeatureMatrix.Kind = trait.levels.map { .categorical(levels: $0) } ?? .numeric
                all.append((.init(name: "trait_" + trait.name, kind: kind), customers.map { trait.values[$0] }))
            }
        }
        return Table(matrix: FeatureMatrix(columns: all), customers: customers, cutoffDay: cutoffDay)
    }
}
