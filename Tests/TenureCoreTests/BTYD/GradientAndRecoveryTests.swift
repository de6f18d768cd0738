import Foundation
import Testing
import TenureCore

/// Analytic gradients against central finite differences, and parameter recovery on data simulated
/// from known parameters with `SeededGenerator` (tolerance: 4 standard errors of the fit itself, on the
/// log scale, so it follows the sample size).
@Suite("Gradients and parameter recovery")
struct GradientAndRecoveryTests {
    /// Five-point central differences of f in each log-parameter (step 1e-3: truncation error ~1e-13,
    /// and round-off of large ln Γ differences stays small); returns the largest relative error.
    static func gradientError(at logParameters: [Double], analytic: [Double], _ f: ([Double]) -> Double) -> Double {
        var worst = 0.0
        for i in 0..<logParameters.count {
            let h = 1e-3
            func at(_ offset: Double) -> Double {
                var point = logParameters
                point[i] += offset * h
                return f(point)
            }
            let numeric = (at(-2) - 8 * at(-1) + 8 * at(1) - at(2)) / (12 * h)
            worst = max(worst, abs(numeric - analytic[i]) / max(1, abs(numeric)))
        }
        return worst
    }

    static func simulatedRFM(seed: UInt64, count: Int) -> RFMPatterns {
        var generator = SeededGenerator(seed: seed)
        let ages = (0..<count).map { _ in 20 + 30 * generator.nextUnitInterval() }
        let customers = BTYDSimulation.paretoNBD(
            ParetoNBDModel(r: 0.8, alpha: 6, s: 0.7, beta: 9), ages: ages, using: &generator)
        return try! RFMPatterns(frequency: customers.frequency + [4000], recency: customers.recency + [19.5], age: customers.age + [20])
    }

    @Test("BG/NBD, MBG/NBD and Pareto/NBD gradients match finite differences",
          arguments: [[0.243, 4.414, 0.793, 2.426], [2.5, 0.7, 3.1, 0.4], [0.55, 10.58, 0.61, 11.67], [0.55, 11.67, 0.61, 10.58],
                     [0.3, 0.5, 0.2, 9000], [1.5, 9000, 0.4, 0.5]])
    func rfmGradients(parameters: [Double]) {
        let data = Self.simulatedRFM(seed: 7, count: 400)
        let phi = parameters.map { log($0) }
        // With b = 9000 the ln Γ terms are ~7e4 and their round-off limits the finite differences to ~1e-6.
        let tolerance = parameters.max()! > 1000 ? 1e-5 : 1e-6
        let bg = BGNBDModel(parameters: parameters).logLikelihoodGradient(data)
        #expect(Self.gradientError(at: phi, analytic: bg.gradient) { BGNBDModel(parameters: $0.map { exp($0) }).logLikelihood(data) } < tolerance)
        let mbg = MBGNBDModel(parameters: parameters).logLikelihoodGradient(data)
        #expect(Self.gradientError(at: phi, analytic: mbg.gradient) { MBGNBDModel(parameters: $0.map { exp($0) }).logLikelihood(data) } < tolerance)
        let pareto = ParetoNBDModel(parameters: parameters).logLikelihoodGradient(data)
        #expect(Self.gradientError(at: phi, analytic: pareto.gradient) { ParetoNBDModel(parameters: $0.map { exp($0) }).logLikelihood(data) } < 1e-6)
    }

    @Test("BG/BB and Gamma-Gamma gradients match finite differences")
    func otherGradients() throws {
        var generator = SeededGenerator(seed: 11)
        let truth = BGBBModel(alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8)
        let simulated = BTYDSimulation.bgbb(truth, periods: (0..<500).map { 3 + $0 % 20 }, using: &generator)
        let data = try BGBBModel.patterns(frequency: simulated.frequency, recency: simulated.recency, periods: simulated.periods)
        for parameters in [[1.2, 0.75, 0.66, 2.8], [0.3, 4, 2.5, 0.5]] {
            let phi = parameters.map { log($0) }
            let bb = BGBBModel(parameters: parameters).logLikelihoodGradient(data)
            #expect(Self.gradientError(at: phi, analytic: bb.gradient) { BGBBModel(parameters: $0.map { exp($0) }).logLikelihood(data) } < 1e-6)
        }
        let frequency = (0..<300).map { 1 + $0 % 25 }
        let spend = try GammaGammaModel.SpendPatterns(
            frequency: frequency,
            monetaryValue: BTYDSimulation.gammaGammaSpend(GammaGammaModel(p: 6, q: 4, gamma: 15), frequency: frequency, using: &generator))
        for parameters in [[6.25, 3.74, 15.44], [0.5, 12, 200]] {
            let phi = parameters.map { log($0) }
            let gg = GammaGammaModel(parameters: parameters).logLikelihoodGradient(spend)
            #expect(Self.gradientError(at: phi, analytic: gg.gradient) { GammaGammaModel(parameters: $0.map { exp($0) }).logLikelihood(spend) } < 1e-6)
        }
    }

