import Foundation

/// Grows one second-order regression tree on binned data, depth-wise, like XGBoost's `hist`:
/// per node a histogram of gradient and hessian sums per (feature, bin); the best split maximizes
///
///     gain = G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ)
///
/// (XGBoost's loss change, compared with `minSplitGain` γ), over every bin boundary and both
/// directions for the missing bin. Only the smaller child's histogram is built from rows; the
/// larger one is the parent's minus it. Histograms are built on two threads by splitting the rows.
struct HistogramTreeGrower {
    struct Parameters {
        var maxDepth: Int
        var minChildWeight: Double
        var l2: Double
        var minSplitGain: Double
        var learningRate: Double
    }

    let bins: UnsafeSharedPointer<UInt8>
    let featureCount: Int
    let binning: FeatureBinning
    let parameters: Parameters

    /// A node waiting to be split: its rows are `rows[start ..< start + count]`.
    private struct Pending {
        var node: Int
        var start: Int
        var count: Int
        var gradient: Double
        var hessian: Double
        var histogram: [Double]
    }

    private struct Split {
        var feature = -1
        var gain = 0.0
        var binThreshold: UInt8 = 0
        var defaultLeft = false
        /// Categorical: bins sent left.
        var leftBins: [UInt64]? = nil
        var leftGradient = 0.0, leftHessian = 0.0
    }

    static let histogramStride = 512  // 256 bins × (gradient, hessian)

    /// Grows a tree on the rows listed in `rows` (reordered in place so that every leaf's rows are
    /// contiguous), with gradient/hessian pairs `gh` (interleaved) and the given active features.
    /// Returns the tree and, per leaf node, the range of `rows` it holds.
    func grow(rows: UnsafeMutablePointer<Int32>, scratch: UnsafeMutablePointer<Int32>, rowCount: Int,
              gh: UnsafeSharedPointer<Float>, activeFeatures: [Int]) -> (tree: RegressionTree, leafRanges: [(node: Int, start: Int, count: Int)]) {
        var nodes: [RegressionTree.Node] = []
        var categorySets: [[UInt64]] = []
        var leafRanges: [(node: Int, start: Int, count: Int)] = []
        let rowsPointer = UnsafeSharedPointer(rows)

        var totalG = 0.0, totalH = 0.0
        for k in 0..<rowCount {
            let r = Int(rows[k])
            totalG += Double(gh[2 * r])
            totalH += Double(gh[2 * r + 1])
        }
        nodes.append(.leaf(value: leafValue(totalG, totalH), cover: totalH))
        var level: [Pending] = []
        if parameters.maxDepth > 0 {
            let histogram = buildHistogram(rows: rowsPointer, start: 0, count: rowCount, gh: gh, features: activeFeatures)
            level = [Pending(node: 0, start: 0, count: rowCount, gradient: totalG, hessian: totalH, histogram: histogram)]
        } else {
            leafRanges.append((0, 0, rowCount))
        }

        for depth in 0..<parameters.maxDepth {
            let splits = findSplits(level, features: activeFeatures)
            var next: [Pending] = []
            // Partition rows of each split node (independent ranges, so in parallel).
            let leftCounts = partitionAll(level, splits: splits, rows: rowsPointer, scratch: UnsafeSharedPointer(scratch))
            for (k, pending) in level.enumerated() {
                guard let split = splits[k] else {
                    leafRanges.append((pending.node, pending.start, pending.count))
                    continue
                }
                let leftCount = leftCounts[k]
                let lg = split.leftGradient, lh = split.leftHessian
                let rg = pending.gradient - lg, rh = pending.hessian - lh
                let left = nodes.count, right = nodes.count + 1
                nodes.append(.leaf(value: leafValue(lg, lh), cover: lh))
                nodes.append(.leaf(value: leafValue(rg, rh), cover: rh))
                var categorySet: Int32 = -1
                var threshold: Float = 0
                if let leftBins = split.leftBins {
                    categorySet = Int32(categorySets.count)
                    categorySets.append(leftBins)
                } else {
                    threshold = binning.upperBounds[split.feature][Int(split.binThreshold)]
                }
                nodes[pending.node] = RegressionTree.Node(
                    feature: Int32(split.feature), threshold: threshold, binThreshold: split.binThreshold,
                    defaultLeft: split.defaultLeft, categorySet: categorySet, left: Int32(left), right: Int32(right),
                    value: 0, cover: pending.hessian, gain: split.gain)
                let leftPending = Pending(node: left, start: pending.start, count: leftCount, gradient: lg, hessian: lh, histogram: [])
                let rightPending = Pending(
                    node: right, start: pending.start + leftCount, count: pending.count - leftCount,
                    gradient: rg, hessian: rh, histogram: [])
                if depth + 1 == parameters.maxDepth {
                    leafRanges.append((left, leftPending.start, leftPending.count))
                    leafRanges.append((right, rightPending.start, rightPending.count))
                } else {
                    next.append(leftPending)
                    next.append(rightPending)
                }
            }
            if next.isEmpty { break }
            // Histograms: build the smaller sibling from its rows, derive the larger by subtraction.
            for pair in stride(from: 0, to: next.count, by: 2) {
                let parent = level.first { nodes[$0.node].left == Int32(next[pair].node) }!
                let smallIsLeft = next[pair].count <= next[pair + 1].count
                let small = smallIsLeft ? pair : pair + 1, large = smallIsLeft ? pair + 1 : pair
                let built = buildHistogram(
                    rows: rowsPointer, start: next[small].start, count: next[small].count, gh: gh, features: activeFeatures)
                var derived = parent.histogram
                for f in activeFeatures {
                    let o = f * Self.histogramStride
                    for b in o ..< o + Self.histogramStride { derived[b] -= built[b] }
                }
                next[small].histogram = built
                next[large].histogram = derived
            }
            level = next
        }
        return (RegressionTree(nodes: nodes, categorySets: categorySets), leafRanges)
    }

