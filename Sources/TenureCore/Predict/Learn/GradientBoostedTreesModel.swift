import Foundation

/// Gradient-boosted decision trees for churn (binary log loss), second order and histogram based
/// like XGBoost's `tree_method="hist"`:
/// - features are quantile-binned once (≤ 255 value bins + a missing bin, see ``FeatureBinning``);
/// - each tree is grown depth-wise to `maxDepth` on gradient/hessian histograms, with L2 `lambda`
///   on leaf weights, `minChildWeight` (hessian) per child and `minSplitGain` (γ);
/// - missing values take a learned default direction at every split;
/// - categorical features are split by a partition of their levels (levels sorted by
///   gradient/hessian ratio, best prefix sent left), so no one-hot encoding is needed;
/// - rows and columns can be subsampled per tree; training is deterministic for a seed.
///
/// The prediction is `baseMargin + Σ tree(x)` on the log-odds scale.
public struct GradientBoostedTreesModel: Sendable, Codable, Equatable {
    public struct Options: Sendable, Codable, Equatable {
        /// Number of trees (boosting rounds) at most.
        public var trees: Int
        /// Shrinkage η applied to every leaf.
        public var learningRate: Double
        /// Maximum depth of a tree (a depth-d tree has at most 2^d leaves).
        public var maxDepth: Int
        /// Minimum sum of hessians p(1 − p) in a child.
        public var minChildWeight: Double
        /// L2 penalty λ on leaf weights.
        public var l2: Double
        /// Minimum loss reduction γ for a split (XGBoost's `gamma`).
        public var minSplitGain: Double
        /// Fraction of rows sampled (without replacement) for each tree.
        public var rowSubsample: Double
        /// Fraction of features sampled for each tree.
        public var columnSubsample: Double
        /// Value bins per numeric feature (≤ 255; one more bin holds missing values).
        public var maxBins: Int
        /// With a validation set, stop when its log loss has not improved for this many rounds
        /// (and keep the best round's trees).
        public var earlyStoppingRounds: Int?
        public var seed: UInt64

        public init(trees: Int = 100, learningRate: Double = 0.3, maxDepth: Int = 6, minChildWeight: Double = 1,
                    l2: Double = 1, minSplitGain: Double = 0, rowSubsample: Double = 1, columnSubsample: Double = 1,
                    maxBins: Int = 255, earlyStoppingRounds: Int? = nil, seed: UInt64 = 0) {
            self.trees = trees
            self.learningRate = learningRate
            self.maxDepth = maxDepth
            self.minChildWeight = minChildWeight
            self.l2 = l2
            self.minSplitGain = minSplitGain
            self.rowSubsample = rowSubsample
            self.columnSubsample = columnSubsample
            self.maxBins = maxBins
            self.earlyStoppingRounds = earlyStoppingRounds
            self.seed = seed
        }

        func validate() throws(LearnError) {
            guard trees >= 0 else { throw .invalidOption("the number of trees must be ≥ 0, got \(trees)") }
            guard learningRate > 0 else { throw .invalidOption("the learning rate must be > 0, got \(learningRate)") }
            guard maxDepth >= 0, maxDepth <= 16 else { throw .invalidOption("the maximum depth must be within 0…16, got \(maxDepth)") }
            guard l2 >= 0, minChildWeight >= 0, minSplitGain >= 0 else {
                throw .invalidOption("lambda, minimum child weight and gamma must be ≥ 0")
            }
            guard rowSubsample > 0, rowSubsample <= 1, columnSubsample > 0, columnSubsample <= 1 else {
                throw .invalidOption("row and column subsampling fractions must be within (0, 1]")
            }
            guard maxBins >= 2, maxBins <= 255 else { throw .invalidOption("maxBins must be within 2…255, got \(maxBins)") }
        }
    }

    public let features: [FeatureMatrix.Feature]
    /// Log-odds of the training churn rate: the prediction before any tree.
    public let baseMargin: Double
    public let trees: [RegressionTree]
    /// Validation log loss after each round, when a validation set was given.
    public let validationLogLoss: [Double]?

