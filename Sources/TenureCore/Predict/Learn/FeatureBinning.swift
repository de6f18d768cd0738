import Foundation

/// Quantile binning of a ``FeatureMatrix`` into at most 255 value bins per feature plus one bin for
/// missing values, so that the tree learner works on one byte per cell (as XGBoost's `hist` and
/// LightGBM do).
///
/// A numeric value `v` falls in the first bin `b` with `v <= upperBounds[b]`; the last bound is
/// `+∞`. Bounds are chosen as equal-frequency quantiles of up to `sampleSize` rows (every distinct
/// value gets its own bin when there are few). A categorical code is its own bin (codes ≥ 254 share
/// bin 254). Bin 255 always means missing.
public struct FeatureBinning: Sendable, Codable, Equatable {
    /// The bin that holds missing values, for every feature.
    public static let missingBin: UInt8 = 255
    /// The most value bins a feature can have.
    public static let maxValueBins = 255

    public let features: [FeatureMatrix.Feature]
    /// Per numeric feature, ascending bin upper bounds (empty for categorical features).
    public let upperBounds: [[Float]]

    /// Value bins of feature `j` (upper bounds, or levels for a categorical feature).
    public func binCount(_ j: Int) -> Int {
        features[j].isCategorical ? min(Self.maxValueBins, max(1, features[j].levelCount)) : upperBounds[j].count
    }

    /// Chooses bin bounds from (a seeded sample of) the rows of `x`.
    public init(fitting x: FeatureMatrix, maxBins: Int = 255, sampleSize: Int = 200_000, seed: UInt64 = 0) {
        let maxBins = min(max(2, maxBins), Self.maxValueBins)
        let n = x.rowCount
        let sample: [Int] = {
            guard n > sampleSize else { return Array(0..<n) }
            var all = Array(0..<n)
            var generator = SeededGenerator(seed: seed ^ 0xB1_5EED)
            all.shuffle(using: &generator)
            return Array(all.prefix(sampleSize)).sorted()
        }()
        let results = WorkerResults([[Float]](repeating: [], count: x.featureCount))
        let features = x.features
        x.values.withUnsafeBufferPointer { src in
            let source = UnsafeSharedPointer(src.baseAddress!)
            LearnParallel.forEach(features.count) { j in
                guard !features[j].isCategorical else { return }
                let base = j * n
                var values: [Float] = []
                values.reserveCapacity(sample.count)
                for i in sample where !source[base + i].isNaN { values.append(source[base + i]) }
                results.set(j, Self.quantileBounds(&values, maxBins: maxBins))
            }
        }
        let bounds = results.values
        self.features = x.features
        self.upperBounds = bounds
    }

    /// Equal-frequency bounds over distinct values; the last is +∞.
    static func quantileBounds(_ values: inout [Float], maxBins: Int) -> [Float] {
        guard !values.isEmpty else { return [.infinity] }
        FloatRadixSort.sort(&values)
        var distinct: [Float] = [], counts: [Int] = []
        for v in values {
            if let last = distinct.last, last == v {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(v)
                counts.append(1)
            }
        }
        var bounds: [Float] = []
        if distinct.count <= maxBins {
            bounds = distinct
        } else {
            // Greedy equal-frequency: close a bin once it holds its share of the remaining rows.
            var remaining = values.count, binsLeft = maxBins, inBin = 0
            for (k, v) in distinct.enumerated() {
                inBin += counts[k]
                let target = Double(remaining) / Double(binsLeft)
                let distinctLeft = distinct.count - k - 1
                if Double(inBin) >= target || distinctLeft < binsLeft {
                    bounds.append(v)
                    remaining -= inBin
                    binsLeft -= 1
                    inBin = 0
                    if binsLeft == 1 { break }
                }
            }
        }
        bounds[bounds.count - 1] = .infinity
        return bounds
    }

    /// The bin of value `v` of feature `j`.
    @inline(__always) public func bin(_ v: Float, feature j: Int) -> UInt8 {
        if v.isNaN { return Self.missingBin }
        if features[j].isCategorical { return Self.categoryBin(v) }
        return Self.numericBin(v, upperBounds[j])
    }

    @inline(__always) static func categoryBin(_ v: Float) -> UInt8 {
        v < 0 ? 254 : UInt8(min(Float(254), v))
    }

