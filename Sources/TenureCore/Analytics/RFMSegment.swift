/// The named RFM segments, from the recency score R and the combined frequency–monetary score
/// FM = ⌊(F + M + 1) ÷ 2⌋ (their mean rounded half up), each 1–5.
///
/// The map is the widely used R × F segment grid (the `seg_map` of the common RFM tutorials and
/// of Putler's segment list), read with FM in place of F, and with its bottom-left "hibernating"
/// corner split into **Lost** (R = 1) and **Hibernating** (R = 2):
///
/// ```
///         FM=1            FM=2               FM=3               FM=4        FM=5
/// R=5     New             Potential loyalist Potential loyalist Champions   Champions
/// R=4     Promising       Potential loyalist Potential loyalist Loyal       Loyal
/// R=3     About to sleep  About to sleep     Needs attention    Loyal       Loyal
/// R=2     Hibernating     Hibernating        At risk            At risk     Can't lose them
/// R=1     Lost            Lost               At risk            At risk     Can't lose them
/// ```
public enum RFMSegment: String, Sendable, Hashable, Codable, CaseIterable {
    case champions, loyal, potentialLoyalist, new, promising, needsAttention, aboutToSleep, atRisk
    case cantLoseThem, hibernating, lost

    /// The segment of the scores `r` and `fm` (each 1–5).
    public static func classify(recency r: Int, frequencyMonetary fm: Int) -> RFMSegment {
        precondition((1...5).contains(r) && (1...5).contains(fm), "RFM scores are 1–5")
        switch (r, fm) {
        case (5, 4...5): return .champions
        case (3...4, 4...5): return .loyal
        case (4...5, 2...3): return .potentialLoyalist
        case (5, 1): return .new
        case (4, 1): return .promising
        case (3, 3): return .needsAttention
        case (3, 1...2): return .aboutToSleep
        case (1...2, 3...4): return .atRisk
        case (1...2, 5): return .cantLoseThem
        case (2, 1...2): return .hibernating
        default: return .lost
        }
    }

    /// The segment of the three scores (FM = ⌊(F + M + 1) ÷ 2⌋).
    public static func classify(recency r: Int, frequency f: Int, monetary m: Int) -> RFMSegment {
        classify(recency: r, frequencyMonetary: (f + m + 1) / 2)
    }

    /// The name shown to marketers.
    public var displayName: String {
        switch self {
        case .champions: "Champions"
        case .loyal: "Loyal"
        case .potentialLoyalist: "Potential loyalist"
        case .new: "New"
        case .promising: "Promising"
        case .needsAttention: "Needs attention"
        case .aboutToSleep: "About to sleep"
        case .atRisk: "At risk"
        case .cantLoseThem: "Can't lose them"
        case .hibernating: "Hibernating"
        case .lost: "Lost"
        }
    }

    /// Position in ``allCases``.
    var code: UInt8 {
        switch self {
        case .champions: 0
        case .loyal: 1
        case .potentialLoyalist: 2
        case .new: 3
        case .promising: 4
        case .needsAttention: 5
        case .aboutToSleep: 6
        case .atRisk: 7
        case .cantLoseThem: 8
        case .hibernating: 9
        case .lost: 10
        }
    }

    /// The segment of every (R, FM) cell at `R * 6 + FM` (entries with a 0 score are unused).
    static let codeTable: [RFMSegment] = (0..<36).map { cell in
        let r = cell / 6, fm = cell % 6
        return r == 0 || fm == 0 ? .lost : classify(recency: r, frequencyMonetary: fm)
    }
}
