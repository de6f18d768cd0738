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