    @inline(__always) private func leafValue(_ g: Double, _ h: Double) -> Double {
        let denominator = h + parameters.l2
        return denominator > 0 ? -g / denominator * parameters.learningRate : 0
    }

    // MARK: Histograms

    private func buildHistogram(rows: UnsafeSharedPointer<Int32>, start: Int, count: Int, gh: UnsafeSharedPointer<Float>,
                                features: [Int]) -> [Double] {
        // One extra slot receives the prefetch sink (see below) and is dropped.
        let size = featureCount * Self.histogramStride
        let allFeatures = features.count == featureCount
        let m = featureCount
        let bins = self.bins
        let workers = count >= 16_384 ? min(2, LearnParallel.workerCount) : 1
        let fill: @Sendable (Int, UnsafeMutablePointer<Double>) -> Void = { w, hist in
            let lo = start + w * count / workers, hi = start + (w + 1) * count / workers
            var sink: UInt64 = 0
            var blockStart = lo
            while blockStart < hi {
                let blockEnd = min(hi, blockStart + 64)
                // Rows of a child node are scattered: touching every row's bins and gradients in a
                // tight loop first lets many cache misses overlap, instead of one per row below.
                for k in blockStart..<blockEnd {
                    let r = Int(rows[k])
                    sink &+= UInt64(bins[r &* m]) &+ UInt64(bins[r &* m &+ m &- 1]) &+ UInt64(gh[2 &* r].bitPattern)
                }
                if allFeatures {
                    for k in blockStart..<blockEnd {
                        let r = Int(rows[k])
                        let g = Double(gh[2 &* r]), h = Double(gh[2 &* r &+ 1])
                        let rowBins = bins.base + r &* m
                        for f in 0..<m {
                            let o = (f &<< 9) &+ (Int(rowBins[f]) &<< 1)
                            hist[o] += g
                            hist[o &+ 1] += h
                        }
                    }
                } else {
                    for k in blockStart..<blockEnd {
                        let r = Int(rows[k])
                        let g = Double(gh[2 &* r]), h = Double(gh[2 &* r &+ 1])
                        let rowBins = bins.base + r &* m
                        for f in features {
                            let o = (f &<< 9) &+ (Int(rowBins[f]) &<< 1)
                            hist[o] += g
                            hist[o &+ 1] += h
                        }
                    }
                }
                blockStart = blockEnd
            }
            hist[size] = Double(sink & 1)
        }
        if workers == 1 {
            var hist = [Double](repeating: 0, count: size + 1)
            hist.withUnsafeMutableBufferPointer { fill(0, $0.baseAddress!) }
            hist.removeLast()
            return hist
        }
        let results = WorkerResults([[Double]](repeating: [], count: workers))
        LearnParallel.forEach(workers) { w in
            var hist = [Double](repeating: 0, count: size + 1)
            hist.withUnsafeMutableBufferPointer { fill(w, $0.baseAddress!) }
            results.set(w, hist)
        }
        let partials = results.values
        var total = partials[0]
        total.removeLast()
        total.withUnsafeMutableBufferPointer { t in
            for w in 1..<workers {
                partials[w].withUnsafeBufferPointer { other in
                    for b in 0..<size { t[b] += other[b] }
                }
            }
        }
        return total
    }

