import Foundation
import GRDB
import Testing
import TenureCore
@testable import TenureStore

@Suite struct FileImporterTests {
    let mapping = TransactionMapping(customerColumn: "customer", dateColumn: "date", amountColumn: "amount", dateFormat: .iso8601)

    @Test func csvImportIsIdempotent() async throws {
        let dir = TemporaryDirectory()
        let file = dir.file("t.csv", "customer,date,amount,channel\nc1,2026-01-01,10.5,web\nc2,2026-01-02,3,\"store, main st\"\nc1,2026-01-03,7,web\n")
        let store = try SQLiteStore.inMemory()
        let importer = FileImporter(options: ImportOptions(format: .csv, mapping: mapping))
        let first = try await importer.run(path: file, into: store)
        #expect(first.records == 3 && first.stored == 3 && first.duplicates == 0)
        let second = try await importer.run(path: file, into: store)
        #expect(second.stored == 0 && second.duplicates == 3)
        let counts = try await store.counts()
        #expect(counts.customers == 2 && counts.events == 3 && counts.orders == 3 && counts.orderRevenue == 20.5)
        let c2 = try #require(try await store.customer(userId: "c2"))
        #expect(try await store.events(customerId: c2.id, limit: 1).first?.properties["channel"] == "store, main st")
    }

    @Test func aBadRowStopsTheImportWithNothingCommitted() async throws {
        let dir = TemporaryDirectory()
        let file = dir.file("t.csv", "customer,date,amount\nc1,2026-01-01,10\nc2,2026-01-02,3\nc3,not-a-date,4\nc4,2026-01-04,1\n")
        let store = try SQLiteStore.inMemory()
        do {
            _ = try await FileImporter(options: ImportOptions(format: .csv, mapping: mapping)).run(path: file, into: store)
            Issue.record("expected the import to fail")
        } catch let failure as ImportFailure {
            guard case .badRow(let row, _) = failure else { Issue.record("wrong failure \(failure)"); return }
            #expect(row.line == 4 && row.reason.contains("not-a-date"))
            #expect(failure.description.contains("line 4"))
        }
        #expect(try await store.counts().events == 0)
    }

    @Test func skipBadRowsImportsTheRestAndListsTheBadOnes() async throws {
        let dir = TemporaryDirectory()
        let file = dir.file("t.csv", "customer,date,amount\nc1,2026-01-01,10\n,2026-01-02,3\nc3,2026-01-03,abc\nc4,2026-01-04,1\n")
        let store = try SQLiteStore.inMemory()
        let report = try await FileImporter(options: ImportOptions(format: .csv, mapping: mapping, skipBadRows: true)).run(path: file, into: store)
        #expect(report.stored == 2 && report.skipped == 2)
        #expect(report.badRows.map(\.line) == [3, 4])
        #expect(try await store.counts().events == 2)
    }

    /// A file of several pieces (the importer reads 4 MiB at a time and parses each piece in two
    /// halves on two threads): records that straddle pieces and halves, blank and quoted lines,
    /// and line numbers counted across all of them.
    @Test func aFileOfManyPiecesKeepsEveryRecordAndItsLineNumber() async throws {
        let dir = TemporaryDirectory()
        var text = "customer,date,amount\n"
        var expected = 0
        var badLines: [Int] = []
        let days = (1...28).map { String(format: "%02d", $0) }
        for i in 0..<400_000 {
            let line = i + 2
            switch i {
            case 1_000, 180_000, 333_333:
                text += "c\(i),not-a-date,1\n"
                badLines.append(line)
            case 250_000:
                text += "\n"  // a blank line: not a record
            case 300_000:
                text += "\"c\(i)\",2026-01-02,\"4.50\"\n"
                expected += 1
            default:
                text += "c\(i % 5_000),2026-01-\(days[i % 28]),\(i % 97).25\n"
                expected += 1
            }
        }
        #expect(text.utf8.count > 2 * (4 << 20))  // more than two of the importer's 4 MiB pieces
        let file = dir.file("big.csv", text)
        let store = try SQLiteStore.inMemory()
        let importer = FileImporter(options: ImportOptions(format: .csv, mapping: mapping, skipBadRows: true))
        let report = try await importer.run(path: file, into: store)
        #expect(report.records == expected + badLines.count)
        #expect(report.stored == expected && report.skipped == badLines.count)
        #expect(report.badRows.map(\.line) == badLines)
        #expect(try await store.counts().events == expected)
        #expect(try await store.customer(userId: "c300000") != nil)
        // Message ids come from line numbers and bytes: the same file again adds nothing.
        let again = try await importer.run(path: file, into: store)
        #expect(again.stored == 0 && again.duplicates == expected)
    }

