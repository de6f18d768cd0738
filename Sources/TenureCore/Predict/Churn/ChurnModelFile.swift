import Foundation

/// A trained event-log churn model and everything needed to score with it later, as one
/// versioned JSON document: the learner (boosted trees, or logistic regression with its
/// standardisation) with its feature names and category levels, the feature and label definitions,
/// the training cutoff and the out-of-time backtest metrics.
///
/// Loading checks the format name and version and fails with a message saying what to do; scores
/// of a loaded model are bit-identical to those of the model that was saved.
public struct ChurnModelFile: Sendable, Codable, Equatable {
    /// The `format` value of every model file.
    public static let formatName = "tenure-churn-model"
    /// The version this build writes, and the newest it reads.
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// The learner, with its input columns (`model.features`: names, kinds, level names).
    public var model: ChurnModel
    /// Which events count as purchases and sessions.
    public var features: ChurnFeatures
    /// What churn meant when training (eligibility, horizon).
    public var label: ChurnLabel
    /// The cutoff whose features trained the model (days since 1970-01-01 UTC); labels came from
    /// `(trainCutoffDay, trainCutoffDay + label.horizonDays]`.
    public var trainCutoffDay: Int32
    /// Customers trained on (at most the training sample's size), and how many of them churned.
    public var trainCount: Int
    public var trainPositives: Int
    /// The out-of-time check of the same settings one horizon earlier; nil when the history was too short.
    public var backtest: ChurnBacktestReport?

    public init(model: ChurnModel, features: ChurnFeatures, label: ChurnLabel, trainCutoffDay: Int32,
                trainCount: Int, trainPositives: Int, backtest: ChurnBacktestReport?) {
        format = Self.formatName
        version = Self.currentVersion
        self.model = model
        self.features = features
        self.label = label
        self.trainCutoffDay = trainCutoffDay
        self.trainCount = trainCount
        self.trainPositives = trainPositives
        self.backtest = backtest
    }

    /// Which learner to train.
    public enum Learner: String, Sendable, Codable, CaseIterable {
        case boostedTrees = "boosted-trees"
        case logisticRegression = "logistic-regression"
    }

    /// Trains on the latest fully observed horizon: features at `cutoff − horizon`, labels from
    /// `(cutoff − horizon, cutoff]` (`cutoffDay` defaults to the snapshot's last day), and backtests
    /// the same settings one horizon earlier when the history allows. With more eligible customers
    /// than `sample.maxCustomers`, trains (and backtests) on a seeded random sample of them.
    public static func train(
        on snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil, label: ChurnLabel, cutoffDay: Int32? = nil,
        features: ChurnFeatures = ChurnFeatures(), learner: Learner = .boostedTrees,
        boostedTrees: GradientBoostedTreesModel.Options = ChurnBacktest.defaultOptions,
        logisticRegression: LogisticRegressionModel.Options = .init(), backtest: Bool = true,
        sample: ChurnTrainingSample = .standard
    ) throws(ChurnPredictionError) -> ChurnModelFile {
        guard let range = snapshot.reportRange else { throw .emptySnapshot }
        let trainCutoff = (cutoffDay ?? range.upperBound) - label.horizonDays
        let train = try ChurnTrainingSet(snapshot: snapshot, cutoffDay: trainCutoff, label: label, features: features, attributes: attributes)
            .sampled(sample)
        let model: ChurnModel
        do throws(LearnError) {
            switch learner {
            case .boostedTrees:
                model = .boostedTrees(try GradientBoostedTreesModel.fit(train.features.matrix, labels: train.labels, options: boostedTrees))
            case .logisticRegression:
                model = .logisticRegression(try LogisticRegressionModel.fit(train.features.matrix, labels: train.labels, options: logisticRegression))
            }
        } catch {
            throw .model(error)
        }
        let report = backtest
            ? try? ChurnBacktest(label: label, trainCutoffDay: trainCutoff - label.horizonDays, features: features,
                                 options: boostedTrees, logisticRegression: logisticRegression, sample: sample).run(on: snapshot, attributes: attributes)
            : nil
        return ChurnModelFile(model: model, features: features, label: label, trainCutoffDay: trainCutoff,
                              trainCount: train.labels.count, trainPositives: train.positives, backtest: report)
    }

    /// The model's input columns taken from `table` by name: categorical codes are translated to
    /// the model's levels by name (a level the model never saw becomes missing), and a column the
    /// table lacks (e.g. a trait no longer fed) or holds with another kind is all missing. So trait
    /// levels coded differently at scoring time (another store, new customers) score the same.
    public func aligned(_ table: FeatureMatrix) -> FeatureMatrix {
        let n = table.rowCount
        if table.features == model.features { return table }
        var values: [Float] = []
        values.reserveCapacity(n * model.features.count)
        for feature in model.features {
            guard let j = table.featureIndex(named: feature.name) else {
                values.append(contentsOf: repeatElement(Float.nan, count: n))
                continue
            }
            let column = table.column(j)
            switch (feature.kind, table.features[j].kind) {
            case (.categorical(let modelLevels), .categorical(let levels)):
                let map = levels.map { level in modelLevels.firstIndex(of: level).map(Float.init) ?? .nan }
                values.append(contentsOf: column.map { v in v.isNaN || Int(v) >= map.count || v < 0 ? .nan : map[Int(v)] })
            case (.numeric, .numeric):
                values.append(contentsOf: column)
            case (.categorical, .numeric), (.numeric, .categorical):
                // A trait that changed kind since training: its values mean something else now.
                values.append(contentsOf: repeatElement(Float.nan, count: n))
            }
        }
        return FeatureMatrix(rowCount: n, features: model.features, values: values)
    }

