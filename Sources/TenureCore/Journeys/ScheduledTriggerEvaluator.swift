import Foundation

/// Who the scheduled triggers (inactivity, a date, replenishment, a churn-risk crossing) fire
/// for at one moment, over the analytics snapshot: a pure computation the scheduler runs after a
/// snapshot refresh, a new scoring or a new day, and whose firings the store enrols exactly once
/// per customer and key.
///
/// Days: events are on the snapshot's UTC days; "today" is each customer's local day, in their
/// `timezone` trait (an IANA name) or else ``defaultTimeZone``. A trigger fires on its day and,
/// if the scheduler was not running then, up to ``catchUpDays`` days later; never before, and
/// never for a day further back (a journey saved today does not fire for last year's dates).
public struct ScheduledTriggerEvaluator: Sendable {
    /// Days after its day a trigger still fires when no evaluation ran on the day itself.
    public static let catchUpDays: Int32 = 3
    /// The trait holding a customer's time zone.
    public static let timeZoneTrait = "timezone"

    public let snapshot: ActivitySnapshot
    /// The traits of ``requirements(of:)`` and the event facts of its filtered sources.
    public let population: SegmentPopulation
    public let now: Date
    public let defaultTimeZone: TimeZone
    /// The latest two scorings, for churn-risk crossings (`nil`: no crossing can be told).
    public let risk: ChurnRiskScorings?
    /// Each customer's local day of ``now``.
    let today: [Int32]

    public init(snapshot: ActivitySnapshot, population: SegmentPopulation, now: Date, defaultTimeZone: TimeZone, risk: ChurnRiskScorings? = nil) {
        self.snapshot = snapshot
        self.population = population
        self.now = now
        self.defaultTimeZone = defaultTimeZone
        self.risk = risk
        let fallback = Self.localDay(of: now, in: defaultTimeZone)
        var today = [Int32](repeating: fallback, count: snapshot.customerCount)
        if let zones = population.traits.columns[Self.timeZoneTrait] {
            // Each distinct zone name is resolved once.
            let levelDays = zones.levels.map { name in TimeZone(identifier: name).map { Self.localDay(of: now, in: $0) } ?? fallback }
            for c in 0..<min(today.count, zones.codes.count) where zones.codes[c] >= 0 {
                today[c] = levelDays[Int(zones.codes[c])]
            }
        }
        self.today = today
    }