    /// The most threads that training and scoring (TreeSHAP explanations included) use at once:
    /// one per active processor core, at least one. What a reported training or scoring time ran on.
    public static var threads: Int { LearnParallel.workerCount }

    public init(features: [FeatureMatrix.Feature], baseMargin: Double, trees: [RegressionTree], validationLogLoss: [Double]? = nil) {
        self.features = features
        self.baseMargin = baseMargin
        self.trees = trees
        self.validationLogLoss = validationLogLoss
    }

    /// Trains on `x` with churn `labels`; `validation` (optional) drives early stopping.
    public static func fit(_ x: FeatureMatrix, labels: [Bool], validation: (x: FeatureMatrix, labels: [Bool])? = nil,
                           options: Options = Options()) throws(LearnError) -> GradientBoostedTreesModel {
        try LearnError.validate(x, labels: labels)
        try options.validate()
        let binning = FeatureBinning(fitting: x, maxBins: options.maxBins, seed: options.seed)
        let binned = binning.binned(x)
        var validationBins: BinnedMatrix?
        if let validation {
            try LearnError.checkFeatures(x.features, validation.x.features)
            guard validation.labels.count == validation.x.rowCount else {
                throw .labelCountMismatch(rows: validation.x.rowCount, labels: validation.labels.count)
            }
            validationBins = binning.binned(validation.x)
        }
        return train(binned: binned, binning: binning, labels: labels,
                     validation: validationBins.map { ($0, validation!.labels) }, options: options)
    }

