extension ActivitySnapshotBuilder {
    /// Adds every row of `batch` (without copying it when the builder is still empty).
    public mutating func add(_ rows: ActivityEventBatch) {
        batch.append(contentsOf: rows)
        var top = customerCount - 1
        for c in rows.customers where Int(c) > top { top = Int(c) }
        customerCount = top + 1
    }
}
