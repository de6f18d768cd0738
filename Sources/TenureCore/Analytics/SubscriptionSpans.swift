/// All subscriptions, grouped by customer: the input of contractual churn
/// (``ContractualChurnQuery``), MRR movements (``RecurringRevenueQuery``) and per-plan lifetimes.
///
/// The store builds it with ``init(spans:plans:)`` when it keeps subscriptions as rows (best: it
/// knows billing intervals and plan names), or with ``init(changes:asOf:graceDays:)`` from the
/// `Subscription Started / Renewed / Cancelled` events it stored.
public struct SubscriptionSpans: Sendable, Hashable, Codable {
    /// Plan names; ``SubscriptionSpan/plan`` indexes this array.
    public var plans: [String]
    /// Spans sorted by customer, then start day.
    public private(set) var spans: [SubscriptionSpan]
    /// Spans of the i-th customer that has any are `spans[customerStarts[i]..<customerStarts[i + 1]]`.
    private var customerStarts: [Int]

    public init(spans: [SubscriptionSpan], plans: [String] = []) {
        self.spans = spans.sorted { ($0.customer, $0.startDay) < ($1.customer, $1.startDay) }
        self.plans = plans
        var starts: [Int] = []
        for (i, s) in self.spans.enumerated() where i == 0 || self.spans[i - 1].customer != s.customer {
            starts.append(i)
        }
        starts.append(self.spans.count)
        customerStarts = starts
    }

    /// Spans rebuilt from subscription events, `(customer index, change)` in any order.
    ///
    /// Per customer and `subscriptionId`, in time order: `started` opens a span; `renewed` opens
    /// one if none is open, and when the amount or plan changes closes the open span that day and
    /// opens a new one (so MRR shows the expansion or contraction); `cancelled` records the
    /// cancellation, and the span ends at the end of the paid interval (last charge + interval,
    /// never before the cancellation). A span whose renewal is over `graceDays` late at `asOf`
    /// ends at the end of its paid interval. Amounts are normalized to a month with
    /// ``SubscriptionChange/intervalMonths`` (monthly when not given).
    public init(changes: [(customer: Int32, change: SubscriptionChange)], asOf: Int32, graceDays: Int32 = 7) {
        var planIds: [String: UInt16] = [:]
        var planNames: [String] = []
        func planId(_ name: String?) -> UInt16 {
            let n = name ?? "default"
            if let id = planIds[n] { return id }
            let id = UInt16(planNames.count)
            planNames.append(n)
            planIds[n] = id
            return id
        }
        struct Key: Hashable {
            var customer: Int32
            var subscription: String
        }
        var grouped: [Key: [SubscriptionChange]] = [:]
        for (c, change) in changes { grouped[Key(customer: c, subscription: change.subscriptionId), default: []].append(change) }
        var out: [SubscriptionSpan] = []
        for (key, list) in grouped {
            var open: SubscriptionSpan?
            var paidThrough: Int32 = 0
            var interval = 1
            func addMonths(_ day: Int32, _ months: Int) -> Int32 {
                let c = DayNumber.civil(day)
                let total = c.year * 12 + c.month - 1 + months
                let y = PeriodUnit.floorDiv(total, 12), m = total - y * 12 + 1
                let last = DayNumber.day(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1) - 1
                return min(DayNumber.day(year: y, month: m, day: 1) + Int32(c.day - 1), last)
            }
            func close(_ end: Int32) {
                if var s = open {
                    s.endDay = max(end, s.startDay + 1)
                    out.append(s)
                }
                open = nil
            }
            for ch in list.sorted(by: { $0.at < $1.at }) {
                let day = DayNumber.day(of: ch.at)
                if var s = open, paidThrough + graceDays < day {
                    // Lapsed before this change arrived.
                    s.endDay = max(paidThrough, s.startDay + 1)
                    out.append(s)
                    open = nil
                }
                switch ch.action {
                case .started, .renewed:
                    interval = ch.intervalMonths ?? interval
                    let monthly = ch.amount.map { $0 / Double(interval) } ?? open?.monthlyAmount ?? 0
                    let plan = ch.plan.map(planId) ?? open?.plan ?? planId(nil)
                    if let s = open, s.monthlyAmount == monthly, s.plan == plan, s.cancelledDay == nil {
                        // Same terms: the span simply continues.
                    } else {
                        close(day)
                        open = SubscriptionSpan(customer: key.customer, plan: plan, startDay: day, monthlyAmount: monthly)
                    }
                    paidThrough = addMonths(day, interval)
                case .cancelled:
                    if open != nil {
                        open!.cancelledDay = day
                        close(max(paidThrough, day))
                    }
                }
            }
            if open != nil && paidThrough + graceDays < asOf { close(paidThrough) }
            if let s = open { out.append(s) }
        }
        self.init(spans: out, plans: planNames)
    }

    /// Number of customers with at least one span.
    public var subscriberCount: Int { customerStarts.count - 1 }

    /// Calls `body` with the spans of each customer that has any (sorted by start day).
    func forEachCustomer(_ body: (ArraySlice<SubscriptionSpan>) -> Void) {
        for i in 0..<(customerStarts.count - 1) { body(spans[customerStarts[i]..<customerStarts[i + 1]]) }
    }
}