    /// A JSONL file of several pieces, read and parsed on the reader thread: every record is
    /// stored once, bad ones are reported with their own line numbers, and without
    /// `--skip-bad-rows` the first bad one stops the import with nothing stored.
    @Test func aJSONLFileOfManyPiecesKeepsEveryRecordAndItsLineNumber() async throws {
        let dir = TemporaryDirectory()
        var text = ""
        var expected = 0
        var badLines: [Int] = []
        for i in 0..<90_000 {
            switch i {
            case 10, 40_000, 77_777:
                text += "{\"type\":\"track\",\"userId\":\"u\(i)\",\"event\":\"Viewed\",\"timestamp\":\"yesterday\"}\n"
                badLines.append(i + 1)
            case 50_000:
                text += "\n"  // a blank line: not a record
            default:
                text += #"{"type":"track","userId":"u\#(i % 3_000)","event":"Page Viewed","messageId":"m\#(i)","timestamp":"2026-01-02T03:04:05Z","properties":{"path":"/products/\#(i % 500)","note":"a line long enough to fill pieces"}}"# + "\n"
                expected += 1
            }
        }
        #expect(text.utf8.count > 2 * (4 << 20))  // more than two of the reader's 4 MiB pieces
        let file = dir.file("big.jsonl", text)
        let store = try SQLiteStore.inMemory()
        let importer = FileImporter(options: ImportOptions(format: .jsonl, skipBadRows: true))
        let report = try await importer.run(path: file, into: store)
        #expect(report.records == expected + badLines.count)
        #expect(report.stored == expected && report.skipped == badLines.count)
        #expect(report.badRows.map(\.line) == badLines)
        let counts = try await store.counts()
        #expect(counts.events == expected && counts.customers == 3_000)
        #expect(try await importer.run(path: file, into: store).duplicates == expected)

        let strict = try SQLiteStore.inMemory()
        await #expect(throws: ImportFailure.self) { try await FileImporter(options: ImportOptions(format: .jsonl)).run(path: file, into: strict) }
        do {
            _ = try await FileImporter(options: ImportOptions(format: .jsonl)).run(path: file, into: strict)
        } catch ImportFailure.badRow(let row, let recordsBefore) {
            #expect(row.line == 11 && recordsBefore == 10)
        }
        #expect(try await strict.counts().events == 0)
    }

    /// A bulk import that has the file to itself writes its pages once (rollback journal, not
    /// the WAL) and leaves the store in WAL mode; one that shares the file runs in WAL mode.
    @Test func aBulkImportWritesPagesOnceUnlessTheFileIsShared() async throws {
        let dir = TemporaryDirectory()
        var text = "customer,date,amount\n"
        for i in 0..<60_000 { text += "c\(i % 4_000),2026-01-\(String(format: "%02d", 1 + i % 28)),\(i % 90).5\n" }
        let file = dir.file("t.csv", text)
        let importer = FileImporter(options: ImportOptions(format: .csv, mapping: mapping))
        func walBytes(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }

        let alone = dir.path + "/alone.sqlite"
        let store = try SQLiteStore(path: alone)
        #expect(try await importer.run(path: file, into: store).stored == 60_000)
        #expect(walBytes(alone) < 1 << 16)  // nothing of the import went through the WAL
        #expect(try await store.counts().events == 60_000)
        let mode = try await DatabaseQueue(path: alone).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")

        let shared = dir.path + "/shared.sqlite"
        let sharedStore = try SQLiteStore(path: shared)
        let other = try DatabasePool(path: shared)
        _ = try await other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customer") }
        #expect(try await importer.run(path: file, into: sharedStore).stored == 60_000)
        #expect(walBytes(shared) > 1 << 20)  // the pages went through the WAL
        let customers = try await other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customer") }
        #expect(customers == 4_000)
        #expect(try await sharedStore.counts().events == 60_000)
    }

    /// A large import into a store with few customers builds the user id index once at the end:
    /// afterwards every customer is found by user id, and the index is unique again.
    @Test func aLargeImportBuildsTheUserIdIndexAtTheEnd() async throws {
        let dir = TemporaryDirectory()
        var text = "customer,date,amount\n"
        for i in 0..<150_000 { text += "c\(i % 30_000),2026-01-\(String(format: "%02d", 1 + i % 28)),\(i % 90).5\n" }
        let file = dir.file("t.csv", text)
        let store = try SQLiteStore(path: dir.path + "/t.sqlite")
        _ = try await store.ingest([[track("m0", user: "c17", "Page Viewed", "2025-12-01T00:00:00Z")]])
        let report = try await FileImporter(options: ImportOptions(format: .csv, mapping: mapping)).run(path: file, into: store)
        #expect(report.stored == 150_000)
        let c17 = try #require(try await store.customer(userId: "c17"))
        #expect(c17.firstSeen == at("2025-12-01T00:00:00Z"))
        for n in [0, 29_999, 12_345] { #expect(try await store.customer(userId: "c\(n)") != nil) }
        let (indexes, duplicateStored) = try await store.writer.write { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'"),
             (try? db.execute(sql: "INSERT INTO customer (user_id, first_seen, last_seen, created_at) VALUES ('c5', 0, 0, 0)")) != nil)
        }
        #expect(indexes.contains(SQLiteMigrations.customerUserIndex) && !duplicateStored)
        #expect(try await store.counts().customers == 30_000)
    }

