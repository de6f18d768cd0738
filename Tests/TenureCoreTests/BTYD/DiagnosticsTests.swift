import Foundation
import Testing
import TenureCore

@Suite("BTYD diagnostics and the bounded optimizer")
struct DiagnosticsTests {
    @Test("empty data, invalid rows and no repeat buyers are typed errors with useful messages")
    func errors() {
        #expect(throws: BTYDError.emptyData) { try BGNBDModel.fit(frequency: [], recency: [], age: []) }
        #expect(throws: BTYDError.noRepeatBuyers(customers: 3)) {
            try ParetoNBDModel.fit(frequency: [0, 0, 0], recency: [0, 0, 0], age: [5, 6, 7])
        }
        #expect(BTYDError.noRepeatBuyers(customers: 3).description.contains("none of the 3 customers"))
        #expect(throws: BTYDError.invalidRow(index: 1, reason: "recency 9.0 is larger than age 8.0")) {
            try BGNBDModel.fit(frequency: [1, 2], recency: [1, 9], age: [8, 8])
        }
        #expect(throws: BTYDError.self) { try BGNBDModel.fit(frequency: [0], recency: [1], age: [8]) }
        #expect(throws: BTYDError.self) { try BGNBDModel.fit(frequency: [1], recency: [1, 2], age: [8]) }
        #expect(throws: BTYDError.self) { try BGBBModel.fit(frequency: [3], recency: [2], periods: [6]) }
    }

    @Test("collapsing keeps weights and first-appearance order")
    func collapse() throws {
        let data = try RFMPatterns(
            frequency: [0, 2, 0, 2, 1], recency: [0, 3.5, 0, 3.5, 1], age: [10, 10, 10, 10, 10], weights: [1, 2, 3, 4, 0])
        #expect(data.count == 2 && data.frequency == [0, 2] && data.weight == [4, 6] && data.customerCount == 10)
    }

    @Test("no dropout in the data is reported as a boundary solution, not a crash")
    func boundarySolution() throws {
        // Given customers who never drop out (Poisson purchases with gamma-distributed rates: an NBD)
        // observed in whole days, in weeks.
        var generator = SeededGenerator(seed: 5)
        let ages = (0..<5_000).map { _ in Double(140 + Int(generator.next() % 140)) / 7 }
        var pareto = BTYDSimulation.paretoNBD(ParetoNBDModel(r: 2, alpha: 4, s: 1e-9, beta: 1e9), ages: ages, using: &generator)
        pareto.recency = pareto.recency.map { ($0 * 7).rounded(.down) / 7 }
        // When fitting BG/NBD and Pareto/NBD
        let bg = try BGNBDModel.fit(frequency: pareto.frequency, recency: pareto.recency, age: pareto.age)
        let pn = try ParetoNBDModel.fit(frequency: pareto.frequency, recency: pareto.recency, age: pareto.age)
        // Then both warn that the optimum is on the no-dropout boundary and report no standard errors
        for warnings in [bg.warnings, pn.warnings] {
            #expect(warnings.contains { $0.kind == .boundarySolution }, "\(warnings)")
        }
        #expect(bg.warnings.contains { $0.message.contains("no evidence of customers becoming inactive") })
        #expect(bg.standardErrors == nil && pn.standardErrors == nil)
        // and predictions say everyone is alive.
        #expect(pn.model.probabilityAlive(frequency: 3, recency: 1, age: 40) > 0.99)
    }

    @Test("few repeat buyers give a warning")
    func fewRepeatBuyers() throws {
        let fit = try BGNBDModel.fit(frequency: [0, 0, 0, 0, 1, 2, 0, 3], recency: [0, 0, 0, 0, 4, 6, 0, 9], age: [10, 10, 10, 10, 10, 10, 10, 10])
        #expect(fit.warnings.contains { $0.kind == .fewRepeatBuyers })
    }

    @Test("optimizer: Rosenbrock unconstrained, and a bound-constrained quadratic")
    func optimizer() {
        let rosenbrock = BoundedLBFGS(lower: [-5, -5], upper: [5, 5]).minimize(from: [-1.2, 1]) { x, g in
            let a = 1 - x[0], b = x[1] - x[0] * x[0]
            g[0] = -2 * a - 400 * x[0] * b
            g[1] = 200 * b
            return a * a + 100 * b * b
        }
        #expect(rosenbrock.status.isConverged)
        #expect(abs(rosenbrock.x[0] - 1) < 1e-6 && abs(rosenbrock.x[1] - 1) < 1e-6)
        // min (x−3)² + (y+1)² + (z−0.5)² on [0,2]×[0,2]×[0,2] → (2, 0, 0.5), first two on bounds.
        let boxed = BoundedLBFGS(lower: [0, 0, 0], upper: [2, 2, 2]).minimize(from: [1, 1, 1]) { x, g in
            g = [2 * (x[0] - 3), 2 * (x[1] + 1), 2 * (x[2] - 0.5)]
            return (x[0] - 3) * (x[0] - 3) + (x[1] + 1) * (x[1] + 1) + (x[2] - 0.5) * (x[2] - 0.5)
        }
        #expect(boxed.status == .convergedProjectedGradient)
        #expect(boxed.x == [2, 0, boxed.x[2]] && abs(boxed.x[2] - 0.5) < 1e-9 && boxed.activeBounds == [0, 1])
        // Multi-start picks the global minimum of a double well: (x² − 1)² + 0.3x, minimum near x = −1.04.
        let well = BoundedLBFGS(lower: [-3], upper: [3]).minimize(starts: [[2], [-2]]) { x, g in
            g[0] = 4 * x[0] * (x[0] * x[0] - 1) + 0.3
            return (x[0] * x[0] - 1) * (x[0] * x[0] - 1) + 0.3 * x[0]
        }
        #expect(well.x[0] < -1)
        // A non-finite start is reported, not trapped.
        let bad = BoundedLBFGS(lower: [-1], upper: [1]).minimize(from: [0]) { _, g in
            g[0] = 0
            return .nan
        }
        #expect(bad.status == .nonFiniteStart)
    }

    @Test("Hessian and covariance helpers")
    func covarianceHelpers() throws {
        // f = x² + 3xy + 5y², H = [[2, 3], [3, 10]], H⁻¹ = [[10, −3], [−3, 2]] / 11.
        let h = NumericalHessian.fromGradient(at: [0.3, -0.2]) { x, g in
            g[0] = 2 * x[0] + 3 * x[1]
            g[1] = 3 * x[0] + 10 * x[1]
        }
        #expect(abs(h[0][0] - 2) < 1e-8 && abs(h[0][1] - 3) < 1e-8 && abs(h[1][1] - 10) < 1e-8)
        let inverse = try #require(NumericalHessian.inverseSymmetricPositiveDefinite(h))
        #expect(abs(inverse[0][0] - 10.0 / 11) < 1e-8 && abs(inverse[0][1] + 3.0 / 11) < 1e-8)
        #expect(NumericalHessian.inverseSymmetricPositiveDefinite([[1, 2], [2, 1]]) == nil)
    }
}