    // MARK: Splits

    private func findSplits(_ level: [Pending], features: [Int]) -> [Split?] {
        let results = WorkerResults([Split?](repeating: nil, count: level.count))
        let levelCopy = level
        LearnParallel.forEach(level.count) { k in
            results.set(k, bestSplit(levelCopy[k], features: features))
        }
        return results.values
    }

    private func bestSplit(_ node: Pending, features: [Int]) -> Split? {
        let lambda = parameters.l2, minChild = parameters.minChildWeight
        let parentScore = node.gradient * node.gradient / (node.hessian + lambda)
        var best = Split()
        best.gain = parameters.minSplitGain
        var found = false
        node.histogram.withUnsafeBufferPointer { hist in
            for f in features {
                let o = f * Self.histogramStride
                let missingG = hist[o + 2 * 255], missingH = hist[o + 2 * 255 + 1]
                let valueBins = binning.binCount(f)
                if binning.features[f].isCategorical {
                    // Order categories by g / (h + λ) and scan prefixes (the optimal binary partition
                    // for the second-order objective, LightGBM-style).
                    var present: [(bin: Int, ratio: Double)] = []
                    for b in 0..<valueBins where hist[o + 2 * b + 1] > 0 {
                        present.append((b, hist[o + 2 * b] / (hist[o + 2 * b + 1] + lambda)))
                    }
                    guard present.count >= 2 || (present.count == 1 && missingH > 0) else { continue }
                    present.sort { $0.ratio < $1.ratio || ($0.ratio == $1.ratio && $0.bin < $1.bin) }
                    var gl = 0.0, hl = 0.0
                    // The last cut sends every level left and only missing values right.
                    for cut in 0 ..< present.count {
                        gl += hist[o + 2 * present[cut].bin]
                        hl += hist[o + 2 * present[cut].bin + 1]
                        let lastCut = cut == present.count - 1
                        if lastCut && missingH == 0 { break }
                        for direction in 0 ..< (lastCut || missingH == 0 ? 1 : 2) {
                            let missingLeft = direction == 1
                            let lg = gl + (missingLeft ? missingG : 0), lh = hl + (missingLeft ? missingH : 0)
                            let rg = node.gradient - lg, rh = node.hessian - lh
                            guard lh >= minChild, rh >= minChild else { continue }
                            let gain = lg * lg / (lh + lambda) + rg * rg / (rh + lambda) - parentScore
                            if gain > best.gain {
                                var set = [UInt64](repeating: 0, count: 4)
                                for c in 0...cut { set[present[c].bin >> 6] |= 1 << UInt64(present[c].bin & 63) }
                                best = Split(feature: f, gain: gain, binThreshold: 0, defaultLeft: missingLeft,
                                             leftBins: set, leftGradient: lg, leftHessian: lh)
                                found = true
                            }
                        }
                    }
                } else {
                    var gl = 0.0, hl = 0.0
                    // The last boundary (all values left, missing right) only counts with missing values.
                    for b in 0 ..< (missingH > 0 ? valueBins : valueBins - 1) {
                        gl += hist[o + 2 * b]
                        hl += hist[o + 2 * b + 1]
                        if missingH == 0 {
                            let rg = node.gradient - gl, rh = node.hessian - hl
                            guard hl >= minChild, rh >= minChild else { continue }
                            let gain = gl * gl / (hl + lambda) + rg * rg / (rh + lambda) - parentScore
                            if gain > best.gain {
                                // No missing values here: send future missing values to the heavier side.
                                best = Split(feature: f, gain: gain, binThreshold: UInt8(b), defaultLeft: hl >= rh,
                                             leftBins: nil, leftGradient: gl, leftHessian: hl)
                                found = true
                            }
                            continue
                        }
                        for direction in 0 ..< (b == valueBins - 1 ? 1 : 2) {
                            let missingLeft = direction == 1
                            let lg = gl + (missingLeft ? missingG : 0), lh = hl + (missingLeft ? missingH : 0)
                            let rg = node.gradient - lg, rh = node.hessian - lh
                            guard lh >= minChild, rh >= minChild else { continue }
                            let gain = lg * lg / (lh + lambda) + rg * rg / (rh + lambda) - parentScore
                            if gain > best.gain {
                                best = Split(feature: f, gain: gain, binThreshold: UInt8(b), defaultLeft: missingLeft,
                                             leftBins: nil, leftGradient: lg, leftHessian: lh)
                                found = true
                            }
                        }
                    }
                }
            }
        }
        return found && best.gain > 1e-10 ? best : nil
    }

