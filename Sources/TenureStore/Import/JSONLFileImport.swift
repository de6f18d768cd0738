import Foundation
import TenureCore

/// Imports a JSONL file (one Segment message a line) with the parsing off the writer's thread:
/// a reader thread reads the file 4 MiB at a time, parses its records and prepares them (dedupe
/// keys, orders, the stored records); the store's writer takes the prepared batches in file
/// order and only stores them.
struct JSONLFileImport {
    let options: ImportOptions
    let path: String
    /// Bytes read at a time.
    static let pieceSize = 4 << 20

    /// What the reader thread hands the writer.
    private enum Handover: Sendable {
        case parsed(PreparedMessages, records: Int, bytesRead: Int)
        /// The whole file was read: what was skipped.
        case finished(skipped: Int, badRows: [BadRow])
        case failed(ImportFailure)
    }

    func run(store: any EventStore, totalBytes: Int, progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> ImportReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFailure.unreadable(path: path, reason: "no such file or no permission")
        }
        defer { try? handle.close() }
        let reader = ReaderThread(path: path, handle: handle, options: options)
        return try await store.bulkImport { session in
            try reader.queue.consume(producedBy: reader.run) {
                var records = 0
                var lastProgress = ContinuousClock.now
                var summary: (skipped: Int, badRows: [BadRow])?
                while let handover = reader.queue.pop() {
                    switch handover {
                    case .failed(let failure): throw failure
                    case .finished(let skipped, let badRows): summary = (skipped, badRows)
                    case .parsed(let batch, let count, let bytesRead):
                        // The first piece's records tell about how many the file holds.
                        if records == 0, bytesRead > 0, count > 0 { session.reserve(records: Int(Double(totalBytes) / Double(bytesRead) * Double(count) * 1.05)) }
                        try session.write(batch)
                        records += count
                        if ContinuousClock.now - lastProgress > .milliseconds(200) {
                            progress(ImportProgress(bytesRead: bytesRead, totalBytes: totalBytes, records: records))
                            lastProgress = ContinuousClock.now
                        }
                    }
                }
                guard let summary else { throw ImportFailure.unreadable(path: path, reason: "the reader stopped early") }
                progress(ImportProgress(bytesRead: totalBytes, totalBytes: totalBytes, records: records))
                let outcome = try session.outcome
                return ImportReport(
                    records: records, stored: outcome.stored, duplicates: outcome.duplicates, skipped: summary.skipped,
                    badRows: summary.badRows, seconds: 0)
            }
        }
    }

    /// Reads, parses and prepares the file on its own thread.
    ///
    /// `@unchecked Sendable`: the thread that runs `run` is the only one to use `handle`; the
    /// queue is thread-safe.
    private final class ReaderThread: @unchecked Sendable {
        let path: String
        let handle: FileHandle
        let options: ImportOptions
        let queue = BoundedQueue<Handover>(capacity: 4)

        init(path: String, handle: FileHandle, options: ImportOptions) {
            self.path = path
            self.handle = handle
            self.options = options
        }

        func run() {
            defer { queue.close() }
            var state = ImportState(options: options)
            do {
                state.rejected = try RejectedLinesFile(path: options.rejectedPath)
            } catch let failure as ImportFailure {
                queue.push(.failed(failure))
                return
            } catch {
                return
            }
            defer { state.rejected?.flush() }
            var carry: [UInt8] = []
            var bytesRead = 0
            do {
                while true {
                    let chunk = try handle.read(upToCount: JSONLFileImport.pieceSize) ?? Data()
                    bytesRead += chunk.count
                    let atEnd = chunk.isEmpty
                    if atEnd && carry.isEmpty { break }
                    carry.append(contentsOf: chunk)
                    var messages: [Message] = []
                    let before = state.records
                    let consumed = try carry.withUnsafeBytes { try state.consume($0, final: atEnd, into: &messages) }
                    carry.removeFirst(consumed)
                    let handover = Handover.parsed(PreparedMessages(messages), records: state.records - before, bytesRead: bytesRead)
                    guard queue.push(handover) else { return }
                    if atEnd { break }
                }
                queue.push(.finished(skipped: state.skipped, badRows: state.badRows))
            } catch let failure as ImportFailure {
                queue.push(.failed(failure))
            } catch {
                queue.push(.failed(.unreadable(path: path, reason: "\(error)")))
            }
        }
    }
}

/// The JSONL importer's per-file state: where in the file it is, bad records.
struct ImportState {
    let options: ImportOptions
    let receivedAt = Date()
    var line = 1
    var records = 0
    var skipped = 0
    var badRows: [BadRow] = []
    /// Every bad record, when the options name a file for them.
    var rejected: RejectedLinesFile?

    init(options: ImportOptions) {
        self.options = options
    }

    /// Reads the complete records in `bytes` (all of them when `final`); returns bytes consumed.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, final: Bool, into messages: inout [Message]) throws -> Int {
        var start = 0
        while start < bytes.count {
            let end: Int
            if let newline = bytes[start...].firstIndex(of: 0x0A) {
                end = newline + 1
            } else if final {
                end = bytes.count
            } else {
                return start
            }
            let record = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            let recordLine = line
            line += FileImporter.countNewlines(record)
            start = end
            if FileImporter.isBlank(record) { continue }
            try handle(record, line: recordLine, into: &messages)
        }
        return start
    }

    private mutating func handle(_ record: UnsafeRawBufferPointer, line: Int, into messages: inout [Message]) throws {
        records += 1
        do {
            messages.append(try jsonMessage(record, line: line))
        } catch let error as RowProblem {
            try bad(BadRow(line: line, reason: error.reason))
        }
    }

    private struct RowProblem: Error {
        var reason: String
    }

    private func jsonMessage(_ record: UnsafeRawBufferPointer, line: Int) throws -> Message {
        do {
            var limits = IngestLimits.segment
            limits.values = options.values
            return try SegmentParser.message(
                record: record, receivedAt: receivedAt, limits: limits, makeMessageId: { FileImporter.messageId(record, line: line) })
        } catch {
            throw RowProblem(reason: error.reason)
        }
    }

    private mutating func bad(_ row: BadRow) throws {
        guard options.skipBadRows else { throw ImportFailure.badRow(row, recordsBefore: records - 1) }
        skipped += 1
        rejected?.add(row)
        if badRows.count < options.maxReportedBadRows { badRows.append(row) }
    }
}
