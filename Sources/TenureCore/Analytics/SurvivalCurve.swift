import Foundation

/// A Kaplan–Meier survival curve with Greenwood confidence intervals: the share of customers still
/// active `t` days after they started, when some are still active (right-censored) at the end of
/// the data.
///
/// Estimator: S(t) = ∏_{tᵢ ≤ t} (1 − dᵢ ÷ nᵢ) over the distinct times tᵢ with dᵢ losses among nᵢ
/// customers at risk. Variance: Greenwood, Var S(t) = S(t)² Σ dᵢ ÷ (nᵢ (nᵢ − dᵢ)). Intervals use
/// the log–log transform (R `survfit(conf.type = "log-log")`, lifelines' default), which keeps
/// them inside [0, 1]. The median is the first time with S(t) ≤ 0.5 (lifelines' convention); the
/// restricted mean is the area under S from 0 to the largest observed time (R's `rmean`).
public struct SurvivalCurve: Sendable, Hashable, Codable {
    public struct Point: Sendable, Hashable, Codable {
        /// Days since the start.
        public var time: Int
        /// Customers still at risk just before `time`.
        public var atRisk: Int
        /// Losses observed at `time`.
        public var events: Int
        /// Customers censored (still active when last seen) at `time`.
        public var censored: Int
        public var survival: Double
        /// Greenwood standard error of `survival`.
        public var standardError: Double
        public var lower: Double
        public var upper: Double
    }

    /// One point per distinct time with a loss or a censoring, in time order.
    public var points: [Point]
    public var subjects: Int
    public var events: Int
    /// Confidence level of `lower`/`upper` (e.g. 0.95).
    public var confidenceLevel: Double
    /// Median lifetime in days; `nil` while more than half are still active at the last time.
    public var medianDays: Int?
    /// Mean lifetime restricted to `restrictionDays`, in days: ∫₀^τ S(t) dt.
    public var restrictedMeanDays: Double
    /// τ: the largest observed time, in days.
    public var restrictionDays: Int

    /// The curve of `durations` (days, ≥ 0) where `observed[i]` says whether customer i was lost
    /// (true) or is censored at that time (false). z for 95 % is 1.959964.
    public init(durations: [Int32], observed: [Bool], confidenceLevel: Double = 0.95) {
        precondition(durations.count == observed.count, "one observed flag per duration")
        let maxT = Int(durations.max() ?? 0)
        var deaths = [Int](repeating: 0, count: maxT + 1)
        var censors = [Int](repeating: 0, count: maxT + 1)
        for (d, o) in zip(durations, observed) {
            precondition(d >= 0, "durations are non-negative")
            if o { deaths[Int(d)] += 1 } else { censors[Int(d)] += 1 }
        }
        self.init(deaths: deaths, censored: censors, confidenceLevel: confidenceLevel)
    }

    /// The curve from per-day counts: `deaths[t]` losses and `censored[t]` censorings at day t.
    init(deaths: [Int], censored: [Int], confidenceLevel: Double = 0.95) {
        self.confidenceLevel = confidenceLevel
        let z = Self.normalQuantile(0.5 + confidenceLevel / 2)
        var atRisk = deaths.reduce(0, +) + censored.reduce(0, +)
        subjects = atRisk
        events = deaths.reduce(0, +)
        var s = 1.0, greenwood = 0.0
        var pts: [Point] = []
        var median: Int?
        var area = 0.0, lastTime = 0, lastS = 1.0
        for t in deaths.indices where deaths[t] > 0 || censored[t] > 0 {
            let d = deaths[t], n = atRisk
            area += lastS * Double(t - lastTime)
            lastTime = t
            if d > 0 {
                s *= 1 - Double(d) / Double(n)
                greenwood += n > d ? Double(d) / (Double(n) * Double(n - d)) : .infinity
            }
            lastS = s
            if median == nil && s <= 0.5 { median = t }
            let se = s > 0 && greenwood.isFinite ? s * greenwood.squareRoot() : 0
            var lo = s, hi = s
            if s > 0 && s < 1 && greenwood.isFinite {
                let logS = Foundation.log(s)
                let v = (greenwood / (logS * logS)).squareRoot()
                let c = Foundation.log(-logS)
                lo = Foundation.exp(-Foundation.exp(c + z * v))
                hi = Foundation.exp(-Foundation.exp(c - z * v))
            }
            pts.append(
                Point(
                    time: t, atRisk: n, events: d, censored: censored[t], survival: s, standardError: se,
                    lower: lo, upper: hi))
            atRisk -= d + censored[t]
        }
        points = pts
        medianDays = median
        restrictedMeanDays = area
        restrictionDays = lastTime
    }

    /// S(t): the share still active after `days` days.
    public func survival(at days: Int) -> Double {
        var s = 1.0
        for p in points where p.time <= days { s = p.survival }
        return s
    }

    /// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -normalQuantile(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
