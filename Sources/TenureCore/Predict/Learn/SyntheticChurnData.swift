import Foundation

/// A deterministic synthetic churn table for benchmarks, computed cell by cell from a counter-based
/// hash (SplitMix64 of seed, row and column), so that `scripts/bench/gbt_xgboost.py` regenerates
/// exactly the same rows in NumPy without any file changing hands.
///
/// Column `j` is, by `j % 4`: uniform on [0, 1); `10 u²` (skewed); `⌊8 u⌋` (integer codes 0…7);
/// `4 u − 2`. Columns with `j % 5 == 3` are missing 10 % of the time. The churn log-odds use the
/// first ten columns (non-linear terms, an interaction, informative missingness); the rest is noise.
public enum SyntheticChurnData {
    /// Uniform on [0, 1) with 53 random bits, for cell (`row`, `column`).
    @inline(__always) static func uniform(seed: UInt64, row: Int, column: Int) -> Double {
        var x = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(row) &* 1024 &+ UInt64(column)
        x &+= 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x >> 11) * 0x1p-53
    }

    /// Rows `start ..< start + count` with `features` (≥ 10) numeric columns, and their churn labels.
    public static func generate(seed: UInt64, start: Int = 0, count: Int, features: Int) -> (x: FeatureMatrix, labels: [Bool]) {
        precondition(features >= 10, "the label formula uses the first 10 features")
        var values = [Float](repeating: 0, count: count * features)
        var labels = [Bool](repeating: false, count: count)
        values.withUnsafeMutableBufferPointer { vp in
            labels.withUnsafeMutableBufferPointer { lp in
                let out = UnsafeSharedPointer(vp.baseAddress!), labelsOut = UnsafeSharedPointer(lp.baseAddress!)
                LearnParallel.forEachChunk(count: count, minimumChunk: 8192) { range in
                    var row = [Double](repeating: 0, count: features)
                    for i in range {
                        let r = start + i
                        for j in 0..<features {
                            let u = uniform(seed: seed, row: r, column: j)
                            var v: Double
                            switch j % 4 {
                            case 0: v = u
                            case 1: v = 10 * u * u
                            case 2: v = (8 * u).rounded(.down)
                            default: v = 4 * u - 2
                            }
                            if j % 5 == 3, uniform(seed: seed, row: r, column: features + j) < 0.1 { v = .nan }
                            let stored = Float(v)
                            out[j * count + i] = stored
                            row[j] = Double(stored)
                        }
                        var logit = -1.0 + 3.0 * (row[0] - 0.5) + (0.3 * row[1] - 1.5)
                        logit += [2.0, 5.0, 7.0].contains(row[2]) ? 1.2 : -0.2
                        logit += row[3].isNaN ? 0.8 : 0.5 - 0.5 * row[3] * row[3]
                        logit += 2.0 * (row[4] - 0.5) * row[7]
                        logit += row[5] > 5.0 ? 0.7 : 0.0
                        logit += 0.5 * row[6] / 7.0
                        logit += row[8].isNaN ? 0.0 : row[8] - 0.5
                        logit += row[9] > 0.0 ? 0.4 * row[9] : 0.0
                        let p = 1.0 / (1.0 + exp(-logit))
                        labelsOut[i] = uniform(seed: seed, row: r, column: 2 * features + 1) < p
                    }
                }
            }
        }
        let names = (0..<features).map { FeatureMatrix.Feature(name: "f\($0)") }
        return (FeatureMatrix(rowCount: count, features: names, values: values), labels)
    }
}
