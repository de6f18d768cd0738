import Foundation

/// The logistic link, computed without overflow.
enum LogOdds {
    @inline(__always) static func probability(_ margin: Double) -> Double {
        margin >= 0 ? 1 / (1 + exp(-margin)) : exp(margin) / (1 + exp(margin))
    }

    /// log(1 + exp(x)) without overflow.
    @inline(__always) static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }
}