    @inline(__always) static func numericBin(_ v: Float, _ bounds: [Float]) -> UInt8 {
        bounds.withUnsafeBufferPointer { numericBin(v, $0.baseAddress!, $0.count) }
    }

    /// Branch-free lower bound: the first index with `v <= bounds[index]` (the last bound is +∞).
    @inline(__always) static func numericBin(_ v: Float, _ bounds: UnsafePointer<Float>, _ count: Int) -> UInt8 {
        var base = 0, length = count
        while length > 1 {
            let half = length &>> 1
            let below = bounds[base &+ half &- 1] < v
            base &+= half & (0 &- Int(truncatingIfNeeded: unsafeBitCast(below, to: UInt8.self)))
            length &-= half
        }
        return UInt8(base)
    }

    /// Bins of `values[range]` written to `output[i * stride]`: eight lower-bound searches run in
    /// lockstep, because one search is a chain of dependent loads and would leave the core idle.
    @inline(__always) static func numericBins(_ values: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                                              _ bounds: UnsafePointer<Float>, _ count: Int,
                                              _ output: UnsafeMutablePointer<UInt8>, stride: Int) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            var base = (0, 0, 0, 0, 0, 0, 0, 0)
            let v = (values[i], values[i + 1], values[i + 2], values[i + 3],
                     values[i + 4], values[i + 5], values[i + 6], values[i + 7])
            var length = count
            @inline(__always) func step(_ b: inout Int, _ x: Float, _ half: Int) {
                b &+= half & (0 &- Int(truncatingIfNeeded: unsafeBitCast(bounds[b &+ half &- 1] < x, to: UInt8.self)))
            }
            while length > 1 {
                let half = length &>> 1
                step(&base.0, v.0, half); step(&base.1, v.1, half); step(&base.2, v.2, half); step(&base.3, v.3, half)
                step(&base.4, v.4, half); step(&base.5, v.5, half); step(&base.6, v.6, half); step(&base.7, v.7, half)
                length &-= half
            }
            output[i * stride] = v.0.isNaN ? missingBin : UInt8(base.0)
            output[(i + 1) * stride] = v.1.isNaN ? missingBin : UInt8(base.1)
            output[(i + 2) * stride] = v.2.isNaN ? missingBin : UInt8(base.2)
            output[(i + 3) * stride] = v.3.isNaN ? missingBin : UInt8(base.3)
            output[(i + 4) * stride] = v.4.isNaN ? missingBin : UInt8(base.4)
            output[(i + 5) * stride] = v.5.isNaN ? missingBin : UInt8(base.5)
            output[(i + 6) * stride] = v.6.isNaN ? missingBin : UInt8(base.6)
            output[(i + 7) * stride] = v.7.isNaN ? missingBin : UInt8(base.7)
            i += 8
        }
        while i < range.upperBound {
            let v = values[i]
            output[i * stride] = v.isNaN ? missingBin : numericBin(v, bounds, count)
            i += 1
        }
    }

    /// The row-major bin matrix of `x` (`rowCount × featureCount` bytes), built on two threads.
    public func binned(_ x: FeatureMatrix) -> BinnedMatrix {
        let n = x.rowCount, m = x.featureCount
        var bins = [UInt8](repeating: Self.missingBin, count: n * m)
        bins.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { src in
                let output = UnsafeSharedPointer(out.baseAddress!), source = UnsafeSharedPointer(src.baseAddress!)
                LearnParallel.forEachChunk(count: n, minimumChunk: 16_384) { range in
                    // Blocks of rows keep the written slice of the row-major output in cache.
                    for blockStart in stride(from: range.lowerBound, to: range.upperBound, by: 2048) {
                        let block = blockStart ..< min(range.upperBound, blockStart + 2048)
                        for j in 0..<m {
                            let base = j * n
                            if features[j].isCategorical {
                                for i in block {
                                    let v = source[base + i]
                                    output[i * m + j] = v.isNaN ? Self.missingBin : Self.categoryBin(v)
                                }
                            } else {
                                upperBounds[j].withUnsafeBufferPointer { bp in
                                    Self.numericBins(source.base + base, block, bp.baseAddress!, bp.count, output.base + j, stride: m)
                                }
                            }
                        }
                    }
                }
            }
        }
        return BinnedMatrix(rowCount: n, featureCount: m, bins: bins)
    }
}
