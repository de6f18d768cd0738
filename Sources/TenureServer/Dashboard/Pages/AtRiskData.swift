import Foundation
import Logging
import Mustache
import TenureCore

/// The churn model's ranking of every scored customer, computed once per snapshot in the
/// background (training takes seconds on a large shop), with each customer's RFM segment.
///
/// Everyone scored gets a risk, CLV, expected loss and action; only the top ``explained`` (by
/// expected loss) get their TreeSHAP reasons with the ranking. Anyone else's reasons are computed
/// when a page shows them (``reasons(of:in:)``), in milliseconds.
struct AtRiskData: Sendable {
    /// Same label and defaults as `GET /api/v1/at-risk`, so the page and the API agree.
    static let horizonDays: Int32 = 90
    /// Customers explained with the ranking: as many as the scheduled scoring keeps.
    static let explained = RiskScores.keep

    /// All scored customers, largest expected loss first (the first ``explained`` with reasons);
    /// nil when the model could not be trained.
    var ranking: AtRiskReport?
    /// The model that scored them, for explaining customers beyond ``explained``.
    var model: ChurnModelFile?
    /// The customer attributes it was trained and scored with (their columns are part of its features).
    var attributes: CustomerAttributes?
    /// Reasons of ranking positions past ``explained`` that a segment filter shows (the first
    /// rows of every segment), explained once with the ranking so a filtered page does not.
    var segmentReasons: [Int: [FeatureContributions.Reason]] = [:]
    /// Its TreeSHAP tables, prepared once (building them takes longer than explaining a page's rows).
    var explainer: TreeExplainer?
    /// Why there is no ranking.
    var error: String?
    /// `segments[i]`: RFM segment of `ranking.customers[i]` at the cutoff.
    var segments: [RFMSegment?]
    /// Snapshot customer index → position in `ranking.customers`, -1 when not scored.
    var positions: [Int32]
    /// Customers with churn risk ≥ 50 % and predicted CLV in the top 20 % of those scored.
    var valuableCount: Int
    /// Their summed expected loss (risk × CLV).
    var valuableLoss: Double
    /// The churn risk and predicted CLV from which a customer counts as valuable at risk.
    var valuableRisk = 0.5
    var valuableCLV = 0.0
    /// Wall seconds spent training the model and scoring (and explaining) the customers.
    var trainSeconds: Double = 0
    var rankSeconds: Double = 0

    /// The position of snapshot customer `index` in the ranking, if scored.
    func position(of index: Int) -> Int? {
        guard index >= 0, index < positions.count, positions[index] >= 0 else { return nil }
        return Int(positions[index])
    }

    /// The reasons of the ranking entries at `picked` (positions): kept ones as ranked, the others
    /// explained now from `snapshot`.
    func reasons(of picked: [Int], in snapshot: DashboardSnapshot) -> [[FeatureContributions.Reason]] {
        guard let ranking else { return picked.map { _ in [] } }
        let missing = picked.filter { $0 >= Self.explained && segmentReasons[$0] == nil }.map { ranking.customers[$0].customer }
        var computed: [Int: [FeatureContributions.Reason]] = [:]
        if !missing.isEmpty, let model,
            let reasons = try? model.reasons(
                snapshot.activity, attributes: attributes, cutoffDay: ranking.cutoffDay, customers: missing, explainer: explainer)
        {
            for (customer, r) in zip(missing, reasons) { computed[customer] = r }
        }
        return picked.map { i in
            let c = ranking.customers[i]
            return i < Self.explained ? c.reasons : segmentReasons[i] ?? computed[c.customer] ?? []
        }
    }

