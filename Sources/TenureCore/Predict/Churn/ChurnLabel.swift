import Foundation

/// What "churned" means for a prediction made at a cutoff day, looking `horizonDays` ahead.
///
/// Each customer gets an outcome only if the definition applies to them at the cutoff (they are
/// *eligible*); the outcome reads events in `(cutoff, cutoff + horizonDays]` and nothing else.
public struct ChurnLabel: Sendable, Hashable, Codable {
    /// Which customers are followed and what counts as leaving.
    public enum Kind: Sendable, Hashable, Codable {
        /// Eligible: at least one `activity` event in `(cutoff − lookbackDays, cutoff]`.
        /// Churned: no `activity` event in `(cutoff, cutoff + horizonDays]`.
        case nonContractual(activity: EventSelection, lookbackDays: Int32)
        /// Eligible: the last subscription event on or before the cutoff is `Subscription Started`
        /// or `Renewed`. Churned: a `Subscription Cancelled` in `(cutoff, cutoff + horizonDays]`.
        case contractual
    }

    public var kind: Kind
    /// How far ahead the label looks, in days.
    public var horizonDays: Int32

    public init(kind: Kind, horizonDays: Int32) {
        self.kind = kind
        self.horizonDays = horizonDays
    }

    /// No purchase within `horizonDays` for customers who purchased in the last `lookbackDays`.
    public static func noPurchase(horizonDays: Int32 = 90, lookbackDays: Int32 = 365) -> ChurnLabel {
        ChurnLabel(kind: .nonContractual(activity: .purchases, lookbackDays: lookbackDays), horizonDays: horizonDays)
    }

    /// No event of any kind (purchase, session, page view, survey…) within `horizonDays` for
    /// customers with any event in the last `lookbackDays`: the customer went quiet, not only stopped buying.
    public static func noActivity(horizonDays: Int32 = 90, lookbackDays: Int32 = 365) -> ChurnLabel {
        ChurnLabel(kind: .nonContractual(activity: .any, lookbackDays: lookbackDays), horizonDays: horizonDays)
    }

    /// The label `tenure serve`, `tenure at-risk`, `tenure model train`, `tenure demo` and the
    /// dashboard use unless told otherwise: ``Definition/standard``.
    public static func standard(horizonDays: Int32 = 90) -> ChurnLabel {
        Definition.standard.label(horizonDays: horizonDays)
    }

    /// The non-contractual definitions a user can choose between by name.
    public enum Definition: String, Sendable, CaseIterable, Codable {
        /// ``noActivity(horizonDays:lookbackDays:)``.
        case noActivity = "no-activity"
        /// ``noPurchase(horizonDays:lookbackDays:)``.
        case noPurchase = "no-purchase"

        /// The default. Against the simulator's ground truth (D2C shop, 4,000 customers, seed 11,
        /// store-built attributes, 90-day horizon) the model trained on "no activity" ranks the
        /// customers who truly dropped out better than recency alone, the one trained on "no
        /// purchase" does not (see `SimulatedTruthAttributesTests` and BENCHMARKS.md).
        public static let standard = Definition.noActivity

        /// The label with this definition, a 365-day lookback and the given horizon.
        public func label(horizonDays: Int32) -> ChurnLabel {
            switch self {
            case .noActivity: .noActivity(horizonDays: horizonDays)
            case .noPurchase: .noPurchase(horizonDays: horizonDays)
            }
        }
    }

    /// A subscription cancelled within `horizonDays` for customers subscribed at the cutoff.
    public static func cancellation(horizonDays: Int32 = 90) -> ChurnLabel {
        ChurnLabel(kind: .contractual, horizonDays: horizonDays)
    }

    /// Per snapshot customer (index = customer): `true` churned, `false` retained, `nil` not eligible
    /// at `cutoffDay`. The caller makes sure `cutoffDay + horizonDays` has been observed.
    public func outcomes(in snapshot: ActivitySnapshot, cutoffDay: Int32) -> [Bool?] {
        var out = [Bool?](repeating: nil, count: snapshot.customerCount)
        let end = cutoffDay + horizonDays
        switch kind {
        case .nonContractual(let activity, let lookbackDays):
            let mask = activity.mask()
            snapshot.scan(0..<snapshot.customerCount) { c, ev in
                var eligible = false, returned = false
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let day = ev.days[i]
                    if day > end { break }
                    if day > cutoffDay { returned = true; break }
                    if day > cutoffDay - lookbackDays { eligible = true }
                }
                if eligible { out[c] = !returned }
            }
        case .contractual:
            snapshot.scan(0..<snapshot.customerCount) { c, ev in
                var active = false, cancelled = false
                for i in 0..<ev.count {
                    let day = ev.days[i], type = ev.types[i]
                    if day > end { break }
                    if day <= cutoffDay {
                        if type == EventTypeTable.subscriptionStarted || type == EventTypeTable.subscriptionRenewed {
                            active = true
                        } else if type == EventTypeTable.subscriptionCancelled {
                            active = false
                        }
                    } else if type == EventTypeTable.subscriptionCancelled {
                        cancelled = true
                        break
                    }
                }
                if active { out[c] = cancelled }
            }
        }
        return out
    }

    /// Per snapshot customer: whether the label applies at `cutoffDay`. Reads only events on or
    /// before the cutoff, so it can be used where the future is unknown.
    public func eligibility(in snapshot: ActivitySnapshot, cutoffDay: Int32) -> [Bool] {
        // Eligibility never depends on events after the cutoff; a zero horizon reads none of them.
        ChurnLabel(kind: kind, horizonDays: 0).outcomes(in: snapshot, cutoffDay: cutoffDay).map { $0 != nil }
    }
}
