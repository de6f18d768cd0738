import Foundation
import Testing

/// `scripts/bench/render_benchmarks.py` rewrites BENCHMARKS.md's generated blocks from a record,
/// keeps the prose around them, and gives the same file when run again.
@Suite struct RenderBenchmarksTests {
    /// A record as `tenure bench all --quick --json` writes it: one benchmark with a peer, one without.
    static let record = #"""
        {
          "schema": "tenure-bench-record/1",
          "commit": "0123456789abcdef0123456789abcdef01234567",
          "started_at": "2026-12-05T10:00:00Z",
          "quick": true,
          "build": "release",
          "command": "tenure bench all --quick --json record.json",
          "machine": {"cores": 2, "memory_bytes": 25769803776, "system": "Debian 12"},
          "benchmarks": [
            {
              "name": "ingest.import",
              "command": "tenure bench ingest --events 100000 --customers 10000 --no-http",
              "load_average_before": 1.5,
              "figures": {"rows": 100000, "seconds": 0.1918, "rows_per_second": 521181.3, "peak_memory_mib": 289},
              "peer": {"name": "duckdb read_csv", "figures": {"rows": 100000, "seconds": 0.0435, "rows_per_second": 2298850.6}},
              "ratios": {"rows": 1, "seconds": 4.409, "rows_per_second": 0.2267}
            },
            {
              "name": "segments.evaluate",
              "command": "tenure bench segments --quick --runs 5",
              "figures": {"members": 1234, "evaluate_ms": 3.25},
              "ratios": {}
            }
          ]
        }
        """#

    static let prose = """
        # Benchmarks

        Hand-written prose before the record.

        <!-- generated:record -->
        stale
        <!-- end generated:record -->

        ## Ingestion

        Why the import is fast, in words.

        <!-- generated:ingest.import -->
        | figure | Tenure |
        |---|---:|
        | rows | 1 |
        <!-- end generated:ingest.import -->

        ## Segments

        <!-- generated:segments.evaluate -->
        <!-- end generated:segments.evaluate -->

        Closing prose.

        """

    /// Writes `record` and `document` into a new folder and renders; returns the status and the document after.
    static func render(record: String = record, document: String, extra: [String] = []) throws -> (status: Int32, text: String, folder: TemporaryFolder) {
        let folder = TemporaryFolder()
        try record.write(toFile: folder.path + "/record.json", atomically: true, encoding: .utf8)
        try document.write(toFile: folder.path + "/BENCHMARKS.md", atomically: true, encoding: .utf8)
        let status = try Peer.runScript(
            "bench/render_benchmarks.py", [folder.path + "/record.json", "--output", folder.path + "/BENCHMARKS.md"] + extra)
        return (status, try String(contentsOfFile: folder.path + "/BENCHMARKS.md", encoding: .utf8), folder)
    }

    @Test func tablesCarryTheRecordsNumbersAndTheProseStays() throws {
        // Given a document with prose and generated blocks, when it is rendered from the record…
        let (status, text, folder) = try Self.render(document: Self.prose)
        #expect(status == 0)
        // …then each table holds Tenure's figures, the peer's and their ratio, with where they came from.
        #expect(text.contains("| figure | Tenure | duckdb read_csv | Tenure ÷ peer |"), "\(text)")
        #expect(text.contains("| rows_per_second | 521,181 | 2,298,851 | 0.227× |"), "\(text)")
        #expect(text.contains("| seconds | 0.192 | 0.0435 | 4.41× |"), "\(text)")
        #expect(text.contains("| rows | 100,000 | 100,000 | 1× |"), "\(text)")
        #expect(text.contains("| peak_memory_mib | 289 | — | — |"), "\(text)")
        #expect(text.contains("| members | 1,234 |") && text.contains("| evaluate_ms | 3.25 |"), "\(text)")
        #expect(text.contains("`tenure bench ingest --events 100000 --customers 10000 --no-http`: quick run"), "\(text)")
        #expect(text.contains("commit `0123456789ab`") && text.contains("2 cores, 24.0 GiB, Debian 12"), "\(text)")
        #expect(text.contains("load average 1.50 before"), "\(text)")
        #expect(text.contains("Record of `tenure bench all --quick --json record.json`"), "\(text)")
        #expect(!text.contains("stale") && !text.contains("| rows | 1 |"), "\(text)")
        for line in ["Hand-written prose before the record.", "## Ingestion", "Why the import is fast, in words.", "Closing prose."] {
            #expect(text.contains(line))
        }
        // When it is rendered again from the same record, nothing changes.
        let again = try Peer.runScript(
            "bench/render_benchmarks.py", [folder.path + "/record.json", "--output", folder.path + "/BENCHMARKS.md"])
        #expect(again == 0)
        #expect(try String(contentsOfFile: folder.path + "/BENCHMARKS.md", encoding: .utf8) == text)
    }

    @Test func aBlockTheRecordLacksIsAnErrorAndTheFileStaysAsItWas() throws {
        let document = Self.prose + "<!-- generated:ingest.http -->\nold figures\n<!-- end generated:ingest.http -->\n"
        let (status, text, _) = try Self.render(document: document)
        #expect(status != 0)
        #expect(text == document)
    }

    @Test func aQuickRecordDoesNotReplaceFullSizeFiguresUnlessAllowed() throws {
        let full = Self.record.replacingOccurrences(of: #""quick": true"#, with: #""quick": false"#)
        let (status, fullText, folder) = try Self.render(record: full, document: Self.prose)
        #expect(status == 0 && fullText.contains("full-size run"))
        // A quick record over them is refused, and the figures stay…
        try Self.record.write(toFile: folder.path + "/record.json", atomically: true, encoding: .utf8)
        let arguments = [folder.path + "/record.json", "--output", folder.path + "/BENCHMARKS.md"]
        #expect(try Peer.runScript("bench/render_benchmarks.py", arguments) != 0)
        #expect(try String(contentsOfFile: folder.path + "/BENCHMARKS.md", encoding: .utf8) == fullText)
        // …unless asked for.
        #expect(try Peer.runScript("bench/render_benchmarks.py", arguments + ["--allow-quick"]) == 0)
        #expect(try String(contentsOfFile: folder.path + "/BENCHMARKS.md", encoding: .utf8).contains("quick run"))
    }

    @Test func aBenchmarkWithoutABlockGetsOneAtTheEnd() throws {
        let document = "# Benchmarks\n\nOnly prose.\n"
        let (status, text, _) = try Self.render(document: document)
        #expect(status == 0)
        #expect(text.hasPrefix(document))
        for name in ["record", "ingest.import", "segments.evaluate"] {
            #expect(text.contains("<!-- generated:\(name) -->") && text.contains("<!-- end generated:\(name) -->"), "\(text)")
        }
    }
}
