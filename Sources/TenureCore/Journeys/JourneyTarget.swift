/// A journey with a budget: only the `top` customers of a ranking may enter, by predicted
/// uplift (who the message changes most, from a T-learner trained on the journey's own
/// treatment and control entries) or by churn risk. Document: `"target": {"top": 1000, "by":
/// "uplift"}`.
///
/// By uplift, the ranking falls back to churn risk until the journey has enough entries of its
/// own to learn from (``minimumArmEntries`` in each arm, the goal's window closed); with no
/// ranking at all (no scores yet), nobody enters: a budget is never spent on customers nobody
/// chose.
public struct JourneyTarget: Sendable, Hashable {
    public enum Ranking: String, Sendable, Hashable, CaseIterable {
        case uplift
        case risk
    }

    /// How many customers of the ranking may enter, 1 ... 10,000,000.
    public var top: Int
    public var by: Ranking

    /// Entries each arm needs (decided: goal window closed) before uplift is learnt from them.
    public static let minimumArmEntries = 100

    public init(top: Int, by: Ranking = .uplift) {
        self.top = top
        self.by = by
    }

    /// The positions of the `top` highest finite scores, highest first (ties: lower position
    /// first); NaN (unscored) never enters.
    public static func topPositions(_ scores: [Double], top: Int) -> [Int] {
        guard top > 0 else { return [] }
        let scored = scores.indices.filter { scores[$0].isFinite }
        return Array(scored.sorted { (scores[$0], -$0) > (scores[$1], -$1) }.prefix(top))
    }
}
