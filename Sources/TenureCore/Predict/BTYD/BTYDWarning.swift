/// Something a fit wants the user to know; the fit still returned parameters.
public struct BTYDWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A parameter ran to its search bound: the maximum likelihood lies at the edge of the
        /// parameter space (for example no evidence of dropout).
        case boundarySolution
        /// The optimizer stopped without meeting a convergence test.
        case notConverged
        /// The Hessian at the optimum is not positive definite: no standard errors.
        case singularHessian
        /// Few repeat buyers: estimates will be imprecise.
        case fewRepeatBuyers
        /// Rows were dropped before fitting (for example one-time buyers in a spend model).
        case rowsExcluded
    }

    public let kind: Kind
    /// The parameter concerned, when there is one.
    public let parameter: String?
    public let message: String

    public init(kind: Kind, parameter: String? = nil, message: String) {
        self.kind = kind
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}