    @Test func jsonlImportReadsSegmentMessages() async throws {
        let dir = TemporaryDirectory()
        let lines = [
            #"{"type":"identify","userId":"u1","traits":{"email":"a@b.c"},"timestamp":"2026-01-01T00:00:00Z","messageId":"x1"}"#,
            #"{"type":"track","userId":"u1","event":"Order Completed","properties":{"order_id":"o1","total":9},"timestamp":"2026-01-02T00:00:00Z"}"#,
            "",
            #"{"event":"Viewed","anonymousId":"a1","timestamp":"2026-01-02T00:00:00Z"}"#,
        ]
        let file = dir.file("e.jsonl", lines.joined(separator: "\n"))
        let store = try SQLiteStore.inMemory()
        let importer = FileImporter(options: ImportOptions(format: .jsonl))
        #expect(try await importer.run(path: file, into: store).stored == 3)
        #expect(try await importer.run(path: file, into: store).duplicates == 3)
        #expect(try await store.counts().orders == 1)
        let bad = dir.file("bad.jsonl", lines[0] + "\n{\"type\":\"track\",\"userId\":\"u\"}\n{oops\n")
        do {
            _ = try await importer.run(path: bad, into: try SQLiteStore.inMemory())
            Issue.record("expected failure")
        } catch let failure as ImportFailure {
            guard case .badRow(let row, _) = failure else { return }
            #expect(row.line == 2 && row.reason.contains("event"))
        }
        let skipped = try await FileImporter(options: ImportOptions(format: .jsonl, skipBadRows: true)).run(path: bad, into: try SQLiteStore.inMemory())
        #expect(skipped.stored == 1 && skipped.badRows.map(\.line) == [2, 3])
        // Each kind of bad record is named: not an object, an unknown type, not JSON, a bad field.
        let kinds = dir.file("kinds.jsonl", [
            "[1, 2]", #"{"type":"purchase","userId":"u"}"#, #"{"type":"track","userId":"u","event":"E"} trailing"#,
            #"{"type":"track","userId":"u","event":"E","timestamp":"soon"}"#, lines[1],
        ].joined(separator: "\n"))
        let report = try await FileImporter(options: ImportOptions(format: .jsonl, skipBadRows: true)).run(path: kinds, into: try SQLiteStore.inMemory())
        #expect(report.stored == 1 && report.badRows.map(\.line) == [1, 2, 3, 4])
        let reasons = report.badRows.map(\.reason)
        #expect(reasons[0] == "must be a JSON object")
        #expect(reasons[1].hasPrefix("`type` must be identify"))
        #expect(reasons[2].hasPrefix("not valid JSON"))
        #expect(reasons[3].hasPrefix("invalid_timestamp") && reasons[3].contains("timestamp"))
    }

    @Test func missingFileAndColumnsAreClearErrors() async throws {
        let store = try SQLiteStore.inMemory()
        await #expect(throws: ImportFailure.self) {
            try await FileImporter(options: ImportOptions(format: .csv, mapping: mapping)).run(path: "/nonexistent/file.csv", into: store)
        }
        let dir = TemporaryDirectory()
        let file = dir.file("t.csv", "id,when\n1,2026-01-01\n")
        do {
            _ = try await FileImporter(options: ImportOptions(format: .csv, mapping: mapping)).run(path: file, into: store)
        } catch {
            #expect("\(error)".contains("customer") && "\(error)".contains("id, when"))
        }
    }

    /// CDNOW master log (Fader & Hardie): 23,570 customers, 69,659 transactions.
    @Test func importsTheCDNOWLog() async throws {
        guard let path = referenceData("cdnow/CDNOW_master.txt") else {
            if referenceDataRequired { Issue.record("CDNOW_master.txt missing: run scripts/fetch-reference-data.sh") }
            return
        }
        let store = try SQLiteStore.inMemory()
        let options = ImportOptions(
            format: .csv,
            mapping: TransactionMapping(customerColumn: "customer_id", dateColumn: "date", amountColumn: "dollar_value", dateFormat: .yyyyMMdd),
            delimiter: .whitespace)
        let report = try await FileImporter(options: options).run(path: path, into: store)
        #expect(report.records == 69_659 && report.stored == 69_659)
        let counts = try await store.counts()
        #expect(counts.customers == 23_570 && counts.events == 69_659 && counts.orders == 69_659)
        #expect(counts.firstEvent == at("1997-01-01") && counts.lastEvent == at("1998-06-30"))
    }
}