    static func train(binned: BinnedMatrix, binning: FeatureBinning, labels: [Bool],
                      validation: (bins: BinnedMatrix, labels: [Bool])?, options: Options) -> GradientBoostedTreesModel {
        let n = binned.rowCount, m = binned.featureCount
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let base = LogOdds.logit(min(max(Double(positives) / Double(n), 1e-6), 1 - 1e-6))
        var margins = [Double](repeating: base, count: n)
        var validationMargins = [Double](repeating: base, count: validation?.bins.rowCount ?? 0)
        let targets = labels.map { $0 ? 1.0 : 0.0 }
        var gh = [Float](repeating: 0, count: 2 * n)
        var rows = [Int32](repeating: 0, count: n), scratch = [Int32](repeating: 0, count: n)
        var inSample = [Bool](repeating: true, count: n)
        var generator = SeededGenerator(seed: options.seed)
        var trees: [RegressionTree] = []
        var history: [Double] = []
        var bestLoss = Double.infinity, bestRound = 0

        binned.bins.withUnsafeBufferPointer { binsBuffer in
            let bins = UnsafeSharedPointer(binsBuffer.baseAddress!)
            let grower = HistogramTreeGrower(
                bins: bins, featureCount: m, binning: binning,
                parameters: .init(maxDepth: options.maxDepth, minChildWeight: options.minChildWeight, l2: options.l2,
                                  minSplitGain: options.minSplitGain, learningRate: options.learningRate))
            for _ in 0..<options.trees {
                // Gradients of the log loss at the current margins: g = p − y, h = p (1 − p).
                margins.withUnsafeBufferPointer { mp in
                    targets.withUnsafeBufferPointer { tp in
                        gh.withUnsafeMutableBufferPointer { ghp in
                            let mPtr = UnsafeSharedPointer(mp.baseAddress!), tPtr = UnsafeSharedPointer(tp.baseAddress!)
                            let out = UnsafeSharedPointer(ghp.baseAddress!)
                            LearnParallel.forEachChunk(count: n, minimumChunk: 32_768) { range in
                                for i in range {
                                    let p = LogOdds.probability(mPtr[i])
                                    out[2 * i] = Float(p - tPtr[i])
                                    out[2 * i + 1] = Float(max(p * (1 - p), 1e-16))
                                }
                            }
                        }
                    }
                }
                // Row and column samples for this tree.
                var sampled = 0
                if options.rowSubsample < 1 {
                    for i in 0..<n {
                        let keep = generator.nextUnitInterval() < options.rowSubsample
                        inSample[i] = keep
                        if keep {
                            rows[sampled] = Int32(i)
                            sampled += 1
                        }
                    }
                } else {
                    for i in 0..<n { rows[i] = Int32(i) }
                    sampled = n
                }
                var active = Array(0..<m)
                if options.columnSubsample < 1 {
                    active.shuffle(using: &generator)
                    active = Array(active.prefix(max(1, Int((Double(m) * options.columnSubsample).rounded())))).sorted()
                }
                let (tree, leafRanges) = gh.withUnsafeMutableBufferPointer { ghp in
                    rows.withUnsafeMutableBufferPointer { rp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            grower.grow(rows: rp.baseAddress!, scratch: sp.baseAddress!, rowCount: sampled,
                                        gh: UnsafeSharedPointer(ghp.baseAddress!), activeFeatures: active)
                        }
                    }
                }
                trees.append(tree)
                // Update margins: sampled rows through their leaf ranges, the rest by traversal.
                for (node, start, count) in leafRanges {
                    let value = tree.nodes[node].value
                    for k in start ..< start + count { margins[Int(rows[k])] += value }
                }
                if sampled < n {
                    for i in 0..<n where !inSample[i] {
                        margins[i] += tree.nodes[tree.leafIndex(bins: bins.base, row: i, featureCount: m)].value
                    }
                }
                if let validation {
                    var loss = 0.0
                    validation.bins.bins.withUnsafeBufferPointer { vb in
                        for i in 0..<validation.bins.rowCount {
                            validationMargins[i] += tree.nodes[tree.leafIndex(bins: vb.baseAddress!, row: i, featureCount: m)].value
                            let z = validationMargins[i]
                            loss += LogOdds.softplus(z) - (validation.labels[i] ? z : 0)
                        }
                    }
                    loss /= Double(max(1, validation.bins.rowCount))
                    history.append(loss)
                    if loss < bestLoss {
                        bestLoss = loss
                        bestRound = trees.count
                    } else if let patience = options.earlyStoppingRounds, trees.count - bestRound >= patience {
                        break
                    }
                }
            }
        }
        if validation != nil, options.earlyStoppingRounds != nil { trees = Array(trees.prefix(bestRound)) }
        return GradientBoostedTreesModel(
            features: binning.features, baseMargin: base, trees: trees, validationLogLoss: validation == nil ? nil : history)
    }

    /// Log-odds of churn for every row of `x` (computed on all cores).
    public func margins(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        try LearnError.checkFeatures(features, x.features)
        let n = x.rowCount
        var out = [Double](repeating: baseMargin, count: n)
        let trees = self.trees
        out.withUnsafeMutableBufferPointer { op in
            x.values.withUnsafeBufferPointer { vp in
                let output = UnsafeSharedPointer(op.baseAddress!), values = UnsafeSharedPointer(vp.baseAddress!)
                LearnParallel.forEachChunk(count: n, minimumChunk: 2048) { range in
                    // Blocks of rows with trees outermost keep one tree's nodes hot at a time.
                    for blockStart in stride(from: range.lowerBound, to: range.upperBound, by: 512) {
                        let block = blockStart ..< min(range.upperBound, blockStart + 512)
                        for tree in trees {
                            tree.nodes.withUnsafeBufferPointer { nodes in
                                for i in block {
                                    var k = 0
                                    while true {
                                        let node = nodes[k]
                                        if node.feature < 0 { break }
                                        let v = values[Int(node.feature) &* n &+ i]
                                        let left = node.categorySet >= 0 || v.isNaN
                                            ? tree.goesLeft(node, value: v) : v <= node.threshold
                                        k = Int(left ? node.left : node.right)
                                    }
                                    output[i] += nodes[k].value
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Churn probability for every row of `x`.
    public func predictProbabilities(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        try margins(x).map(LogOdds.probability)
    }

    /// Total split gain per feature, a rough importance (parallel to `features`).
    public var gainImportance: [Double] {
        var out = [Double](repeating: 0, count: features.count)
        for tree in trees { for node in tree.nodes where !node.isLeaf { out[Int(node.feature)] += node.gain } }
        return out
    }
}
