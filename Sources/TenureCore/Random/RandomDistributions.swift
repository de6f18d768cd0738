import Foundation

/// Samplers for the distributions the simulator and the model tests draw from. Parameterizations
/// follow the BTYD literature: Gamma(shape, rate) with mean shape/rate; Beta(a, b) with mean a/(a+b).
extension RandomNumberGenerator {
    /// Uniform on the open interval (0, 1): never exactly 0, so `log` of it is finite.
    public mutating func nextUnitInterval() -> Double {
        Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_994.0)
    }

    public mutating func nextStandardNormal() -> Double {
        let u1 = nextUnitInterval(), u2 = nextUnitInterval()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Exponential with the given rate (mean 1/rate).
    public mutating func nextExponential(rate: Double) -> Double {
        -Foundation.log(nextUnitInterval()) / rate
    }

    /// Gamma(shape, rate), mean shape/rate (Marsaglia & Tsang 2000; shape < 1 by boosting).
    public mutating func nextGamma(shape: Double, rate: Double) -> Double {
        precondition(shape > 0 && rate > 0, "gamma needs a positive shape and rate")
        if shape < 1 {
            let u = nextUnitInterval()
            return nextGamma(shape: shape + 1, rate: rate) * Foundation.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = nextStandardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextUnitInterval()
            if u < 1 - 0.0331 * x * x * x * x { return d * v / rate }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v / rate }
        }
    }

    /// Beta(a, b), mean a/(a+b).
    public mutating func nextBeta(a: Double, b: Double) -> Double {
        let x = nextGamma(shape: a, rate: 1), y = nextGamma(shape: b, rate: 1)
        return x / (x + y)
    }

    /// Poisson with the given mean (inversion for small means, normal approximation above 500).
    public mutating func nextPoisson(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean > 500 { return max(0, Int((mean + mean.squareRoot() * nextStandardNormal()).rounded())) }
        if mean > 30 {
            // Split to keep exp(-mean) well away from underflow.
            let half = mean / 2
            return nextPoisson(mean: half) + nextPoisson(mean: mean - half)
        }
        let limit = Foundation.exp(-mean)
        var k = 0, p = nextUnitInterval()
        while p > limit {
            k += 1
            p *= nextUnitInterval()
        }
        return k
    }

    /// Log-normal: exp(Normal(mu, sigma)).
    public mutating func nextLogNormal(mu: Double, sigma: Double) -> Double {
        Foundation.exp(mu + sigma * nextStandardNormal())
    }
}
