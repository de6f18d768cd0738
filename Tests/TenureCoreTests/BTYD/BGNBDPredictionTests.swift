import Foundation
import Testing
import TenureCore

@Suite("BG/NBD and MBG/NBD predictions")
struct BGNBDPredictionTests {
    let model = BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    /// ₂F₁ by its plain series (only for checks, with z well below 1).
    func hyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0, sum = 1.0
        for k in 0..<10_000 {
            let kk = Double(k)
            term *= (a + kk) * (b + kk) / ((c + kk) * (kk + 1)) * z
            sum += term
            if abs(term) < 1e-18 * abs(sum) { break }
        }
        return sum
    }

    @Test("closed forms of Fader, Hardie & Lee (2005) on hand-sized cases")
    func closedForms() {
        let (r, alpha, a, b) = (model.r, model.alpha, model.a, model.b)
        // P(alive), eq. (12) of the FHL 2005 appendix.
        let alive = 1 / (1 + a / (b + 2 - 1) * pow((alpha + 38.86) / (alpha + 30.43), r + 2))
        #expect(abs(model.probabilityAlive(frequency: 2, recency: 30.43, age: 38.86) - alive) < 1e-14)
        #expect(model.probabilityAlive(frequency: 0, recency: 0, age: 38.86) == 1)
        // E[X(t)], eq. (9).
        let t = 39.0
        let unconditionalDecay: Double = pow(alpha / (alpha + t), r)
        let unconditional: Double = (a + b - 1) / (a - 1) * (1 - unconditionalDecay * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
        #expect(abs(model.expectedPurchases(in: t) - unconditional) < 1e-12)
        // E[Y(t) | x, t_x, T], eq. (10).
        let (x, tx, T) = (2.0, 30.43, 38.86)
        let decay: Double = pow((alpha + T) / (alpha + T + t), r + x)
        let series: Double = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        let conditional: Double = (a + b + x - 1) / (a - 1) * (1 - decay * series) * alive
        #expect(abs(model.conditionalExpectedPurchases(in: t, frequency: 2, recency: tx, age: T) - conditional) < 1e-12)
        // P(X(t) = x), eq. (8), for x = 0 and x = 2.
        let p = alpha / (alpha + t), q = t / (alpha + t)
        func betaFunction(_ u: Double, _ v: Double) -> Double { exp(btydLogGamma(u) + btydLogGamma(v) - btydLogGamma(u + v)) }
        let p0 = pow(p, r)
        #expect(abs(model.probabilityOfPurchases(0, in: t) - p0) < 1e-14)
        let nb2 = exp(btydLogGamma(r + 2) - btydLogGamma(r) - btydLogGamma(3)) * pow(p, r) * q * q
        let head = pow(p, r) * (1 + r * q)
        let stillAlive: Double = betaFunction(a, b + 2) / betaFunction(a, b) * nb2
        let droppedOut: Double = betaFunction(a + 1, b + 1) / betaFunction(a, b) * (1 - head)
        let p2 = stillAlive + droppedOut
        #expect(abs(model.probabilityOfPurchases(2, in: t) - p2) < 1e-14)
    }

    @Test("a large a (dropout likely) is evaluated by the direct series, continuous with the stable form")
    func largeA() {
        // On both sides of the switch (ε·z = 64) at nearly the same t, the two forms agree.
        let m = BGNBDModel(r: 0.8, alpha: 10, a: 101, b: 3)
        let tSwitch = 64.0 / 100 * 10 / (1 - 64.0 / 100)  // z = t/(α+t) = 0.64, ε = 100
        let below = m.expectedPurchases(in: tSwitch * (1 - 1e-10)), above = m.expectedPurchases(in: tSwitch * (1 + 1e-10))
        #expect(below > 0 && abs(above - below) / below < 1e-8, "\(below) \(above)")
        // The plain-series definition, where it converges well.
        let z = tSwitch * 1.01 / (10 + tSwitch * 1.01)
        let expected = (m.a + m.b - 1) / (m.a - 1) * (1 - pow(1 - z, m.r) * hyp2f1(m.r, m.b, m.a + m.b - 1, z))
        #expect(abs(m.expectedPurchases(in: tSwitch * 1.01) - expected) / expected < 1e-10)
        // Dropout after every purchase in the limit (p ~ Beta(a, b) → 1): E[X(t)] → 1 − (α/(α+t))^r, the
        // chance of one more purchase; computed in a few terms (the other form would need ε·z ≈ 8·10⁶).
        let limit = BGNBDModel(r: 0.5, alpha: 10, a: 1e7, b: 1).expectedPurchases(in: 52)
        let once = 1 - pow(10.0 / 62, 0.5)
        #expect(abs(limit - once) / once < 1e-5, "\(limit)")
    }

    @Test("a = 1 is handled by the stable form of E[X(t)]")
    func aEqualsOne() {
        let atOne = BGNBDModel(r: 0.5, alpha: 3, a: 1, b: 2).expectedPurchases(in: 10)
        let below = BGNBDModel(r: 0.5, alpha: 3, a: 1 - 1e-7, b: 2).expectedPurchases(in: 10)
        let above = BGNBDModel(r: 0.5, alpha: 3, a: 1 + 1e-7, b: 2).expectedPurchases(in: 10)
        #expect(atOne.isFinite && abs(atOne - below) < 1e-6 && abs(atOne - above) < 1e-6)
    }

    @Test("probabilities sum to one and reproduce the expectations", arguments: [false, true])
    func probabilitiesConsistent(modified: Bool) {
        let mbg = MBGNBDModel(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614)
        for (x, tx, T) in [(0, 0.0, 0.0), (0, 0.0, 38.86), (3, 20.0, 38.86)] {
            var total = 0.0, mean = 0.0
            for n in 0..<800 {
                let p = modified
                    ? mbg.conditionalProbabilityOfPurchases(n, in: 52, frequency: x, recency: tx, age: T)
                    : model.conditionalProbabilityOfPurchases(n, in: 52, frequency: x, recency: tx, age: T)
                total += p
                mean += Double(n) * p
            }
            let expected = modified
                ? mbg.conditionalExpectedPurchases(in: 52, frequency: x, recency: tx, age: T)
                : model.conditionalExpectedPurchases(in: 52, frequency: x, recency: tx, age: T)
            #expect(abs(total - 1) < 1e-8)
            #expect(abs(mean - expected) < 1e-5, "x=\(x): \(mean) vs \(expected)")
        }
    }

    @Test("unconditional expectations match simulation")
    func unconditionalAgainstSimulation() {
        var generator = SeededGenerator(seed: 42)
        let n = 100_000
        let ages = [Double](repeating: 30, count: n)
        let mbg = MBGNBDModel(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614)
        let simulatedMBG = BTYDSimulation.mbgnbd(mbg, ages: ages, using: &generator)
        let simulatedBG = BTYDSimulation.bgnbd(model, ages: ages, using: &generator)
        for (sample, expected) in [(simulatedMBG, mbg.expectedPurchases(in: 30)), (simulatedBG, model.expectedPurchases(in: 30))] {
            let mean = Double(sample.frequency.reduce(0, +)) / Double(n)
            let variance = sample.frequency.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(n - 1)
            let standardError = (variance / Double(n)).squareRoot()
            #expect(abs(mean - expected) < 4 * standardError, "simulated \(mean) vs \(expected) ± \(standardError)")
        }
    }

    @Test("discounted expected purchases: zero discount gives the expectation, discounting lowers it")
    func discounting() {
        let undiscounted = model.discountedExpectedPurchases(periods: 52, discountRate: 0, frequency: 2, recency: 30.43, age: 38.86)
        let expected = model.conditionalExpectedPurchases(in: 52, frequency: 2, recency: 30.43, age: 38.86)
        #expect(abs(undiscounted - expected) < 1e-12)
        let discounted = model.discountedExpectedPurchases(periods: 52, discountRate: 0.003, frequency: 2, recency: 30.43, age: 38.86)
        #expect(discounted < undiscounted && discounted > undiscounted / 1.003.power(52))
    }

    @Test("stays finite for frequencies in the thousands")
    func largeFrequencies() throws {
        for x in [1000, 5000] {
            let alive = model.probabilityAlive(frequency: x, recency: 38, age: 38.86)
            let expected = model.conditionalExpectedPurchases(in: 39, frequency: x, recency: 38, age: 38.86)
            #expect(alive > 0 && alive <= 1 && expected.isFinite && expected > 0)
            let pareto = ParetoNBDModel(r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67)
            let paretoAlive = pareto.probabilityAlive(frequency: x, recency: 38, age: 38.86)
            #expect(paretoAlive > 0 && paretoAlive <= 1)
            #expect(pareto.logLikelihood(frequency: x, recency: 38, age: 38.86).isFinite)
        }
        let data = try RFMPatterns(frequency: [0, 3, 5000, 2500], recency: [0, 10, 38, 20], age: [39, 39, 39, 39])
        #expect(model.logLikelihood(data).isFinite)
        #expect(model.logLikelihoodGradient(data).gradient.allSatisfy { $0.isFinite })
        #expect(ParetoNBDModel(r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67).logLikelihoodGradient(data).gradient.allSatisfy { $0.isFinite })
    }
}

extension Double {
    fileprivate func power(_ n: Int) -> Double { Foundation.pow(self, Double(n)) }
}
