/// A limited-memory quasi-Newton minimizer with box constraints (projected, active-set L-BFGS).
///
/// Each iteration fixes the variables that sit on a bound with the gradient pushing outwards, builds
/// the L-BFGS direction (two-loop recursion, Nocedal & Wright 2006, Algorithm 7.4) on the remaining
/// free variables, caps the step at the first bound it would cross, and runs a strong-Wolfe line
/// search (Nocedal & Wright Algorithms 3.5 and 3.6, cubic interpolation) on that segment. A variable
/// that reaches its bound joins the active set; it is released as soon as the gradient points back
/// inside. Convergence: the infinity norm of the projected gradient, or the relative decrease of the
/// objective over one iteration (the L-BFGS-B `factr` test).
///
/// The objective is written once and returns its value and fills its analytic gradient:
/// ```swift
/// let result = BoundedLBFGS(lower: [-10, -10], upper: [10, 10]).minimize(from: [0, 0]) { x, g in
///     g[0] = 2 * (x[0] - 1); g[1] = 2 * (x[1] + 2)
///     return (x[0] - 1) * (x[0] - 1) + (x[1] + 2) * (x[1] + 2)
/// }
/// ```
/// Non-finite objective values are treated as "too far" by the line search, so an objective may
/// return `.infinity` outside its domain.
public struct BoundedLBFGS: Sendable {
    public struct Options: Sendable {
        /// Number of correction pairs kept.
        public var memory: Int = 10
        public var maxIterations: Int = 500
        /// Stop when the infinity norm of the projected gradient is at most this.
        public var projectedGradientTolerance: Double = 1e-8
        /// Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) is at most this.
        public var relativeFunctionTolerance: Double = 1e-13
        /// Objective evaluations allowed in one line search.
        public var maxLineSearchEvaluations: Int = 40
        /// Sufficient-decrease (Armijo) constant c1 of the Wolfe conditions.
        public var sufficientDecrease: Double = 1e-4
        /// Curvature constant c2 of the strong Wolfe conditions.
        public var curvature: Double = 0.9

        public init() {}
    }

    public let lower: [Double]
    public let upper: [Double]
    public var options: Options

    /// Bounds may be infinite; `lower[i] <= upper[i]` is required.
    public init(lower: [Double], upper: [Double], options: Options = Options()) {
        precondition(lower.count == upper.count, "bounds must have the same dimension")
        precondition(zip(lower, upper).allSatisfy { $0 <= $1 }, "every lower bound must be <= its upper bound")
        self.lower = lower
        self.upper = upper
        self.options = options
    }