    // MARK: Partition

    /// Reorders each split node's rows so the left child's come first, keeping each side in
    /// ascending row order (better locality below); returns the left counts. Branch-free per row,
    /// so that the scattered loads of the split feature's bins overlap.
    private func partitionAll(_ level: [Pending], splits: [Split?], rows: UnsafeSharedPointer<Int32>,
                              scratch: UnsafeSharedPointer<Int32>) -> [Int] {
        let results = WorkerResults([Int](repeating: 0, count: level.count))
        let levelCopy = level, m = featureCount, bins = self.bins
        LearnParallel.forEach(level.count) { k in
            guard let split = splits[k] else { return }
            let node = levelCopy[k]
            let f = split.feature, end = node.start + node.count
            var left = node.start, right = node.start
            let defaultLeft = split.defaultLeft ? 1 : 0
            if let set = split.leftBins {
                for i in node.start..<end {
                    let r = rows[i]
                    let b = bins[Int(r) &* m &+ f]
                    let inSet = set[Int(b) &>> 6] &>> UInt64(b & 63) & 1 == 1
                    let goLeft = b == FeatureBinning.missingBin ? defaultLeft : (inSet ? 1 : 0)
                    rows[left] = r
                    scratch[right] = r
                    left &+= goLeft
                    right &+= 1 &- goLeft
                }
            } else {
                let threshold = split.binThreshold
                for i in node.start..<end {
                    let r = rows[i]
                    let b = bins[Int(r) &* m &+ f]
                    let goLeft = b == FeatureBinning.missingBin ? defaultLeft : (b <= threshold ? 1 : 0)
                    rows[left] = r
                    scratch[right] = r
                    left &+= goLeft
                    right &+= 1 &- goLeft
                }
            }
            for j in 0 ..< (right - node.start) { rows[left + j] = scratch[node.start + j] }
            results.set(k, left - node.start)
        }
        return results.values
    }
}
