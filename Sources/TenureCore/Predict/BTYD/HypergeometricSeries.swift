/// Gauss hypergeometric series used by the likelihoods.
enum HypergeometricSeries {
    /// ₂F₁(1, b; c; z) = Σ_k (b)_k/(c)_k zᵏ for 0 < b < c, 0 ≤ z < 1 (terms positive and decreasing),
    /// with its partial derivatives in b, c and z; nil when `maxTerms` terms do not reach full precision.
    static func oneBC(b: Double, c: Double, z: Double, maxTerms: Int) -> (value: Double, db: Double, dc: Double, dz: Double)? {
        var term = 1.0, sum = 1.0
        var harmonicB = 0.0, harmonicC = 0.0
        var db = 0.0, dc = 0.0, dz = 0.0
        var k = 0.0
        let limit = Double(maxTerms)
        while true {
            if k >= limit { return nil }
            let ratio = (b + k) / (c + k)
            dz += (k + 1) * term * ratio
            harmonicB += 1 / (b + k)
            harmonicC += 1 / (c + k)
            term *= ratio * z
            sum += term
            db += term * harmonicB
            dc -= term * harmonicC
            k += 1
            if term * (k + 1) * (1 + harmonicB) <= 1e-17 * sum { break }
        }
        return (sum, db, dc, dz)
    }
}