    /// The local calendar day (days since 1970-01-01) of `date` in `zone`.
    public static func localDay(of date: Date, in zone: TimeZone) -> Int32 {
        DayNumber.day(of: date.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: date))))
    }

    /// What the population must hold to evaluate `triggers`: their date traits, the time zone
    /// trait, and the events of filtered inactivity and replenishment triggers (unfiltered ones
    /// are read from the snapshot itself).
    public static func requirements(of triggers: [JourneyTrigger]) -> SegmentRequirements {
        var needs = SegmentRequirements()
        needs.traits.insert(timeZoneTrait)
        for trigger in triggers {
            switch trigger {
            case .date(let t):
                if case .trait(let name) = t.source { needs.traits.insert(name) }
            case .inactivity(let t):
                if let event = t.event, !t.filter.isEmpty { needs.eventSources.insert(SegmentEventSource(event: event, filter: t.filter)) }
            case .replenishment(let t):
                if !t.filter.isEmpty { needs.eventSources.insert(SegmentEventSource(event: t.event, filter: t.filter)) }
            case .event, .segmentEntered, .segmentExited, .cancellation, .churnRiskAbove:
                break
            }
        }
        return needs
    }

    /// The customers `trigger` fires for now (none for an event-like trigger), by snapshot index.
    public func firings(_ trigger: JourneyTrigger) -> [ScheduledTriggerFiring] {
        switch trigger {
        case .inactivity(let t): inactivity(t)
        case .date(let t): date(t)
        case .replenishment(let t): replenishment(t)
        case .churnRiskAbove(let threshold): churnRisk(above: threshold)
        case .event, .segmentEntered, .segmentExited, .cancellation: []
        }
    }

    /// Whether a trigger due on `day` fires on `today` (on the day or within the catch-up).
    @inline(__always) static func isDue(_ day: Int32, today: Int32) -> Bool {
        let late = Int64(today) - Int64(day)
        return late >= 0 && late <= Int64(catchUpDays)
    }

    // MARK: Inactivity

    private func inactivity(_ t: JourneyInactivityTrigger) -> [ScheduledTriggerFiring] {
        let last = lastDays(event: t.event, filter: t.filter)
        var out: [ScheduledTriggerFiring] = []
        for c in 0..<last.count where last[c] != ActivitySnapshot.noDay {
            let due = Int32(clamping: Int64(last[c]) + Int64(t.days))
            if Self.isDue(due, today: today[c]) {
                out.append(ScheduledTriggerFiring(customer: Int32(c), key: "inactive:" + DayNumber.isoString(last[c])))
            }
        }
        return out
    }

    /// Per customer, the day of their last qualifying event (``ActivitySnapshot/noDay``: none).
    func lastDays(event: String?, filter: [SegmentPropertyCondition]) -> [Int32] {
        var last = [Int32](repeating: ActivitySnapshot.noDay, count: snapshot.customerCount)
        if let event, !filter.isEmpty {
            guard let facts = population.events[SegmentEventSource(event: event, filter: filter)] else { return last }
            for i in 0..<facts.count {
                let c = Int(facts.customers[i])
                guard c >= 0, c < last.count else { continue }
                if last[c] == ActivitySnapshot.noDay || facts.days[i] > last[c] { last[c] = facts.days[i] }
            }
            return last
        }
        var wantedType: UInt16?
        if let event {
            guard let id = snapshot.eventTypes.id(of: event) else { return last }  // no such event yet
            wantedType = id
        }
        snapshot.scan(0..<snapshot.customerCount) { c, events in
            // Days are sorted: the last matching event is the latest.
            var i = events.count - 1
            while i >= 0 {
                let type = events.types[i]
                if wantedType.map({ type == $0 }) ?? (type != EventTypeTable.identify) {
                    last[c] = events.days[i]
                    break
                }
                i -= 1
            }
        }
        return last
    }

    // MARK: Dates

    private func date(_ t: JourneyDateTrigger) -> [ScheduledTriggerFiring] {
        var out: [ScheduledTriggerFiring] = []
        func consider(_ c: Int, base: Int32) {
            guard let day = Self.firingDay(base: base, trigger: t, today: today[c]) else { return }
            out.append(ScheduledTriggerFiring(customer: Int32(c), key: "date:" + DayNumber.isoString(day)))
        }
        switch t.source {
        case .signup:
            let first = snapshot.firstSeenDays
            for c in 0..<min(first.count, today.count) where first[c] != ActivitySnapshot.noDay { consider(c, base: first[c]) }
        case .trait(let name):
            guard let column = population.traits.columns[name] else { return [] }
            // Each distinct date is worked out once per distinct local day (customers' days
            // differ by time zone, so there are at most a few), then looked up per customer.
            let levelDays = column.levels.map(Self.parseDate)
            var distinctToday: [Int32] = []
            var todaySlot = [UInt8](repeating: 0, count: today.count)
            for c in 0..<today.count {
                if let i = distinctToday.firstIndex(of: today[c]) {
                    todaySlot[c] = UInt8(truncatingIfNeeded: i)
                } else if distinctToday.count < 255 {
                    todaySlot[c] = UInt8(distinctToday.count)
                    distinctToday.append(today[c])
                } else {
                    todaySlot[c] = 255  // worked out per customer
                }
            }
            let table: [[Int32?]] = distinctToday.map { day in levelDays.map { base in base.flatMap { Self.firingDay(base: $0, trigger: t, today: day) } } }
            for c in 0..<min(column.codes.count, today.count) where column.codes[c] >= 0 {
                let level = Int(column.codes[c])
                let slot = Int(todaySlot[c])
                let fires = slot < table.count ? table[slot][level] : levelDays[level].flatMap { Self.firingDay(base: $0, trigger: t, today: today[c]) }
                if let day = fires { out.append(ScheduledTriggerFiring(customer: Int32(c), key: "date:" + DayNumber.isoString(day))) }
            }
        }
        return out
    }

    /// The day a date trigger on `base` fires that makes it fire on `today`, if any.
    static func firingDay(base: Int32, trigger t: JourneyDateTrigger, today: Int32) -> Int32? {
        let offset = Int64(t.offsetDays)
        guard t.anniversary else {
            let day = Int32(clamping: Int64(base) + offset)
            return isDue(day, today: today) ? day : nil
        }
        let (_, month, dayOfMonth) = DayNumber.civil(base)
        // The occurrence that fires today falls in the year of today − offset or the one before.
        let year = DayNumber.civil(Int32(clamping: Int64(today) - offset)).year
        for y in year - 1...year where (1...9999).contains(y) {
            let d = month == 2 && dayOfMonth == 29 && !isLeap(y) ? 28 : dayOfMonth
            let day = Int32(clamping: Int64(DayNumber.day(year: y, month: month, day: d)) + offset)
            if isDue(day, today: today) { return day }
        }
        return nil
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// A trait's date: `yyyy-mm-dd`, or the date part of an ISO 8601 timestamp; years 1 to 9999.
    static func parseDate(_ text: String) -> Int32? {
        let utf8 = Array(text.utf8.prefix(10))
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[i]) else { return nil }
                n = n * 10 + Int(utf8[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), y >= 1, (1...12).contains(m), (1...31).contains(d) else { return nil }
        if text.utf8.count > 10, text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 10)] != UInt8(ascii: "T") { return nil }
        let day = DayNumber.day(year: y, month: m, day: d)
        return DayNumber.civil(day) == (y, m, d) ? day : nil
    }

    // MARK: Replenishment

    private func replenishment(_ t: JourneyReplenishmentTrigger) -> [ScheduledTriggerFiring] {
        var out: [ScheduledTriggerFiring] = []
        var gaps: [Int64] = []
        forEachCustomerOrders(event: t.event, filter: t.filter, minimum: t.minOrders) { c, orderDays in
            guard let forecast = ReplenishmentForecast(sortedOrderDays: orderDays, minOrders: t.minOrders, gaps: &gaps),
                Self.isDue(forecast.firingDay(daysBefore: t.daysBefore), today: today[c])
            else { return }
            out.append(ScheduledTriggerFiring(customer: Int32(c), key: "replenish:" + DayNumber.isoString(forecast.lastOrderDay), replenishment: forecast))
        }
        return out
    }

    /// Calls `body` with each customer having at least `minimum` matching events, and their days
    /// sorted ascending.
    private func forEachCustomerOrders(event: String, filter: [SegmentPropertyCondition], minimum: Int, _ body: (Int, UnsafeBufferPointer<Int32>) -> Void) {
        var scratch: [Int32] = []
        if !filter.isEmpty {
            guard let facts = population.events[SegmentEventSource(event: event, filter: filter)] else { return }
            // Group the facts by customer (a counting sort).
            let n = snapshot.customerCount
            var offsets = [Int](repeating: 0, count: n + 1)
            for c in facts.customers where c >= 0 && Int(c) < n { offsets[Int(c) + 1] += 1 }
            for c in 0..<n { offsets[c + 1] += offsets[c] }
            var fill = offsets
            var grouped = [Int32](repeating: 0, count: offsets[n])
            for i in 0..<facts.count {
                let c = Int(facts.customers[i])
                guard c >= 0, c < n else { continue }
                grouped[fill[c]] = facts.days[i]
                fill[c] += 1
            }
            grouped.withUnsafeMutableBufferPointer { g in
                for c in 0..<n where offsets[c + 1] - offsets[c] >= minimum {
                    var slice = UnsafeMutableBufferPointer(rebasing: g[offsets[c]..<offsets[c + 1]])
                    slice.sort()  // facts are in arrival order
                    body(c, UnsafeBufferPointer(slice))
                }
            }
            return
        }
        guard let type = snapshot.eventTypes.id(of: event) else { return }
        snapshot.scan(0..<snapshot.customerCount) { c, events in
            guard events.count >= minimum else { return }
            scratch.removeAll(keepingCapacity: true)
            for i in 0..<events.count where events.types[i] == type { scratch.append(events.days[i]) }
            guard scratch.count >= minimum else { return }
            scratch.withUnsafeBufferPointer { body(c, $0) }
        }
    }

    // MARK: Churn risk

    private func churnRisk(above threshold: Double) -> [ScheduledTriggerFiring] {
        guard let risk else { return [] }
        let key = "risk:" + ISO8601Timestamp.format(risk.scoredAt)
        var out: [ScheduledTriggerFiring] = []
        for c in 0..<min(risk.latest.count, snapshot.customerCount) {
            let now = risk.latest[c]
            guard now >= threshold else { continue }  // NaN (unscored) fails too
            let before = c < risk.previous.count ? risk.previous[c] : .nan
            if before.isNaN || before < threshold { out.append(ScheduledTriggerFiring(customer: Int32(c), key: key)) }
        }
        return out
    }
}
