import Foundation
import TenureCore
import TenureStore

/// Customer: one customer's profile, prediction and timeline — the CRM view.
struct CustomerPage: Sendable {
    struct Fact: Sendable {
        var name: String
        var value: String
    }

    struct Prediction: Sendable {
        var risk: String
        var riskRaw: String
        var alive: String
        var clv: String
        var loss: String
        var action: String
        var reasons: [String]
    }

    struct TimelineItem: Sendable {
        var iso: String
        var when: String
        var category: String
        var categoryName: String
        var title: String
        var detail: String?
    }

    var facts: [Fact]
    var hasTraits: Bool
    var traits: [Fact]
    var prediction: Prediction?
    var predictionNote: String?
    var segment: String?
    var timelineNote: String
    var timeline: [TimelineItem]

    /// Events read per customer; the newest `shown` are listed.
    static let eventLimit = 5_000
    static let shown = 300

    /// `position` is the customer's place in the at-risk ranking (nil when not scored) and
    /// `reasons` their TreeSHAP reasons.
    init(
        profile: CustomerProfile, events: [StoredEvent], atRisk: AtRiskData?, position: Int?, reasons: [FeatureContributions.Reason],
        segment: RFMSegment?
    ) {
        let orders = events.filter { $0.name == StandardEvent.orderCompleted }
        let spend = orders.reduce(0) { $0 + ($1.revenue ?? 0) }
        facts = [
            Fact(name: "User id", value: profile.userId ?? "anonymous"),
            Fact(name: "First seen", value: Self.format(profile.firstSeen)),
            Fact(name: "Last seen", value: Self.format(profile.lastSeen)),
            Fact(name: "Orders", value: ChartFormat.grouped(orders.count) + (events.count >= Self.eventLimit ? "+" : "")),
            Fact(name: "Spend", value: ChartFormat.money.string(spend)),
            Fact(name: "Events", value: ChartFormat.grouped(events.count) + (events.count >= Self.eventLimit ? "+" : "")),
        ]
        if !profile.aliases.isEmpty {
            facts.append(Fact(name: "Also known as", value: profile.aliases.prefix(10).joined(separator: ", ")))
        }
        traits = profile.traits.sorted { $0.key < $1.key }.prefix(50).map { Fact(name: $0.key, value: Self.text($0.value)) }
        hasTraits = !traits.isEmpty
        self.segment = segment?.displayName
        if let data = atRisk, let ranking = data.ranking, let position {
            let c = ranking.customers[position]
            prediction = Prediction(
                risk: ChartFormat.percent(1).string(c.churnRisk), riskRaw: "\(c.churnRisk)",
                alive: c.probabilityAlive.map { ChartFormat.percent(1).string($0) } ?? "–", clv: ChartFormat.money.string(c.predictedCLV),
                loss: ChartFormat.money.string(c.expectedLoss) + " (rank \(position + 1) of \(ChartFormat.grouped(ranking.customers.count)))",
                action: c.action.rawValue, reasons: reasons.map { "\($0.feature) = \($0.value ?? "missing") (raises the log-odds by \(String(format: "%.2f", $0.contribution)))" })
            predictionNote = "Churn within \(ranking.horizonDays) days of \(DayNumber.isoString(ranking.cutoffDay)); CLV over 52 weeks."
        } else if let data = atRisk, data.ranking != nil {
            predictionNote = "Not scored: the model scores customers who purchased in the last year."
        } else if let error = atRisk?.error {
            predictionNote = "No prediction: \(error)"
        } else {
            predictionNote = "Scoring customers… reload in a moment."
        }
        let newest = events.suffix(Self.shown).reversed()
        timeline = newest.map(Self.item)
        timelineNote = events.isEmpty
            ? "No events."
            : "Newest first: \(ChartFormat.grouped(newest.count)) of \(ChartFormat.grouped(events.count))\(events.count >= Self.eventLimit ? "+" : "") events (orders, subscriptions, feedback, complaints, visits)."
    }

    static func item(_ e: StoredEvent) -> TimelineItem {
        let name = e.name ?? e.kind.rawValue
        let p = e.properties
        func v(_ key: String) -> String? { p[key].map(text) }
        let category: String, categoryName: String
        var detail: [String] = []
        switch name {
        case StandardEvent.orderCompleted, StandardEvent.orderRefunded:
            category = "order"; categoryName = "Order"
            if let r = e.revenue { detail.append(ChartFormat.money.string(r) + (e.currency.map { " " + $0 } ?? "")) }
            if let id = v("order_id") { detail.append("order " + id) }
            if let items = p["products"]?.arrayValue { detail.append("\(items.count) item\(items.count == 1 ? "" : "s")") }
        case StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed, StandardEvent.subscriptionCancelled:
            category = "subscription"; categoryName = "Subscription"
            for key in ["plan", "amount", "interval", "reason"] { if let x = v(key) { detail.append("\(key) \(x)") } }
        case StandardEvent.surveyResponded:
            category = "feedback"; categoryName = "Feedback"
            for key in ["survey", "score", "reason", "comment"] { if let x = v(key) { detail.append("\(key) \(x)") } }
        case StandardEvent.complaintOpened, StandardEvent.complaintResolved:
            category = "complaint"; categoryName = "Complaint"
            for key in ["topic", "channel", "complaint_id"] { if let x = v(key) { detail.append("\(key) \(x)") } }
        default:
            switch e.kind {
            case .identify: category = "profile"; categoryName = "Profile"
            case .page, .screen: category = "visit"; categoryName = "Visit"
            default: category = "event"; categoryName = "Event"
            }
            for (key, value) in p.sorted(by: { $0.key < $1.key }).prefix(3) { detail.append("\(key) \(text(value))") }
        }
        let joined = detail.joined(separator: " · ")
        return TimelineItem(
            iso: ISO8601Timestamp.format(e.timestamp), when: format(e.timestamp), category: category, categoryName: categoryName,
            title: name, detail: joined.isEmpty ? nil : String(joined.prefix(300)))
    }

    static func format(_ date: Date) -> String {
        let iso = ISO8601Timestamp.format(date)
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// A trait or property value as short text.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return String(s.prefix(200))
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: return String(JSONWriter.string(value).prefix(200))
        }
    }
}

/// Customers: search by id or trait.
struct CustomerSearchPage: Sendable {
    struct Result: Sendable {
        var name: String
        var link: String
        var traits: String
        var lastSeen: String
    }

    var message: String?
    var hasResults: Bool
    var results: [Result]

    init(query: String, matches: [CustomerMatch], limit: Int) {
        results = matches.map { m in
            let name = m.userId ?? "anonymous #\(m.id)"
            return Result(
                name: name, link: m.userId.map { "/customer?id=" + Self.encode($0) } ?? "#",
                traits: m.traits.sorted { $0.key < $1.key }.prefix(4).map { "\($0.key): \(CustomerPage.text($0.value))" }.joined(separator: ", "),
                lastSeen: CustomerPage.format(m.lastSeen))
        }
        hasResults = !results.isEmpty
        if query.isEmpty {
            message = "Type a customer id, an alias, the start of an id, or a trait value (an email, a plan) in the search box."
        } else if matches.isEmpty {
            message = "No customer matches “\(query)”."
        } else {
            message = "\(matches.count)\(matches.count == limit ? "+" : "") customers match “\(query)”."
        }
    }

    /// Percent-encodes a user id for a query string.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
