/// Why a minimization stopped.
public enum OptimizationStatus: Sendable, Equatable {
    /// The projected-gradient infinity norm fell below `projectedGradientTolerance`.
    case convergedProjectedGradient
    /// The relative decrease of the objective over one iteration fell below
    /// `relativeFunctionTolerance`.
    case convergedRelativeFunctionChange
    /// `maxIterations` iterations ran without meeting a convergence test.
    case maxIterationsReached
    /// No step along the search direction decreased the objective (usually: the objective or its
    /// gradient is inaccurate, or the minimum is at the limit of floating-point resolution).
    case lineSearchFailed
    /// The objective was not finite at the starting point.
    case nonFiniteStart

    /// Whether a convergence test was met.
    public var isConverged: Bool {
        self == .convergedProjectedGradient || self == .convergedRelativeFunctionChange
    }

    /// A sentence for logs and diagnostics.
    public var reason: String {
        switch self {
        case .convergedProjectedGradient: "converged: projected gradient below tolerance"
        case .convergedRelativeFunctionChange: "converged: relative change of the objective below tolerance"
        case .maxIterationsReached: "stopped: iteration limit reached before convergence"
        case .lineSearchFailed: "stopped: line search found no decrease along the search direction"
        case .nonFiniteStart: "stopped: objective is not finite at the starting point"
        }
    }
}

/// The outcome of a bounded minimization.
public struct OptimizationResult: Sendable {
    /// The best point found, inside the bounds.
    public var x: [Double]
    /// The objective at `x`.
    public var value: Double
    /// The gradient at `x`.
    public var gradient: [Double]
    /// Infinity norm of the projected gradient at `x` (zero for components pinned at a bound with
    /// the gradient pointing outwards).
    public var projectedGradientNorm: Double
    /// Quasi-Newton iterations performed.
    public var iterations: Int
    /// Objective-and-gradient evaluations, line searches included.
    public var evaluations: Int
    public var status: OptimizationStatus
    /// Indices of the components of `x` that ended at their lower or upper bound.
    public var activeBounds: [Int]
}