    static func compute(_ snapshot: DashboardSnapshot, logger: Logger) async -> AtRiskData {
        let attributes = await snapshot.attributes()
        let clock = ContinuousClock(), start = clock.now
        let model: ChurnModelFile, ranking: AtRiskReport
        let trained: ContinuousClock.Instant
        do {
            model = try ChurnModelFile.train(
                on: snapshot.activity, attributes: attributes, label: .standard(horizonDays: horizonDays), backtest: false)
            trained = clock.now
            logger.info("dashboard churn model trained", metadata: [
                "customers": "\(model.trainCount)", "seconds": "\(trained - start)", "sampleLimit": "\(ChurnTrainingSample.standard.maxCustomers)",
            ])
            ranking = try AtRiskRanking(label: model.label, limit: Int.max, explainedCount: explained).rank(
                snapshot.activity, attributes: attributes, using: model)
        } catch {
            logger.warning("dashboard churn scoring failed", metadata: ["error": "\(error)"])
            return AtRiskData(ranking: nil, error: "\(error)", segments: [], positions: [], valuableCount: 0, valuableLoss: 0)
        }
        let ranked = clock.now
        logger.info("dashboard churn risk scored", metadata: [
            "customers": "\(ranking.scoredCount)", "explained": "\(min(explained, ranking.scoredCount))", "seconds": "\(ranked - trained)",
        ])
        let rfm = RFMQuery(asOf: ranking.cutoffDay).run(on: snapshot.activity)
        let segments = ranking.customers.map { rfm.segment(ofCustomer: Int32($0.customer)) }
        var positions = [Int32](repeating: -1, count: snapshot.activity.customerCount)
        for (i, c) in ranking.customers.enumerated() where c.customer < positions.count { positions[c.customer] = Int32(i) }
        let rules = RetentionAction.Rules()
        let clvs = ranking.customers.map(\.predictedCLV).sorted()
        let threshold = clvs.isEmpty ? 0 : clvs[min(clvs.count - 1, Int(rules.highValueQuantile * Double(clvs.count)))]
        var count = 0, loss = 0.0
        for c in ranking.customers where c.churnRisk >= rules.highRisk && c.predictedCLV >= threshold {
            count += 1
            loss += c.expectedLoss
        }
        var explainer: TreeExplainer?
        if case .boostedTrees(let trees) = model.model { explainer = TreeExplainer(model: trees) }
        var data = AtRiskData(
            ranking: ranking, model: model, attributes: attributes, explainer: explainer, error: nil, segments: segments, positions: positions, valuableCount: count, valuableLoss: loss,
            trainSeconds: (trained - start).inSeconds, rankSeconds: (ranked - trained).inSeconds)
        data.valuableRisk = rules.highRisk
        data.valuableCLV = threshold
        // The largest page a segment filter can show, for every segment.
        let shown = AtRiskPage.limitChoices.max() ?? 0
        var perSegment: [RFMSegment?: Int] = [:]
        var extra: [Int] = []
        for i in ranking.customers.indices where perSegment[segments[i], default: 0] < shown {
            perSegment[segments[i], default: 0] += 1
            if i >= explained { extra.append(i) }
        }
        for (i, reasons) in zip(extra, data.reasons(of: extra, in: snapshot)) { data.segmentReasons[i] = reasons }
        return data
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
    /// The segment editor on the valuable customers at risk (and the chosen RFM segment).
    var segmentLink: String
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

    /// The valuable customers at risk as a segment expression: risk and CLV at least the
    /// thresholds (the CLV rounded down to cents), in `segment` when one is chosen.
    static func valuableExpression(_ data: AtRiskData, segment: RFMSegment?) -> String {
        let clv = data.valuableCLV.isFinite ? max(0, (data.valuableCLV * 100).rounded(.down) / 100) : 0
        var text = "\(SegmentMetric.churnRisk.name) >= \(data.valuableRisk) and \(SegmentMetric.clv52w.name) >= \(String(format: "%.2f", clv))"
        if let segment { text += " and \(SegmentMetric.rfm.name) = \(SegmentTextForm.quoted(segment.displayName))" }
        return text
    }

    static func reasonText(_ reasons: [FeatureContributions.Reason]) -> String {
        reasons.map { "\($0.feature) = \($0.value ?? "missing")" }.joined(separator: "; ")
    }

    /// `reasons[n]` are the reasons of the `n`-th picked row (``AtRiskData/reasons(of:in:)``).
    init(data: AtRiskData?, segment: RFMSegment?, limit: Int, userIds: [String?], reasons: [[FeatureContributions.Reason]]) {
        segments = [SelectOption(value: "", text: "All segments", selected: segment == nil)]
            + RFMSegment.allCases.map { SelectOption(value: $0.rawValue, text: $0.displayName, selected: $0 == segment) }
        limits = Self.limitChoices.map { SelectOption(value: String($0), text: String($0), selected: $0 == limit) }
        var query = "limit=\(limit)"
        if let segment { query += "&segment=\(segment.rawValue)" }
        csvLink = "/at-risk.csv?" + query
        segmentLink = ""
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
        segmentLink = SegmentEditorPage.newLink(Self.valuableExpression(data, segment: segment))
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
                reasons: Self.reasonText(n < reasons.count ? reasons[n] : c.reasons), action: c.action.rawValue)
        }
    }

    /// The same rows as CSV (RFC 4180), for spreadsheets. Cells that a spreadsheet would read as
    /// a formula are prefixed with a quote.
    static func csv(_ data: AtRiskData, picked: [Int], userIds: [String?], reasons: [[FeatureContributions.Reason]]) -> String {
        guard let ranking = data.ranking else { return "" }
        var out = "rank,user_id,segment,churn_risk,p_alive,predicted_clv,expected_loss,top_reasons,suggested_action\r\n"
        for (n, i) in picked.enumerated() {
            let c = ranking.customers[i]
            let cells = [
                String(i + 1), (n < userIds.count ? userIds[n] : nil) ?? "", data.segments[i]?.displayName ?? "", "\(c.churnRisk)",
                c.probabilityAlive.map { "\($0)" } ?? "", "\(c.predictedCLV)", "\(c.expectedLoss)", reasonText(n < reasons.count ? reasons[n] : c.reasons),
                c.action.rawValue,
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

/// Rows name their fields for the template directly: without this the template engine looks every
/// `{{field}}` up by reflection, which made a 500-row table take a third of a second.
extension AtRiskPage.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "userId": userId
        case "name": self.name
        case "link": link
        case "segment": segment
        case "risk": risk
        case "riskRaw": riskRaw
        case "alive": alive
        case "aliveRaw": aliveRaw
        case "clv": clv
        case "clvRaw": clvRaw
        case "loss": loss
        case "lossRaw": lossRaw
        case "reasons": reasons
        case "action": action
        default: nil
        }
    }
}
