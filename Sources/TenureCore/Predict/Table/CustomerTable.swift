import Foundation

/// A customer table ready for learning: features (numeric or categorical, detected from the text),
/// churn labels, and customer ids.
///
/// A column is numeric when every non-blank cell parses as a number; otherwise it is categorical
/// with its distinct values as levels (sorted, so codes do not depend on row order). Blank cells,
/// including cells of only spaces, are missing.
public struct CustomerTable: Sendable {
    /// Ids from the id column (row numbers from 1 when there is none).
    public var ids: [String]
    /// `true` = churned; nil when the table was read for scoring without labels.
    public var labels: [Bool]?
    public var features: FeatureMatrix
    /// Rows dropped because their label was blank.
    public var droppedRows: Int

    /// Values read as "churned" / "retained" when no positive label is given (compared
    /// case-insensitively, spaces trimmed).
    public static let positiveLabels: Set<String> = ["yes", "y", "true", "t", "1", "1.0", "churn", "churned"]
    public static let negativeLabels: Set<String> = ["no", "n", "false", "f", "0", "0.0", "retained", "stayed", "active"]

    /// Builds the training table: `label` holds the outcome, `id` (optional) the customer id;
    /// neither, nor any of `excluding`, becomes a feature. Rows with a blank label are dropped.
    ///
    /// With `positive`, a row is churned when its label equals `positive` (both trimmed of spaces,
    /// compared ignoring case) and retained for any other non-blank label, so word labels such as
    /// BankChurners' `Attrited Customer` / `Existing Customer` work; a `positive` that no row holds
    /// is an error listing the values that do occur. Without it, the labels must be yes/no,
    /// true/false or 1/0 (see ``positiveLabels`` and ``negativeLabels``); any other value is an
    /// error listing the column's distinct values.
    public init(csv: CSVTable, label: String, positive: String? = nil, id: String? = nil, excluding: [String] = []) throws(TableError) {
        guard let labelIndex = csv.columnIndex(label) else { throw .missingColumn(label, available: csv.header) }
        let idIndex = try id.map { name throws(TableError) in
            guard let k = csv.columnIndex(name) else { throw .missingColumn(name, available: csv.header) }
            return k
        }
        var skip: Set<Int> = [labelIndex]
        if let idIndex { skip.insert(idIndex) }
        for name in excluding {
            guard let k = csv.columnIndex(name) else { throw .missingColumn(name, available: csv.header) }
            skip.insert(k)
        }
        let column = csv.header[labelIndex]
        let rawLabels = csv.rows.map { Self.trimmed($0[labelIndex]) }
        let kept = rawLabels.indices.filter { !rawLabels[$0].isEmpty }
        guard !kept.isEmpty else { throw .blankLabels(column: column) }
        var labels: [Bool] = []
        labels.reserveCapacity(kept.count)
        if let positive {
            let wanted = Self.trimmed(positive).lowercased()
            for r in kept { labels.append(rawLabels[r].lowercased() == wanted) }
            if !labels.contains(true) {
                throw .positiveLabelNotFound(positive, column: column, values: .init(counting: rawLabels))
            }
        } else {
            for r in kept {
                let value = rawLabels[r].lowercased()
                if Self.positiveLabels.contains(value) {
                    labels.append(true)
                } else if Self.negativeLabels.contains(value) {
                    labels.append(false)
                } else {
                    throw .unrecognizedLabels(column: column, values: .init(counting: rawLabels))
                }
            }
        }
        if let churned = labels.first, !labels.contains(!churned) {
            throw .singleClassLabel(column: column, churned: churned, values: .init(counting: rawLabels))
        }
        let columns = csv.header.indices.filter { !skip.contains($0) }
        guard !columns.isEmpty else { throw .noFeatures }
        var built: [(feature: FeatureMatrix.Feature, values: [Float])] = []
        for c in columns {
            let cells = kept.map { csv.rows[$0][c] }
            built.append(Self.column(name: csv.header[c], cells: cells))
        }
        self.ids = kept.map { r in idIndex.map { csv.rows[r][$0] } ?? String(r + 1) }
        self.labels = labels
        self.features = FeatureMatrix(columns: built)
        self.droppedRows = csv.rows.count - kept.count
    }

    /// Builds a table to score with a model trained on `features`: the same columns are read with the
    /// same kinds and level codes (an unseen level or an unparsable number counts as missing).
    public init(csv: CSVTable, features schema: [FeatureMatrix.Feature], id: String? = nil) throws(TableError) {
        var columns: [(feature: FeatureMatrix.Feature, values: [Float])] = []
        for feature in schema {
            guard let c = csv.columnIndex(feature.name) else { throw .missingColumn(feature.name, available: csv.header) }
            let cells = csv.rows.map { $0[c] }
            switch feature.kind {
            case .numeric:
                columns.append((feature, cells.map { Self.number($0) ?? .nan }))
            case .categorical(let levels):
                var codes: [String: Float] = [:]
                for (k, level) in levels.enumerated() { codes[level] = Float(k) }
                columns.append((feature, cells.map { codes[Self.trimmed($0)] ?? .nan }))
            }
        }
        let idIndex = try id.map { name throws(TableError) in
            guard let k = csv.columnIndex(name) else { throw .missingColumn(name, available: csv.header) }
            return k
        }
        self.ids = csv.rows.enumerated().map { r, row in idIndex.map { row[$0] } ?? String(r + 1) }
        self.labels = nil
        self.features = FeatureMatrix(columns: columns)
        self.droppedRows = 0
    }

    static func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }

    static func number(_ cell: String) -> Float? {
        let t = trimmed(cell)
        guard !t.isEmpty, let v = Double(t), v.isFinite else { return nil }
        return Float(v)
    }

    /// Detects the kind of one column and encodes it.
    static func column(name: String, cells: [String]) -> (feature: FeatureMatrix.Feature, values: [Float]) {
        let trimmedCells = cells.map(trimmed)
        var numeric = true
        var values = [Float](repeating: .nan, count: cells.count)
        for (i, t) in trimmedCells.enumerated() where !t.isEmpty {
            guard let v = Double(t), v.isFinite else {
                numeric = false
                break
            }
            values[i] = Float(v)
        }
        if numeric { return (FeatureMatrix.Feature(name: name, kind: .numeric), values) }
        let levels = Set(trimmedCells.filter { !$0.isEmpty }).sorted()
        var codes: [String: Float] = [:]
        for (k, level) in levels.enumerated() { codes[level] = Float(k) }
        return (FeatureMatrix.Feature(name: name, kind: .categorical(levels: levels)),
                trimmedCells.map { $0.isEmpty ? .nan : codes[$0]! })
    }
}