    /// Minimizes from each start and returns the result with the lowest objective (converged
    /// results preferred over non-converged ones with the same value).
    public func minimize(
        starts: [[Double]],
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> OptimizationResult {
        precondition(!starts.isEmpty, "multi-start needs at least one start")
        var best: OptimizationResult?
        for start in starts {
            let result = minimize(from: start, objective: objective)
            guard let current = best else {
                best = result
                continue
            }
            let better = result.value.isFinite
                && (!current.value.isFinite
                    || result.value < current.value - 1e-12 * max(1, abs(current.value))
                    || (result.status.isConverged && !current.status.isConverged
                        && result.value <= current.value + 1e-12 * max(1, abs(current.value))))
            if better { best = result }
        }
        return best!
    }

    /// Minimizes `objective` from `start` (projected into the box first).
    public func minimize(
        from start: [Double],
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> OptimizationResult {
        let n = start.count
        precondition(n == lower.count, "start has \(n) components, bounds have \(lower.count)")
        var x = project(start)
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var evaluations = 1
        guard f.isFinite, g.allSatisfy(\.isFinite) else {
            return OptimizationResult(
                x: x, value: f, gradient: g, projectedGradientNorm: .infinity, iterations: 0,
                evaluations: evaluations, status: .nonFiniteStart, activeBounds: activeBounds(x))
        }

        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var iterations = 0
        var status = OptimizationStatus.maxIterationsReached

        while true {
            if projectedGradientNorm(x, g) <= options.projectedGradientTolerance {
                status = .convergedProjectedGradient
                break
            }
            if iterations >= options.maxIterations {
                status = .maxIterationsReached
                break
            }
            iterations += 1

            var free = (0..<n).map { i in
                !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0))
            }
            var d = direction(gradient: g, free: free, s: sHistory, y: yHistory)
            // A quasi-Newton direction may still push a free variable that sits on a bound outwards.
            for i in 0..<n where (x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0) {
                d[i] = 0
                free[i] = false
            }
            var slope = dot(g, d)
            if !(slope < 0) {
                sHistory.removeAll()
                yHistory.removeAll()
                d = (0..<n).map { free[$0] ? -g[$0] : 0 }
                slope = dot(g, d)
                if !(slope < 0) {
                    status = .convergedProjectedGradient
                    break
                }
            }

            var maxStep = Double.infinity
            for i in 0..<n where d[i] != 0 {
                let room = d[i] > 0 ? (upper[i] - x[i]) / d[i] : (lower[i] - x[i]) / d[i]
                maxStep = min(maxStep, max(0, room))
            }
            var initialStep = 1.0
            if sHistory.isEmpty {
                let norm = dot(d, d).squareRoot()
                initialStep = min(1, 1 / max(norm, 1e-300))
            }
            initialStep = min(initialStep, maxStep)

            guard
                let step = lineSearch(
                    x: x, f: f, slope: slope, direction: d, initialStep: initialStep, maxStep: maxStep,
                    evaluations: &evaluations, objective: objective)
            else {
                if !sHistory.isEmpty {
                    // Retry from steepest descent before giving up.
                    sHistory.removeAll()
                    yHistory.removeAll()
                    continue
                }
                status = .lineSearchFailed
                break
            }

            let s = (0..<n).map { step.x[$0] - x[$0] }
            let y = (0..<n).map { step.gradient[$0] - g[$0] }
            let sy = dot(s, y)
            if sy > 1e-14 * dot(y, y) && sy > 0 {
                sHistory.append(s)
                yHistory.append(y)
                if sHistory.count > options.memory {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                }
            }
            let previous = f
            x = step.x
            f = step.value
            g = step.gradient
            if previous - f <= options.relativeFunctionTolerance * max(abs(previous), abs(f), 1) {
                status = projectedGradientNorm(x, g) <= options.projectedGradientTolerance
                    ? .convergedProjectedGradient : .convergedRelativeFunctionChange
                break
            }
        }
        return OptimizationResult(
            x: x, value: f, gradient: g, projectedGradientNorm: projectedGradientNorm(x, g),
            iterations: iterations, evaluations: evaluations, status: status, activeBounds: activeBounds(x))
    }

    // MARK: - Pieces

    func project(_ x: [Double]) -> [Double] {
        (0..<x.count).map { min(max(x[$0], lower[$0]), upper[$0]) }
    }

    /// Infinity norm of P(x − g) − x, the projected gradient of L-BFGS-B.
    func projectedGradientNorm(_ x: [Double], _ g: [Double]) -> Double {
        var norm = 0.0
        for i in 0..<x.count {
            let moved = min(max(x[i] - g[i], lower[i]), upper[i]) - x[i]
            norm = max(norm, abs(moved))
        }
        return norm
    }

    private func activeBounds(_ x: [Double]) -> [Int] {
        (0..<x.count).filter { x[$0] <= lower[$0] || x[$0] >= upper[$0] }
    }

    /// L-BFGS two-loop recursion restricted to the free variables.
    private func direction(gradient g: [Double], free: [Bool], s: [[Double]], y: [[Double]]) -> [Double] {
        let n = g.count
        var q = (0..<n).map { free[$0] ? g[$0] : 0 }
        let m = s.count
        var alphas = [Double](repeating: 0, count: m)
        var rhos = [Double](repeating: 0, count: m)
        var gamma = 1.0
        for k in 0..<m {
            var sy = 0.0
            for i in 0..<n where free[i] { sy += s[k][i] * y[k][i] }
            rhos[k] = sy > 0 ? 1 / sy : 0
        }
        for k in stride(from: m - 1, through: 0, by: -1) where rhos[k] > 0 {
            var sq = 0.0
            for i in 0..<n where free[i] { sq += s[k][i] * q[i] }
            alphas[k] = rhos[k] * sq
            for i in 0..<n where free[i] { q[i] -= alphas[k] * y[k][i] }
        }
        if let last = (0..<m).last(where: { rhos[$0] > 0 }) {
            var yy = 0.0
            for i in 0..<n where free[i] { yy += y[last][i] * y[last][i] }
            if yy > 0 { gamma = 1 / (rhos[last] * yy) }
        }
        for i in 0..<n { q[i] *= gamma }
        for k in 0..<m where rhos[k] > 0 {
            var yr = 0.0
            for i in 0..<n where free[i] { yr += y[k][i] * q[i] }
            let beta = rhos[k] * yr
            for i in 0..<n where free[i] { q[i] += s[k][i] * (alphas[k] - beta) }
        }
        return (0..<n).map { free[$0] ? -q[$0] : 0 }
    }

