import Foundation

/// A table of model inputs: one row per customer, one column per feature, stored column-major in a
/// single contiguous `Float` buffer so that learners can scan a feature without gathering.
///
/// Missing values are `Float.nan`. A categorical column holds small integer level codes (0, 1, …)
/// as floats, with the code → level dictionary in its ``Feature/Kind``.
public struct FeatureMatrix: Sendable, Codable, Equatable {
    /// What kind of values a column holds.
    public enum Kind: Sendable, Codable, Equatable, Hashable {
        /// Real numbers (any unit; the learners are scale-aware where it matters).
        case numeric
        /// Integer codes into `levels` (code `i` means `levels[i]`); at most 255 levels are
        /// distinguished by the tree learner.
        case categorical(levels: [String])
    }

    /// One column's name and kind.
    public struct Feature: Sendable, Codable, Equatable, Hashable {
        public var name: String
        public var kind: Kind

        public init(name: String, kind: Kind = .numeric) {
            self.name = name
            self.kind = kind
        }

        public var isCategorical: Bool {
            if case .categorical = kind { return true }
            return false
        }

        /// The number of levels of a categorical column (0 for numeric).
        public var levelCount: Int {
            if case .categorical(let levels) = kind { return levels.count }
            return 0
        }
    }

    /// Number of rows (customers).
    public let rowCount: Int
    /// The columns, in storage order.
    public let features: [Feature]
    /// Column-major values: column `j` occupies `values[j * rowCount ..< (j + 1) * rowCount]`.
    public let values: [Float]

    public var featureCount: Int { features.count }

    /// Builds a matrix from column-major storage; `values.count` must be `rowCount * features.count`.
    public init(rowCount: Int, features: [Feature], values: [Float]) {
        precondition(values.count == rowCount * features.count, "values must hold rowCount × featureCount floats")
        self.rowCount = rowCount
        self.features = features
        self.values = values
    }

    /// Builds a matrix from whole columns (all of the same length).
    public init(columns: [(feature: Feature, values: [Float])]) {
        let n = columns.first?.values.count ?? 0
        var storage: [Float] = []
        storage.reserveCapacity(n * columns.count)
        for column in columns {
            precondition(column.values.count == n, "column \(column.feature.name) has \(column.values.count) rows, expected \(n)")
            storage.append(contentsOf: column.values)
        }
        self.init(rowCount: n, features: columns.map(\.feature), values: storage)
    }

    /// The value at `row` of column `feature` (NaN when missing).
    public subscript(row: Int, feature: Int) -> Float {
        values[feature * rowCount + row]
    }

    /// The whole column `feature`.
    public func column(_ feature: Int) -> ArraySlice<Float> {
        values[feature * rowCount ..< (feature + 1) * rowCount]
    }

    /// Index of the column called `name`, if any.
    public func featureIndex(named name: String) -> Int? {
        features.firstIndex { $0.name == name }
    }

    /// The rows at `indices`, in that order (indices may repeat).
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: indices.count * featureCount)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for j in 0..<featureCount {
                    let s = j * rowCount, d = j * indices.count
                    for (k, i) in indices.enumerated() { dst[d + k] = src[s + i] }
                }
            }
        }
        return FeatureMatrix(rowCount: indices.count, features: features, values: out)
    }

    /// The columns at `indices`, in that order.
    public func selectingFeatures(_ indices: [Int]) -> FeatureMatrix {
        var out: [Float] = []
        out.reserveCapacity(indices.count * rowCount)
        for j in indices { out.append(contentsOf: column(j)) }
        return FeatureMatrix(rowCount: rowCount, features: indices.map { features[$0] }, values: out)
    }

    /// One row as a dense array (feature order), e.g. to explain a single customer.
    public func row(_ i: Int) -> [Float] {
        (0..<featureCount).map { self[i, $0] }
    }

    /// A human-readable rendering of a cell: the level name for a categorical code, the number
    /// otherwise, and `nil` when missing.
    public func displayValue(row: Int, feature: Int) -> String? {
        let v = self[row, feature]
        return Self.display(v, kind: features[feature].kind)
    }

    static func display(_ v: Float, kind: Kind) -> String? {
        if v.isNaN { return nil }
        if case .categorical(let levels) = kind {
            let code = Int(v)
            return code >= 0 && code < levels.count ? levels[code] : "level \(code)"
        }
        if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
        return String(v)
    }
}
