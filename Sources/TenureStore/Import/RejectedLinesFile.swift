import Foundation

/// Every record an import refused, written as `line<TAB>reason` a line to the file that
/// `ImportOptions.rejectedPath` names (the report itself lists only the first few). Used by one
/// thread at a time: the importer's reader or its consumer.
final class RejectedLinesFile {
    private let handle: FileHandle?
    private var pending = Data()

    /// Creates (or empties) the file at `path`; nil writes nothing.
    init(path: String?) throws {
        guard let path else {
            handle = nil
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ImportFailure.unreadable(path: path, reason: "cannot create the rejected-lines file")
        }
        self.handle = handle
    }

    func add(_ row: BadRow) {
        guard handle != nil else { return }
        let reason = row.reason.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        pending.append(contentsOf: "\(row.line)\t\(reason)\n".utf8)
        if pending.count >= 64 * 1024 { flush() }
    }

    func flush() {
        guard let handle, !pending.isEmpty else { return }
        handle.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    deinit {
        flush()
        try? handle?.close()
    }
}