    struct LineSearchPoint {
        var step: Double
        var x: [Double]
        var value: Double
        var gradient: [Double]
        var slope: Double
    }

    /// Strong-Wolfe line search on φ(α) = f(x + α d), 0 < α ≤ maxStep. Returns nil when no point
    /// with sufficient decrease was found.
    private func lineSearch(
        x: [Double], f: Double, slope: Double, direction d: [Double], initialStep: Double, maxStep: Double,
        evaluations: inout Int, objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> LineSearchPoint? {
        let c1 = options.sufficientDecrease, c2 = options.curvature
        var budget = options.maxLineSearchEvaluations
        func evaluate(_ alpha: Double) -> LineSearchPoint {
            let point = project((0..<x.count).map { x[$0] + alpha * d[$0] })
            var g = [Double](repeating: 0, count: x.count)
            let value = objective(point, &g)
            evaluations += 1
            budget -= 1
            let finite = value.isFinite && g.allSatisfy(\.isFinite)
            return LineSearchPoint(
                step: alpha, x: point, value: finite ? value : .infinity, gradient: g,
                slope: finite ? dot(g, d) : .nan)
        }
        func sufficient(_ p: LineSearchPoint) -> Bool {
            p.value <= f + c1 * p.step * slope && p.value < f
        }

        let origin = LineSearchPoint(step: 0, x: x, value: f, gradient: [], slope: slope)
        var previous = origin
        var alpha = initialStep
        var best: LineSearchPoint?
        var first = true
        while budget > 0 {
            let current = evaluate(alpha)
            if sufficient(current), best.map({ current.value < $0.value }) ?? true { best = current }
            if !sufficient(current) || (!first && current.value >= previous.value) {
                return zoom(
                    low: previous, high: current, slope: slope, best: best,
                    hasBudget: { budget > 0 }, evaluate: evaluate, sufficient: sufficient)
            }
            if abs(current.slope) <= -c2 * slope { return current }
            if current.slope >= 0 {
                return zoom(
                    low: current, high: previous, slope: slope, best: best,
                    hasBudget: { budget > 0 }, evaluate: evaluate, sufficient: sufficient)
            }
            if alpha >= maxStep { return current }  // reached a bound while still descending
            previous = current
            alpha = min(maxStep, alpha * 4)
            first = false
        }
        return best
    }

    private func zoom(
        low startLow: LineSearchPoint, high startHigh: LineSearchPoint, slope: Double,
        best startBest: LineSearchPoint?, hasBudget: () -> Bool,
        evaluate: (Double) -> LineSearchPoint, sufficient: (LineSearchPoint) -> Bool
    ) -> LineSearchPoint? {
        let c2 = options.curvature
        var low = startLow, high = startHigh, best = startBest
        while hasBudget() {
            let width = high.step - low.step
            if abs(width) <= 1e-16 * max(1, abs(low.step)) { break }
            var trial = Self.cubicMinimizer(low, high)
            let lo = min(low.step, high.step), hi = max(low.step, high.step)
            let margin = 0.1 * (hi - lo)
            if !trial.isFinite || trial < lo + margin || trial > hi - margin { trial = 0.5 * (low.step + high.step) }
            let current = evaluate(trial)
            if sufficient(current), best.map({ current.value < $0.value }) ?? true { best = current }
            if !sufficient(current) || current.value >= low.value {
                high = current
            } else {
                if abs(current.slope) <= -c2 * slope { return current }
                if current.slope * (high.step - low.step) >= 0 { high = low }
                low = current
            }
        }
        return best ?? (low.step > 0 && sufficient(low) ? low : nil)
    }

    /// Minimizer of the cubic through two points with their slopes (Nocedal & Wright eq. 3.59).
    static func cubicMinimizer(_ a: LineSearchPoint, _ b: LineSearchPoint) -> Double {
        guard a.value.isFinite, b.value.isFinite, a.slope.isFinite, b.slope.isFinite else { return .nan }
        let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step)
        let radicand = d1 * d1 - a.slope * b.slope
        guard radicand >= 0 else { return .nan }
        let d2 = (b.step > a.step ? 1.0 : -1.0) * radicand.squareRoot()
        return b.step - (b.step - a.step) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
    }
}

@inline(__always)
private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in 0..<a.count { sum += a[i] * b[i] }
    return sum
}
