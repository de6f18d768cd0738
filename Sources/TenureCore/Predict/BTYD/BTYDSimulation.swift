/// Simulated customer bases drawn from the BTYD models' own generative stories, for tests,
/// benchmarks and what-if analyses. Every customer makes a first purchase at time 0 and is observed
/// until its age T (same time unit as the model's α, β).
public enum BTYDSimulation {
    /// Per-customer (x, t_x, T).
    public struct Customers: Sendable {
        public var frequency: [Int]
        public var recency: [Double]
        public var age: [Double]
    }

    /// BG/NBD: λ ~ Gamma(r, α); after each repeat purchase, dropout with probability p ~ Beta(a, b).
    /// `modified` draws the MBG/NBD variant (dropout also possible at time 0).
    public static func betaGeometric(
        r: Double, alpha: Double, a: Double, b: Double, modified: Bool = false, ages: [Double],
        using generator: inout some RandomNumberGenerator
    ) -> Customers {
        var xs = [Int](repeating: 0, count: ages.count), ts = [Double](repeating: 0, count: ages.count)
        for i in 0..<ages.count {
            let lambda = generator.nextGamma(shape: r, rate: alpha)
            let p = generator.nextBeta(a: a, b: b)
            if modified && generator.nextUnitInterval() < p { continue }
            var t = 0.0, x = 0, last = 0.0
            while true {
                t += generator.nextExponential(rate: lambda)
                if t > ages[i] { break }
                x += 1
                last = t
                if generator.nextUnitInterval() < p { break }
            }
            xs[i] = x
            ts[i] = last
        }
        return Customers(frequency: xs, recency: ts, age: ages)
    }

    public static func bgnbd(_ model: BGNBDModel, ages: [Double], using generator: inout some RandomNumberGenerator) -> Customers {
        betaGeometric(r: model.r, alpha: model.alpha, a: model.a, b: model.b, ages: ages, using: &generator)
    }

    public static func mbgnbd(_ model: MBGNBDModel, ages: [Double], using generator: inout some RandomNumberGenerator) -> Customers {
        betaGeometric(r: model.r, alpha: model.alpha, a: model.a, b: model.b, modified: true, ages: ages, using: &generator)
    }

    /// Pareto/NBD: λ ~ Gamma(r, α), lifetime ~ Exponential(μ), μ ~ Gamma(s, β).
    public static func paretoNBD(_ model: ParetoNBDModel, ages: [Double], using generator: inout some RandomNumberGenerator) -> Customers {
        var xs = [Int](repeating: 0, count: ages.count), ts = [Double](repeating: 0, count: ages.count)
        for i in 0..<ages.count {
            let lambda = generator.nextGamma(shape: model.r, rate: model.alpha)
            let mu = generator.nextGamma(shape: model.s, rate: model.beta)
            let end = min(generator.nextExponential(rate: mu), ages[i])
            var t = 0.0, x = 0, last = 0.0
            while true {
                t += generator.nextExponential(rate: lambda)
                if t > end { break }
                x += 1
                last = t
            }
            xs[i] = x
            ts[i] = last
        }
        return Customers(frequency: xs, recency: ts, age: ages)
    }

    /// BG/BB: at each of n opportunities, dropout first with probability θ ~ Beta(γ, δ), then a
    /// transaction with probability p ~ Beta(α, β). Recency and age are whole opportunities.
    public static func bgbb(_ model: BGBBModel, periods: [Int], using generator: inout some RandomNumberGenerator)
        -> (frequency: [Int], recency: [Int], periods: [Int])
    {
        var xs = [Int](repeating: 0, count: periods.count), ts = xs
        for i in 0..<periods.count {
            let p = generator.nextBeta(a: model.alpha, b: model.beta)
            let theta = generator.nextBeta(a: model.gamma, b: model.delta)
            for k in stride(from: 1, through: periods[i], by: 1) {
                if generator.nextUnitInterval() < theta { break }
                if generator.nextUnitInterval() < p {
                    xs[i] += 1
                    ts[i] = k
                }
            }
        }
        return (xs, ts, periods)
    }

    /// Gamma-Gamma: per-customer ν ~ Gamma(q, γ), transaction values ~ Gamma(p, ν); returns the mean
    /// of each customer's x values (0 when x = 0).
    public static func gammaGammaSpend(
        _ model: GammaGammaModel, frequency: [Int], using generator: inout some RandomNumberGenerator
    ) -> [Double] {
        frequency.map { x in
            guard x > 0 else { return 0 }
            let nu = generator.nextGamma(shape: model.q, rate: model.gamma)
            // A sum of x Gamma(p, ν) values is Gamma(px, ν).
            return generator.nextGamma(shape: model.p * Double(x), rate: nu) / Double(x)
        }
    }
}
