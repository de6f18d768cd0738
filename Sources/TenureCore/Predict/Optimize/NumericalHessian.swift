/// Hessians by central differences of an analytic gradient, and the inverse of a symmetric
/// positive-definite matrix (for covariance matrices at a maximum-likelihood optimum).
public enum NumericalHessian {
    /// The Hessian of a function whose gradient is known analytically, by central differences of
    /// the gradient with step `relativeStep · max(1, |x_i|)` in each coordinate, symmetrized.
    /// Costs 2n gradient evaluations; accurate to about `relativeStep²` relative.
    public static func fromGradient(
        at x: [Double], relativeStep: Double = 1e-5,
        gradient: (_ x: [Double], _ gradient: inout [Double]) -> Void
    ) -> [[Double]] {
        let n = x.count
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var plus = [Double](repeating: 0, count: n), minus = plus
        for i in 0..<n {
            let h = relativeStep * max(1, abs(x[i]))
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            gradient(xp, &plus)
            gradient(xm, &minus)
            for j in 0..<n { hessian[i][j] = (plus[j] - minus[j]) / (xp[i] - xm[i]) }
        }
        for i in 0..<n {
            for j in 0..<i {
                let mean = 0.5 * (hessian[i][j] + hessian[j][i])
                hessian[i][j] = mean
                hessian[j][i] = mean
            }
        }
        return hessian
    }

    /// The Hessian by forward differences of an analytic gradient whose value at `x` is already
    /// known (`gradientAtX`), symmetrized: n gradient evaluations instead of 2n, accurate to about
    /// `relativeStep` relative (plenty for standard errors).
    public static func fromGradientForward(
        at x: [Double], gradientAtX g0: [Double], relativeStep: Double = 1e-6,
        gradient: (_ x: [Double], _ gradient: inout [Double]) -> Void
    ) -> [[Double]] {
        let n = x.count
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var plus = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var xp = x
            xp[i] += relativeStep * max(1, abs(x[i]))
            gradient(xp, &plus)
            for j in 0..<n { hessian[i][j] = (plus[j] - g0[j]) / (xp[i] - x[i]) }
        }
        for i in 0..<n {
            for j in 0..<i {
                let mean = 0.5 * (hessian[i][j] + hessian[j][i])
                hessian[i][j] = mean
                hessian[j][i] = mean
            }
        }
        return hessian
    }

    /// Inverse of a symmetric positive-definite matrix by Cholesky factorization; nil when the
    /// matrix is not positive definite or is numerically singular (a pivot below
    /// `relativePivotTolerance` times the largest diagonal entry), or has non-finite entries.
    public static func inverseSymmetricPositiveDefinite(
        _ a: [[Double]], relativePivotTolerance: Double = 1e-12
    ) -> [[Double]]? {
        let n = a.count
        guard a.allSatisfy({ $0.count == n && $0.allSatisfy(\.isFinite) }) else { return nil }
        let scale = (0..<n).map { a[$0][$0] }.max() ?? 0
        guard scale > 0 else { return nil }
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            var diagonal = a[j][j]
            for k in 0..<j { diagonal -= l[j][k] * l[j][k] }
            guard diagonal > relativePivotTolerance * scale else { return nil }
            l[j][j] = diagonal.squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                l[i][j] = sum / l[j][j]
            }
        }
        // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
        var inverseL = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            inverseL[i][i] = 1 / l[i][i]
            for j in 0..<i {
                var sum = 0.0
                for k in j..<i { sum -= l[i][k] * inverseL[k][j] }
                inverseL[i][j] = sum / l[i][i]
            }
        }
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = 0.0
                for k in i..<n { sum += inverseL[k][i] * inverseL[k][j] }
                inverse[i][j] = sum
                inverse[j][i] = sum
            }
        }
        return inverse
    }
}
