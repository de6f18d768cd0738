import Foundation

/// How a ``FeatureMatrix`` becomes the real-valued design matrix of a linear model, fitted on the
/// training rows and stored with the model:
/// - a numeric column becomes one standardized term `(x − mean) / std`, a missing value taking the
///   mean (term 0), plus — when the training column had missing values — a missing-indicator term;
/// - a categorical column becomes one indicator term per level (full one-hot; the L2 penalty keeps
///   it identifiable), a missing or unseen level being all zeros.
/// Indicator terms are centred on their training frequency (not scaled), so every term has mean 0 on
/// the training data and the intercept is the margin of the "average" customer.
public struct LinearFeatureEncoding: Sendable, Codable, Equatable {
    /// One column of the design matrix.
    public struct Term: Sendable, Codable, Equatable {
        public enum Source: Sendable, Codable, Equatable {
            case value(feature: Int)
            case missing(feature: Int)
            case level(feature: Int, code: Int)
        }

        public var source: Source
        /// Training mean of the raw term (value, 0/1 indicator).
        public var center: Double
        /// Training standard deviation for numeric values (1 for indicators and constant columns).
        public var scale: Double
        /// A readable name such as `tenure`, `TotalCharges (missing)`, `Contract=Two year`.
        public var name: String

        public var feature: Int {
            switch source {
            case .value(let f), .missing(let f), .level(let f, _): f
            }
        }
    }

    public let features: [FeatureMatrix.Feature]
    public let terms: [Term]

    /// Fits centres and scales on `x`.
    public init(fitting x: FeatureMatrix) {
        var terms: [Term] = []
        for (j, feature) in x.features.enumerated() {
            let column = x.column(j)
            switch feature.kind {
            case .numeric:
                var sum = 0.0, count = 0
                for v in column where !v.isNaN {
                    sum += Double(v)
                    count += 1
                }
                let mean = count > 0 ? sum / Double(count) : 0
                var ss = 0.0
                for v in column where !v.isNaN { ss += (Double(v) - mean) * (Double(v) - mean) }
                let std = count > 0 ? (ss / Double(count)).squareRoot() : 0
                terms.append(Term(source: .value(feature: j), center: mean, scale: std > 1e-12 ? std : 1, name: feature.name))
                if count < x.rowCount {
                    let fraction = Double(x.rowCount - count) / Double(x.rowCount)
                    terms.append(Term(source: .missing(feature: j), center: fraction, scale: 1, name: "\(feature.name) (missing)"))
                }
            case .categorical(let levels):
                var counts = [Int](repeating: 0, count: levels.count)
                for v in column where !v.isNaN {
                    let code = Int(v)
                    if code >= 0 && code < levels.count { counts[code] += 1 }
                }
                for (code, level) in levels.enumerated() {
                    terms.append(Term(
                        source: .level(feature: j, code: code),
                        center: Double(counts[code]) / Double(max(1, x.rowCount)), scale: 1,
                        name: "\(feature.name)=\(level)"))
                }
            }
        }
        self.features = x.features
        self.terms = terms
    }

    /// The value of design term `t` for a raw cell value `v` of its feature.
    @inline(__always) func encode(_ t: Term, _ v: Float) -> Double {
        switch t.source {
        case .value:
            return v.isNaN ? 0 : (Double(v) - t.center) / t.scale
        case .missing:
            return (v.isNaN ? 1 : 0) - t.center
        case .level(_, let code):
            return (!v.isNaN && Int(v) == code ? 1 : 0) - t.center
        }
    }

    /// The design matrix of `x`, row-major (`rowCount × terms.count`).
    public func designMatrix(_ x: FeatureMatrix) -> [Double] {
        let p = terms.count, n = x.rowCount
        var z = [Double](repeating: 0, count: n * p)
        z.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { src in
                for (k, t) in terms.enumerated() {
                    let base = t.feature * n
                    for i in 0..<n { out[i * p + k] = encode(t, src[base + i]) }
                }
            }
        }
        return z
    }
}
