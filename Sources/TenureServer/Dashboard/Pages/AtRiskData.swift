import Foundation
import TenureCore

/// The churn model's ranking of every scored customer, computed once per snapshot in the
/// background (training takes seconds on a large shop), with each customer's RFM segment.
struct AtRiskData: Sendable {
    /// Same label and defaults as `GET /api/v1/at-risk`, so the page and the API agree.
    static let horizonDays: Int32 = 90

    /// All scored customers, largest expected loss first; nil when the model could not be trained.
    var ranking: AtRiskReport?
    /// Why there is no ranking.
    var error: String?
    /// `segments[i]`: RFM segment of `ranking.customers[i]` at the cutoff.
    var segments: [RFMSegment?]
    /// Snapshot customer index → position in `ranking.customers`.
    var positions: [Int32: Int]
    /// Customers with churn risk ≥ 50 % and predicted CLV in the top 20 % of those scored.
    var valuableCount: Int
    /// Their summed expected loss (risk × CLV).
    var valuableLoss: Double

    static func compute(_ snapshot: DashboardSnapshot) async -> AtRiskData {
        let attributes = await snapshot.attributes()
        let ranking: AtRiskReport
        do {
            ranking = try AtRiskRanking(label: .standard(horizonDays: horizonDays), limit: Int.max).run(on: snapshot.activity, attributes: attributes)
        } catch {
            return AtRiskData(ranking: nil, error: "\(error)", segments: [], positions: [:], valuableCount: 0, valuableLoss: 0)
        }
        let rfm = RFMQuery(asOf: ranking.cutoffDay).run(on: snapshot.activity)
        let segments = ranking.customers.map { rfm.segment(ofCustomer: Int32($0.customer)) }
        var positions: [Int32: Int] = [:]
        positions.reserveCapacity(ranking.customers.count)
        for (i, c) in ranking.customers.enumerated() { positions[Int32(c.customer)] = i }
        let rules = RetentionAction.Rules()
        let clvs = ranking.customers.map(\.predictedCLV).sorted()
        let threshold = clvs.isEmpty ? 0 : clvs[min(clvs.count - 1, Int(rules.highValueQuantile * Double(clvs.count)))]
        var count = 0, loss = 0.0
        for c in ranking.customers where c.churnRisk >= rules.highRisk && c.predictedCLV >= threshold {
            count += 1
            loss += c.expectedLoss
        }
        return AtRiskData(ranking: ranking, error: nil, segments: segments, positions: positions, valuableCount: count, valuableLoss: loss)
    }
}

/// At risk: the valuable-at-risk table, filterable by RFM segment, exportable as CSV.
struct AtRiskPage: Sendable {
    struct Row: Sendable {
        var rank: Int
        var userId: String
        var name: String
        var link: String
        var segment: String
        var risk: String
        var riskRaw: String
        var alive: String
        var aliveRaw: String
        var clv: String
        var clvRaw: String
        var loss: String
        var lossRaw: String
        var reasons: String
        var action: String
    }

    var pending: String?
    var ready: Bool
    var segments: [SelectOption]
    var limits: [SelectOption]
    var csvLink: String
    var summary: String
    var caption: String
    var rows: [Row]

    static let limitChoices = [25, 50, 100, 250, 500]

    /// The entries (positions in the ranking) shown for `segment` (nil: all), at most `limit`.
    static func selection(_ data: AtRiskData, segment: RFMSegment?, limit: Int) -> [Int] {
        guard let ranking = data.ranking else { return [] }
        var picked: [Int] = []
        for i in ranking.customers.indices where segment == nil || data.segments[i] == segment {
            picked.append(i)
            if picked.count == limit { break }
        }
        return picked
    }

    static func reasonText(_ reasons: [FeatureContributions.Reason]) -> String {
        reasons.map { "\($0.feature) = \($0.value ?? "missing")" }.joined(separator: "; ")
    }

    init(data: AtRiskData?, segment: RFMSegment?, limit: Int, userIds: [String?]) {
        segments = [SelectOption(value: "", text: "All segments", selected: segment == nil)]
            + RFMSegment.allCases.map { SelectOption(value: $0.rawValue, text: $0.displayName, selected: $0 == segment) }
        limits = Self.limitChoices.map { SelectOption(value: String($0), text: String($0), selected: $0 == limit) }
        var query = "limit=\(limit)"
        if let segment { query += "&segment=\(segment.rawValue)" }
        csvLink = "/at-risk.csv?" + query
        guard let data, let ranking = data.ranking else {
            pending = data?.error.map { "The churn model could not be trained: \($0)" }
                ?? "Scoring customers… the churn model is being trained on the latest data; this page reloads itself."
            ready = false
            summary = ""
            caption = ""
            rows = []
            return
        }
        pending = nil
        ready = true
        let picked = Self.selection(data, segment: segment, limit: limit)
        summary = "\(ChartFormat.grouped(ranking.scoredCount)) customers scored as of \(DayNumber.isoString(ranking.cutoffDay)) (model trained at \(DayNumber.isoString(ranking.trainCutoffDay)), \(ranking.horizonDays)-day horizon). \(ChartFormat.grouped(data.valuableCount)) valuable customers at risk, expected loss \(ChartFormat.money.string(data.valuableLoss))."
        caption = "Customers most worth saving, by expected loss = churn risk × predicted 52-week CLV" + (segment.map { ", segment \($0.displayName)" } ?? "")
        rows = picked.enumerated().map { n, i in
            let c = ranking.customers[i]
            let user = n < userIds.count ? userIds[n] : nil
            return Row(
                rank: i + 1, userId: user ?? "", name: user ?? "customer #\(c.customer)",
                link: user.map { "/customer?id=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? "#",
                segment: data.segments[i]?.displayName ?? "not scored", risk: ChartFormat.percent(1).string(c.churnRisk), riskRaw: "\(c.churnRisk)",
                alive: c.probabilityAlive.map { ChartFormat.percent(1).string($0) } ?? "–", aliveRaw: c.probabilityAlive.map { "\($0)" } ?? "",
                clv: ChartFormat.money.string(c.predictedCLV), clvRaw: "\(c.predictedCLV)",
                loss: ChartFormat.money.string(c.expectedLoss), lossRaw: "\(c.expectedLoss)",
                reasons: Self.reasonText(c.reasons), action: c.action.rawValue)
        }
    }

    /// The same rows as CSV (RFC 4180), for spreadsheets. Cells that a spreadsheet would read as
    /// a formula are prefixed with a quote.
    static func csv(_ data: AtRiskData, picked: [Int], userIds: [String?]) -> String {
        guard let ranking = data.ranking else { return "" }
        var out = "rank,user_id,segment,churn_risk,p_alive,predicted_clv,expected_loss,top_reasons,suggested_action\r\n"
        for (n, i) in picked.enumerated() {
            let c = ranking.customers[i]
            let cells = [
                String(i + 1), (n < userIds.count ? userIds[n] : nil) ?? "", data.segments[i]?.displayName ?? "", "\(c.churnRisk)",
                c.probabilityAlive.map { "\($0)" } ?? "", "\(c.predictedCLV)", "\(c.expectedLoss)", reasonText(c.reasons), c.action.rawValue,
            ]
            out += cells.map(csvCell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvCell(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
