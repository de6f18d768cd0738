import Foundation

/// A BTYD model with a fixed list of positive parameters, estimated on the log scale.
public protocol BTYDModel: Sendable {
    /// Parameter names in the order of `parameters` (for example `["r", "alpha", "a", "b"]`).
    static var parameterNames: [String] { get }
    /// Parameter values on the natural (positive) scale.
    var parameters: [Double] { get }
    /// Builds the model from natural-scale parameters in `parameterNames` order.
    /// Precondition: every value positive and finite.
    init(parameters: [Double])
}

/// Options shared by every BTYD fit.
public struct BTYDFitOptions: Sendable {
    public var optimizer = BoundedLBFGS.Options()
    /// Extra starting points (natural scale, `parameterNames` order), tried after the built-in ones.
    public var additionalStarts: [[Double]] = []
    /// Run every start even when the first converges in the interior (the default runs the other
    /// starts only when the first does not converge or ends on a bound).
    public var alwaysMultiStart = false
    /// Compute the Hessian, covariance matrix and standard errors (k extra gradient evaluations).
    public var computeCovariance = true

    public init() {}
}

/// The result of a maximum-likelihood fit of a BTYD model.
///
/// Parameters are estimated on the log scale (so they stay positive); the covariance matrix is the
/// inverse of the observed information (the Hessian of −log L by forward differences of the
/// analytic gradient) at the optimum, mapped to the natural scale by the delta method:
/// Cov(θ) = J Cov(log θ) J with J = diag(θ).
public struct BTYDFit<Model: BTYDModel>: Sendable {
    /// The fitted model, ready for predictions.
    public let model: Model
    /// Total log-likelihood Σ wᵢ ln Lᵢ in the time unit of the data (not rescaled).
    public let logLikelihood: Double
    /// Standard errors on the natural scale, in `Model.parameterNames` order; nil when the Hessian
    /// is singular or the solution is on a boundary.
    public let standardErrors: [Double]?
    /// Covariance of the natural-scale parameters (delta method); nil as for `standardErrors`.
    public let covariance: [[Double]]?
    /// Covariance of the log parameters (the inverse observed information on the fitting scale).
    public let logParameterCovariance: [[Double]]?
    /// Optimizer iterations and objective evaluations (all starts).
    public let iterations: Int
    public let evaluations: Int
    /// How the best start's optimizer stopped.
    public let status: OptimizationStatus
    /// Customers (Σ weights) and unique patterns the likelihood was summed over.
    public let customerCount: Double
    public let patternCount: Int
    /// Boundary solutions, non-convergence, singular Hessian, excluded rows: read these.
    public let warnings: [BTYDWarning]

    public var parameterNames: [String] { Model.parameterNames }
    public var parameters: [Double] { model.parameters }

    /// Natural-scale standard error of the named parameter.
    public func standardError(_ name: String) -> Double? {
        guard let index = Model.parameterNames.firstIndex(of: name) else { return nil }
        return standardErrors?[index]
    }

    /// Akaike information criterion, −2 ln L + 2k.
    public var aic: Double { -2 * logLikelihood + 2 * Double(Model.parameterNames.count) }
}

/// A log-likelihood over log-parameters, as the generic maximum-likelihood driver sees it.
struct LikelihoodProblem {
    var names: [String]
    var lowerLog: [Double]
    var upperLog: [Double]
    /// Natural-scale starts; the first is the primary one.
    var starts: [[Double]]
    var totalWeight: Double
    var patternCount: Int
    /// Total log-likelihood; fills ∂ ln L / ∂ ln θ.
    var evaluate: (_ logParameters: [Double], _ gradient: inout [Double]) -> Double
    /// What a parameter at its lower (false) or upper (true) bound means for this model.
    var boundaryMeaning: (_ name: String, _ atUpper: Bool) -> String
}