    /// Churn probabilities within the label's horizon of the customers eligible at `cutoffDay`
    /// (default: the snapshot's last day), each with its `topReasons` strongest risk-raising
    /// features (TreeSHAP for trees, coefficient × standardized value for logistic regression).
    public func score(
        _ snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil, cutoffDay: Int32? = nil, topReasons: Int = 3
    ) throws(ChurnPredictionError) -> ChurnScores {
        guard let range = snapshot.reportRange else { throw .emptySnapshot }
        let cutoff = cutoffDay ?? range.upperBound
        let eligible = label.eligibility(in: snapshot, cutoffDay: cutoff)
        let all = features.table(from: snapshot, cutoffDay: cutoff, attributes: attributes)
        let rows = all.customers.indices.filter { eligible[all.customers[$0]] }
        guard !rows.isEmpty else { throw .noEligibleCustomers(cutoffDay: cutoff) }
        let x = aligned(all.matrix.rows(rows))
        let scored: ScoredCustomers
        do throws(LearnError) {
            scored = try model.score(x, topReasons: topReasons)
        } catch {
            throw .model(error)
        }
        return ChurnScores(cutoffDay: cutoff, customers: rows.map { all.customers[$0] }, features: x, scored: scored)
    }

    /// The `topReasons` strongest risk-raising features of just `customers` (snapshot indices) at
    /// `cutoffDay` (default: the snapshot's last day), in the order given: the same reasons as
    /// ``score(_:attributes:cutoffDay:topReasons:)`` gives them, for one customer's page without
    /// explaining everyone. A customer without events on or before the cutoff gets none.
    /// `explainer`: this model's trees' TreeSHAP tables prepared once (``TreeExplainer``), for a
    /// caller that explains page after page; without it they are built for this call.
    public func reasons(
        _ snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil, cutoffDay: Int32? = nil, customers: [Int],
        topReasons: Int = 3, explainer: TreeExplainer? = nil
    ) throws(ChurnPredictionError) -> [[FeatureContributions.Reason]] {
        guard let range = snapshot.reportRange else { throw .emptySnapshot }
        let wanted = Array(Set(customers)).sorted()
        let table = features.table(from: snapshot, cutoffDay: cutoffDay ?? range.upperBound, attributes: attributes, only: wanted)
        guard table.matrix.rowCount > 0 else { return customers.map { _ in [] } }
        let x = aligned(table.matrix)
        let scored: ScoredCustomers
        if let explainer {
            scored = explainer.score(x, topReasons: topReasons)
        } else {
            do throws(LearnError) {
                scored = try model.score(x, topReasons: topReasons)
            } catch {
                throw .model(error)
            }
        }
        return customers.map { c in table.row(ofCustomer: c).map { scored.reasons(row: $0, in: x) } ?? [] }
    }

    /// The model as JSON (sorted keys: the same model always gives the same bytes).
    public func jsonData() throws(ChurnModelFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try encoder.encode(self)
        } catch {
            throw .unreadable("cannot encode the model: \(error)")
        }
    }

    /// Reads a file written by ``jsonData()`` of this or an older version.
    public init(jsonData data: Data) throws(ChurnModelFileError) {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        guard let header = try? decoder.decode(Header.self, from: data) else {
            throw .unreadable("not a JSON object")
        }
        guard header.format == Self.formatName, let version = header.version else {
            throw .notAModelFile(format: header.format)
        }
        guard version <= Self.currentVersion else {
            throw .newerVersion(version, supported: Self.currentVersion)
        }
        do {
            self = try decoder.decode(ChurnModelFile.self, from: data)
        } catch {
            throw .unreadable("\(error)")
        }
    }
}

/// Why a churn model file could not be read or written.
public enum ChurnModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case notAModelFile(format: String?)
    case newerVersion(Int, supported: Int)

    public var description: String {
        switch self {
        case .unreadable(let detail):
            "the churn model file cannot be read (\(detail)); train and save it again with `tenure model train --save`"
        case .notAModelFile(let format):
            "not a Tenure event-log churn model (format \(format.map { "'\($0)'" } ?? "missing"), expected '\(ChurnModelFile.formatName)'); "
                + "models from `tenure model train --table` score CSV tables, not the event log"
        case .newerVersion(let version, let supported):
            "the churn model file has version \(version) but this Tenure reads up to version \(supported); upgrade Tenure or retrain the model"
        }
    }
}

/// Churn scores of the customers eligible at a cutoff, in snapshot customer order.
public struct ChurnScores: Sendable, Equatable {
    public var cutoffDay: Int32
    /// Snapshot customer index per row, ascending.
    public var customers: [Int]
    /// The features each row was scored on (the model's columns).
    public var features: FeatureMatrix
    /// Probabilities and top reasons per row.
    public var scored: ScoredCustomers
}
