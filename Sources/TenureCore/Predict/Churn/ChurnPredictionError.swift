import Foundation

/// Why a churn backtest or at-risk ranking could not run; each message says what to change.
public enum ChurnPredictionError: Error, Equatable, CustomStringConvertible {
    /// The snapshot has no events.
    case emptySnapshot
    /// Labels at `cutoffDay` need events up to `cutoffDay + horizonDays`, after the snapshot's last day.
    case horizonNotObserved(cutoffDay: Int32, horizonDays: Int32, lastDay: Int32)
    /// No customer is eligible for the label at `cutoffDay`.
    case noEligibleCustomers(cutoffDay: Int32)
    /// The churn model could not be trained or applied.
    case model(LearnError)
    /// The BG/NBD or Gamma-Gamma model behind P(alive) and CLV could not be fitted.
    case lifetimeModel(BTYDError)

    public var description: String {
        switch self {
        case .emptySnapshot:
            "the snapshot has no events; ingest activity before predicting churn"
        case .horizonNotObserved(let cutoff, let horizon, let last):
            "labels at cutoff day \(cutoff) need events until day \(cutoff + horizon), but the data ends on day \(last); "
                + "choose an earlier cutoff or a shorter horizon"
        case .noEligibleCustomers(let cutoff):
            "no customer is eligible for the churn label at cutoff day \(cutoff); choose a later cutoff or a longer lookback"
        case .model(let error):
            "churn model: \(error)"
        case .lifetimeModel(let error):
            "lifetime value model: \(error)"
        }
    }
}