enum MaximumLikelihood {
    static func fit<Model: BTYDModel>(
        _ problem: LikelihoodProblem, options: BTYDFitOptions, warnings initialWarnings: [BTYDWarning] = []
    ) throws(BTYDError) -> BTYDFit<Model> {
        let k = problem.names.count
        let weight = problem.totalWeight
        let objective: ([Double], inout [Double]) -> Double = { phi, g in
            let ll = problem.evaluate(phi, &g)
            guard ll.isFinite else { return .infinity }
            for i in 0..<g.count { g[i] = -g[i] / weight }
            return -ll / weight
        }
        let optimizer = BoundedLBFGS(lower: problem.lowerLog, upper: problem.upperLog, options: options.optimizer)
        let starts = (problem.starts + options.additionalStarts).map { start in
            (0..<k).map { log(max(start[$0], 1e-300)) }
        }
        var totalIterations = 0, totalEvaluations = 0
        var best = optimizer.minimize(from: starts[0], objective: objective)
        totalIterations += best.iterations
        totalEvaluations += best.evaluations
        if options.alwaysMultiStart || !best.status.isConverged || !best.activeBounds.isEmpty {
            for start in starts.dropFirst() {
                let result = optimizer.minimize(from: start, objective: objective)
                totalIterations += result.iterations
                totalEvaluations += result.evaluations
                let tolerance = 1e-10 * max(1, abs(best.value))
                if result.value.isFinite
                    && (!best.value.isFinite || result.value < best.value - tolerance
                        || (abs(result.value - best.value) <= tolerance && result.activeBounds.count < best.activeBounds.count))
                {
                    best = result
                }
            }
        }
        guard best.value.isFinite else {
            throw .likelihoodNotFinite("\(starts.count) starting points tried")
        }

        var warnings = initialWarnings
        if !best.status.isConverged {
            warnings.append(BTYDWarning(
                kind: .notConverged,
                message: "the optimizer did not converge (\(best.status.reason)) after \(totalIterations) iterations; "
                    + "estimates may be inaccurate. Try more iterations or other starting values"))
        }
        var gradient = [Double](repeating: 0, count: k)
        let logLikelihood = problem.evaluate(best.x, &gradient)

        // Boundary solutions: a parameter pinned at its search bound, or one along which the
        // likelihood stays flat (within `flatTolerance` log-likelihood units) all the way to a bound —
        // the supremum is then at the edge of the parameter space and the optimizer merely stopped
        // on the plateau.
        let flatTolerance = 0.01
        var boundary: [(index: Int, atUpper: Bool)] = best.activeBounds.map { ($0, best.x[$0] >= problem.upperLog[$0]) }
        var scratch = [Double](repeating: 0, count: k)
        for i in 0..<k where !best.activeBounds.contains(i) {
            // The nearer bound (on the log scale) is the one a plateau would lead to.
            let atUpper = problem.upperLog[i] - best.x[i] < best.x[i] - problem.lowerLog[i]
            var edge = best.x
            edge[i] = atUpper ? problem.upperLog[i] : problem.lowerLog[i]
            let value = problem.evaluate(edge, &scratch)
            if value.isFinite && value >= logLikelihood - flatTolerance {
                boundary.append((i, atUpper))
            }
        }
        for (i, atUpper) in boundary {
            warnings.append(BTYDWarning(
                kind: .boundarySolution, parameter: problem.names[i],
                message: "boundary solution: \(problem.names[i]) = \(exp(best.x[i])) is at or effectively at its "
                    + "\(atUpper ? "upper" : "lower") search bound (\(exp(atUpper ? problem.upperLog[i] : problem.lowerLog[i]))): "
                    + "the likelihood is flat from there to the bound. "
                    + problem.boundaryMeaning(problem.names[i], atUpper)
                    + " Standard errors are not reported for a boundary solution."))
        }

        let theta = best.x.map { exp($0) }

        var covariance: [[Double]]?
        var logCovariance: [[Double]]?
        if options.computeCovariance && boundary.isEmpty {
            // Forward differences from the gradient at the optimum (computed above): k evaluations, not 2k.
            let hessian = NumericalHessian.fromGradientForward(at: best.x, gradientAtX: gradient.map { -$0 }) { phi, g in
                _ = problem.evaluate(phi, &g)
                for i in 0..<g.count { g[i] = -g[i] }
            }
            if let inverse = NumericalHessian.inverseSymmetricPositiveDefinite(hessian) {
                logCovariance = inverse
                covariance = (0..<k).map { i in (0..<k).map { j in theta[i] * theta[j] * inverse[i][j] } }
            } else {
                warnings.append(BTYDWarning(
                    kind: .singularHessian,
                    message: "the Hessian of the log-likelihood at the optimum is not positive definite, so no "
                        + "standard errors: some parameters are not identified by these data (too few repeat buyers, "
                        + "or a near-boundary solution)"))
            }
        }
        return BTYDFit(
            model: Model(parameters: theta), logLikelihood: logLikelihood,
            standardErrors: covariance.map { c in (0..<k).map { c[$0][$0].squareRoot() } },
            covariance: covariance, logParameterCovariance: logCovariance,
            iterations: totalIterations, evaluations: totalEvaluations, status: best.status,
            customerCount: weight, patternCount: problem.patternCount, warnings: warnings)
    }

    /// Warnings every RFM fit shares; throws when nobody repeated.
    static func checkRepeatBuyers(_ data: RFMPatterns) throws(BTYDError) -> [BTYDWarning] {
        guard data.customerCount > 0 else { throw .emptyData }
        guard data.repeatBuyerCount > 0 else { throw .noRepeatBuyers(customers: data.customerCount) }
        if data.repeatBuyerCount < 20 {
            return [BTYDWarning(
                kind: .fewRepeatBuyers,
                message: "only \(BTYDError.format(data.repeatBuyerCount)) repeat buyers: estimates and standard errors "
                    + "will be imprecise")]
        }
        return []
    }
}