    /// |ln θ̂ − ln θ| ≤ 4 SE(ln θ̂) for every parameter.
    static func recovered<M: BTYDModel>(_ fit: BTYDFit<M>, truth: [Double]) -> Bool {
        guard let covariance = fit.logParameterCovariance else { return false }
        return (0..<truth.count).allSatisfy { i in
            abs(log(fit.parameters[i]) - log(truth[i])) <= 4 * covariance[i][i].squareRoot()
        }
    }

    @Test("BG/NBD recovers simulated parameters")
    func bgnbdRecovery() throws {
        var generator = SeededGenerator(seed: 2024)
        let truth = BGNBDModel(r: 0.8, alpha: 5, a: 0.9, b: 3)
        let customers = BTYDSimulation.bgnbd(truth, ages: (0..<8_000).map { _ in Double(182 + Int(generator.next() % 182)) / 7 }, using: &generator)
        let fit = try BGNBDModel.fit(frequency: customers.frequency, recency: customers.recency, age: customers.age)
        #expect(fit.status.isConverged && Self.recovered(fit, truth: truth.parameters), "\(fit.parameters)")
    }

    @Test("MBG/NBD recovers simulated parameters")
    func mbgnbdRecovery() throws {
        var generator = SeededGenerator(seed: 2025)
        let truth = MBGNBDModel(r: 0.8, alpha: 5, a: 0.9, b: 3)
        let customers = BTYDSimulation.mbgnbd(truth, ages: (0..<8_000).map { _ in Double(182 + Int(generator.next() % 182)) / 7 }, using: &generator)
        let fit = try MBGNBDModel.fit(frequency: customers.frequency, recency: customers.recency, age: customers.age)
        #expect(fit.status.isConverged && Self.recovered(fit, truth: truth.parameters), "\(fit.parameters)")
    }

    @Test("Pareto/NBD recovers simulated parameters")
    func paretoRecovery() throws {
        var generator = SeededGenerator(seed: 2026)
        let truth = ParetoNBDModel(r: 0.8, alpha: 6, s: 0.7, beta: 9)
        let customers = BTYDSimulation.paretoNBD(truth, ages: (0..<8_000).map { _ in Double(182 + Int(generator.next() % 182)) / 7 }, using: &generator)
        let fit = try ParetoNBDModel.fit(frequency: customers.frequency, recency: customers.recency, age: customers.age)
        #expect(fit.status.isConverged && Self.recovered(fit, truth: truth.parameters), "\(fit.parameters)")
    }

    @Test("BG/BB recovers simulated parameters")
    func bgbbRecovery() throws {
        var generator = SeededGenerator(seed: 2027)
        let truth = BGBBModel(alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8)
        let simulated = BTYDSimulation.bgbb(truth, periods: [Int](repeating: 8, count: 20_000), using: &generator)
        let fit = try BGBBModel.fit(frequency: simulated.frequency, recency: simulated.recency, periods: simulated.periods)
        #expect(fit.status.isConverged && Self.recovered(fit, truth: truth.parameters), "\(fit.parameters)")
        #expect(fit.patternCount <= 45)  // (x, t_x) pairs for n = 8: collapsed
    }

    @Test("Gamma-Gamma recovers simulated parameters")
    func gammaGammaRecovery() throws {
        var generator = SeededGenerator(seed: 2028)
        let truth = GammaGammaModel(p: 6, q: 4, gamma: 15)
        let frequency = (0..<5_000).map { _ in 1 + generator.nextPoisson(mean: 3) }
        let spend = BTYDSimulation.gammaGammaSpend(truth, frequency: frequency, using: &generator)
        let fit = try GammaGammaModel.fit(frequency: frequency, monetaryValue: spend)
        #expect(fit.status.isConverged && Self.recovered(fit, truth: truth.parameters), "\(fit.parameters)")
    }
}
