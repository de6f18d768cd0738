import Dispatch
import Foundation
import TenureCore

/// Imports a CSV transaction file with the parsing off the writer's thread: a reader thread
/// cuts the file into pieces at record boundaries and splits each piece in two halves that are
/// parsed at the same time (fields, dates, amounts, properties JSON, message ids and dedupe
/// keys); the store's writer takes the parsed batches in file order and only stores them.
/// A file with quoted fields is cut the same way, quote-aware, and its pieces are parsed whole.
struct CSVFileImport {
    let options: ImportOptions
    let mapping: TransactionMapping
    let path: String
    /// Bytes read per piece.
    static let pieceSize = 4 << 20

    /// What the reader thread hands the writer: one parsed half-piece, or why reading stopped.
    private enum Handover: Sendable {
        case parsed(ImportedTransactions, bytesRead: Int)
        case failed(ImportFailure)
    }

    /// Where the header ends and how to read the records after it.
    private struct Layout: Sendable {
        var reader: CSVRecordReader
        var rowReader: TransactionRowReader
        /// Offset just past the header (or past leading blank lines).
        var dataStart: Int
        var firstLine: Int
    }

    func run(store: any EventStore, totalBytes: Int, progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> ImportReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFailure.unreadable(path: path, reason: "no such file or no permission")
        }
        defer { try? handle.close() }
        let first = [UInt8](try handle.read(upToCount: Self.pieceSize) ?? Data())
        let layout = try Self.layout(of: first, options: options, mapping: mapping)
        let receivedAt = Date()
        let options = self.options
        return try await store.bulkImport { session in
            let queue = BoundedQueue<Handover>(capacity: 4)
            let reading = ReaderThread(
                path: path, handle: handle, first: first, layout: layout, receivedAt: receivedAt, queue: queue)
            return try queue.consume(producedBy: reading.run) {
                // The first piece's records tell about how many the file holds.
                let firstRecords = first.withUnsafeBytes { FileImporter.countNewlines($0) }
                if first.count > 0, firstRecords > 0 { session.reserve(records: Int(Double(totalBytes) / Double(first.count) * Double(firstRecords) * 1.05)) }
                var records = 0, skipped = 0
                var badRows: [BadRow] = []
                let rejected = try RejectedLinesFile(path: options.rejectedPath)
                defer { rejected.flush() }
                var lastProgress = ContinuousClock.now
                while let handover = queue.pop() {
                    switch handover {
                    case .failed(let failure): throw failure
                    case .parsed(let imported, let bytesRead):
                        let batch = imported.batch
                        for bad in batch.badRows {
                            let row = BadRow(line: bad.line, reason: bad.reason)
                            guard options.skipBadRows else {
                                throw ImportFailure.badRow(row, recordsBefore: records + batch.lines.prefix { $0 < bad.line }.count)
                            }
                            skipped += 1
                            rejected.add(row)
                            if badRows.count < options.maxReportedBadRows { badRows.append(row) }
                        }
                        records += batch.records
                        try session.write(imported)
                        if ContinuousClock.now - lastProgress > .milliseconds(200) {
                            progress(ImportProgress(bytesRead: bytesRead, totalBytes: totalBytes, records: records))
                            lastProgress = ContinuousClock.now
                        }
                    }
                }
                progress(ImportProgress(bytesRead: totalBytes, totalBytes: totalBytes, records: records))
                let outcome = try session.outcome
                return ImportReport(
                    records: records, stored: outcome.stored, duplicates: outcome.duplicates, skipped: skipped,
                    badRows: badRows, seconds: 0)
            }
        }
    }

    /// Reads the header (or, without one, the first record's column count) from the file's start.
    private static func layout(of bytes: [UInt8], options: ImportOptions, mapping: TransactionMapping) throws -> Layout {
        try bytes.withUnsafeBytes { raw in
            var start = 0, line = 1
            // Leading blank lines are not records.
            while let newline = raw[start...].firstIndex(of: 0x0A), FileImporter.isBlank(UnsafeRawBufferPointer(rebasing: raw[start...newline])) {
                start = newline + 1
                line += 1
            }
            let firstLineEnd = raw[start...].firstIndex(of: 0x0A) ?? raw.count
            let reader = CSVRecordReader(delimiter: options.delimiter ?? .guess(firstLine: raw[start..<firstLineEnd]))
            let end = reader.recordEnd(in: raw, from: start) ?? raw.count
            let record = UnsafeRawBufferPointer(rebasing: raw[start..<end])
            var fields = CSVFields()
            if let error = reader.split(record, into: &fields) {
                throw ImportFailure.mapping("line \(line) cannot be read: field \(error.field + 1): \(error.reason)")
            }
            let names = (0..<fields.count).map { fields.string($0) }
            do {
                if options.hasHeader {
                    let rowReader = try TransactionRowReader(mapping: mapping, header: names, columnCount: names.count, values: options.values)
                    return Layout(reader: reader, rowReader: rowReader, dataStart: end, firstLine: line + FileImporter.countNewlines(record))
                }
                let rowReader = try TransactionRowReader(mapping: mapping, header: nil, columnCount: names.count, values: options.values)
                return Layout(reader: reader, rowReader: rowReader, dataStart: start, firstLine: line)
            } catch let error as TransactionMappingError {
                throw ImportFailure.mapping(error.description)
            }
        }
    }

    /// The reader side: reads pieces, cuts them, parses the halves on two threads, hands over.
    private final class ReaderThread: @unchecked Sendable {
        // Used by the reader thread only, after `init`.
        let path: String
        let handle: FileHandle
        var carry: [UInt8]
        var carryStart: Int
        let layout: Layout
        let receivedAt: Date
        let queue: BoundedQueue<Handover>
        var line: Int
        var bytesRead: Int

        init(path: String, handle: FileHandle, first: [UInt8], layout: Layout, receivedAt: Date, queue: BoundedQueue<Handover>) {
            self.path = path
            self.handle = handle
            carry = first
            carryStart = layout.dataStart
            self.layout = layout
            self.receivedAt = receivedAt
            self.queue = queue
            line = layout.firstLine
            bytesRead = first.count
        }

        func run() {
            var atEnd = carry.count < CSVFileImport.pieceSize
            while true {
                // The complete records in the carry (all of it at the end of the file).
                let cut: Int? = carry.withUnsafeBytes { raw in
                    atEnd ? raw.count : lastRecordEnd(UnsafeRawBufferPointer(rebasing: raw[carryStart...])).map { carryStart + $0 }
                }
                if let cut, cut > carryStart {
                    let halves = parse(carryStart..<cut)
                    for half in halves where !queue.push(.parsed(half, bytesRead: bytesRead)) { return }
                    carryStart = cut
                }
                if atEnd { break }
                carry.removeFirst(carryStart)
                carryStart = 0
                do {
                    let chunk = try handle.read(upToCount: CSVFileImport.pieceSize) ?? Data()
                    bytesRead += chunk.count
                    atEnd = chunk.isEmpty
                    carry.append(contentsOf: chunk)
                } catch {
                    queue.push(.failed(.unreadable(path: path, reason: "\(error)")))
                    break
                }
            }
            queue.close()
        }

        /// The end of the last complete record in `bytes`, relative to it.
        private func lastRecordEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
            let quoting = layout.reader.delimiter != .whitespace
            if !quoting || !bytes.contains(0x22) {
                return bytes.lastIndex(of: 0x0A).map { $0 + 1 }
            }
            var end: Int?
            var start = 0
            while let next = layout.reader.recordEnd(in: bytes, from: start) {
                end = next
                start = next
            }
            return end
        }

        /// Parses `range` of the carry, in two halves on two threads when it holds no quotes.
        private func parse(_ range: Range<Int>) -> [ImportedTransactions] {
            carry.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[range])
                let quoting = layout.reader.delimiter != .whitespace
                var parts = [0..<bytes.count]
                if bytes.count > 64 << 10, !quoting || !bytes.contains(0x22),
                    let newline = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A), newline + 1 < bytes.count
                {
                    parts = [0..<newline + 1, newline + 1..<bytes.count]
                }
                let firstLines = [line, line + FileImporter.countNewlines(UnsafeRawBufferPointer(rebasing: bytes[parts[0]]))]
                let results = WorkerResults<(ImportedTransactions, Int)?>(Array(repeating: nil, count: parts.count))
                let (layout, receivedAt) = (self.layout, self.receivedAt)
                nonisolated(unsafe) let shared = bytes
                let ranges = parts
                DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                    let part = UnsafeRawBufferPointer(rebasing: shared[ranges[k]])
                    results.set(k, CSVFileImport.parse(part, firstLine: firstLines[k], layout: layout, receivedAt: receivedAt))
                }
                let parsed = results.values.map { $0! }
                line = parsed.last!.1
                return parsed.map(\.0)
            }
        }
    }

    /// Parses complete records; returns them and the line after the last.
    private static func parse(_ bytes: UnsafeRawBufferPointer, firstLine: Int, layout: Layout, receivedAt: Date) -> (ImportedTransactions, Int) {
        var batch = layout.rowReader.makeBatch(receivedAt: receivedAt)
        batch.reserve(records: bytes.count / 20 + 16, bytesPerRecord: 20)
        var fields = CSVFields()
        var messageId = [UInt8](repeating: 0, count: 36)
        var line = firstLine
        var start = 0
        while start < bytes.count {
            let end = layout.reader.recordEnd(in: bytes, from: start) ?? bytes.count
            let record = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            let recordLine = line
            line += FileImporter.countNewlines(record)
            start = end
            if FileImporter.isBlank(record) { continue }
            if let error = layout.reader.split(record, into: &fields) {
                batch.addBadRow(line: recordLine, reason: "field \(error.field + 1): \(error.reason)")
                continue
            }
            FileImporter.writeMessageId(record, line: recordLine, into: &messageId)
            layout.rowReader.append(fields, line: recordLine, messageId: messageId, to: &batch)
        }
        return (ImportedTransactions(batch), line)
    }
}
