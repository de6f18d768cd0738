import Foundation

/// L2-regularized logistic regression on standardized features (see ``LinearFeatureEncoding``),
/// fitted by Newton's method (iteratively reweighted least squares) with a Cholesky solve and a
/// backtracking line search. It minimizes, over intercept `b` and coefficients `w`,
///
///     Σᵢ [log(1 + exp(ηᵢ)) − yᵢ ηᵢ] + (λ / 2) ‖w‖²,   ηᵢ = b + zᵢ · w,
///
/// which is scikit-learn's `LogisticRegression(C = 1 / λ)` on the same design matrix (the intercept
/// is not penalized). Newton needs O(n p²) per step, fine up to a few hundred terms.
public struct LogisticRegressionModel: Sendable, Codable, Equatable {
    public struct Options: Sendable, Codable, Equatable {
        /// The L2 penalty λ on the coefficients of standardized terms (1 / C in scikit-learn).
        public var l2: Double
        /// Newton steps at most.
        public var maxIterations: Int
        /// Stop when the largest coefficient change is below this (log-odds per unit term).
        public var tolerance: Double

        public init(l2: Double = 1, maxIterations: Int = 100, tolerance: Double = 1e-10) {
            self.l2 = l2
            self.maxIterations = maxIterations
            self.tolerance = tolerance
        }
    }

    public let encoding: LinearFeatureEncoding
    /// Log-odds of churn for a customer at the training means (every term 0).
    public let intercept: Double
    /// One coefficient per design term (log-odds per standard deviation, or per indicator step).
    public let coefficients: [Double]
    /// Newton iterations used.
    public let iterations: Int

    public var features: [FeatureMatrix.Feature] { encoding.features }

    /// Fits the model on `x` with 0/1 churn `labels` (`true` = churned).
    public static func fit(_ x: FeatureMatrix, labels: [Bool], options: Options = Options()) throws(LearnError) -> LogisticRegressionModel {
        try LearnError.validate(x, labels: labels)
        guard options.l2 >= 0 else { throw .invalidOption("the L2 penalty must be ≥ 0, got \(options.l2)") }
        let encoding = LinearFeatureEncoding(fitting: x)
        let z = encoding.designMatrix(x)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let (beta, iterations) = newton(z: z, y: y, n: x.rowCount, p: encoding.terms.count, options: options)
        return LogisticRegressionModel(
            encoding: encoding, intercept: beta[0], coefficients: Array(beta[1...]), iterations: iterations)
    }

    /// Newton–Raphson on the penalized log-likelihood; β = [b, w…].
    static func newton(z: [Double], y: [Double], n: Int, p: Int, options: Options) -> ([Double], Int) {
        let q = p + 1
        let mean = y.reduce(0, +) / Double(n)
        var beta = [Double](repeating: 0, count: q)
        beta[0] = LogOdds.logit(min(max(mean, 1e-12), 1 - 1e-12))
        var eta = [Double](repeating: beta[0], count: n)

        func objective(_ eta: [Double], _ beta: [Double]) -> Double {
            var loss = 0.0
            for i in 0..<n { loss += LogOdds.softplus(eta[i]) - y[i] * eta[i] }
            var penalty = 0.0
            for k in 1..<q { penalty += beta[k] * beta[k] }
            return loss + 0.5 * options.l2 * penalty
        }
        func margins(_ beta: [Double]) -> [Double] {
            var out = [Double](repeating: beta[0], count: n)
            z.withUnsafeBufferPointer { zp in
                for i in 0..<n {
                    var s = beta[0]
                    let row = i * p
                    for k in 0..<p { s += zp[row + k] * beta[k + 1] }
                    out[i] = s
                }
            }
            return out
        }

        var current = objective(eta, beta)
        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            // Gradient and Hessian of the objective in β = [b, w].
            var gradient = [Double](repeating: 0, count: q)
            var hessian = [Double](repeating: 0, count: q * q)
            var row = [Double](repeating: 0, count: q)
            z.withUnsafeBufferPointer { zp in
                hessian.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n {
                        let prob = LogOdds.probability(eta[i])
                        let r = prob - y[i], w = max(prob * (1 - prob), 1e-12)
                        row[0] = 1
                        for k in 0..<p { row[k + 1] = zp[i * p + k] }
                        for a in 0..<q {
                            let ra = row[a]
                            gradient[a] += r * ra
                            let wa = w * ra
                            if wa == 0 { continue }
                            for b in a..<q { h[a * q + b] += wa * row[b] }
                        }
                    }
                }
            }
            for k in 1..<q {
                gradient[k] += options.l2 * beta[k]
                hessian[k * q + k] += options.l2
            }
            for a in 0..<q { for b in 0..<a { hessian[a * q + b] = hessian[b * q + a] } }
            guard let step = NewtonCholesky.solve(hessian, gradient, size: q) else { break }
            // Backtracking: Newton steps are almost always accepted whole.
            var scale = 1.0, accepted = false
            var candidate = beta, candidateEta = eta, candidateObjective = current
            for _ in 0..<30 {
                for k in 0..<q { candidate[k] = beta[k] - scale * step[k] }
                candidateEta = margins(candidate)
                candidateObjective = objective(candidateEta, candidate)
                if candidateObjective <= current + 1e-12 * abs(current) {
                    accepted = true
                    break
                }
                scale *= 0.5
            }
            guard accepted else { break }
            let change = step.reduce(0) { max($0, abs($1)) } * scale
            beta = candidate
            eta = candidateEta
            let improvement = current - candidateObjective
            current = candidateObjective
            if change < options.tolerance || improvement <= 1e-14 * max(1, abs(current)) { break }
        }
        return (beta, iteration)
    }

    /// Log-odds of churn for every row of `x`.
    public func margins(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        try LearnError.checkFeatures(features, x.features)
        let n = x.rowCount
        var out = [Double](repeating: intercept, count: n)
        x.values.withUnsafeBufferPointer { src in
            for (k, t) in encoding.terms.enumerated() where coefficients[k] != 0 {
                let base = t.feature * n, c = coefficients[k]
                for i in 0..<n { out[i] += c * encoding.encode(t, src[base + i]) }
            }
        }
        return out
    }

    /// Churn probability for every row of `x`.
    public func predictProbabilities(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        try margins(x).map(LogOdds.probability)
    }

    /// Per-feature contributions for one row: for each feature, the sum over its design terms of
    /// coefficient × (standardized value − training mean); the base value is the intercept.
    public func contributions(_ x: FeatureMatrix, row: Int) throws(LearnError) -> FeatureContributions {
        try LearnError.checkFeatures(features, x.features)
        var phi = [Double](repeating: 0, count: features.count)
        for (k, t) in encoding.terms.enumerated() {
            phi[t.feature] += coefficients[k] * encoding.encode(t, x[row, t.feature])
        }
        return FeatureContributions(
            baseValue: intercept, contributions: phi, featureNames: features.map(\.name),
            values: (0..<features.count).map { x.displayValue(row: row, feature: $0) })
    }
}
