import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TenureCore
import TenureStore

extension IngestBenchmark {
    /// HTTP ingestion: `tenure serve` on a fresh database, wrk sending `scripts/bench/segment_batch.lua`'s
    /// 100-event `/v1/batch` requests for `seconds`; a figure only when every response was 2xx and
    /// every acknowledged event is stored.
    static func measureHTTP(_ options: Options, seconds httpSeconds: Int, into record: inout BenchRecord) async throws {
        guard let wrk = BenchPeers.executable("wrk") else {
            print("http: " + (try BenchPeers.missing("wrk", install: "apt-get install wrk", required: options.requirePeers)))
            return
        }
        let connections = options.connections
        let script = try BenchPeers.script("bench/segment_batch.lua")
        let database = options.folder + "/bench-http.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let me = options.tenureExecutable
        guard let created = BenchPeers.run([me, "keys", "create", "--scope", "write", "--quiet", "--database", database])?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        else { throw BenchFailure("could not create a write key") }
        let key = options.writeKey ?? created
        let port = 18_765
        let server = Process()
        server.executableURL = URL(fileURLWithPath: me)
        server.arguments = ["serve", "--database", database, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
        }
        try await BenchPeers.waitForPort(port, process: server)
        let auth = Data((key + ":").utf8).base64EncodedString()
        let load = BenchMachine.loadAverage()
        let cpuBefore = cpuSeconds(of: server.processIdentifier)
        guard let text = BenchPeers.run(
            [wrk, "-t2", "-c\(connections)", "-d\(httpSeconds)s", "--latency", "-s", script, "http://127.0.0.1:\(port)"],
            environment: ["TENURE_AUTH": auth, "TENURE_RUN": String(UInt32.random(in: 0 ... .max))])
        else { throw BenchFailure("wrk failed to run") }
        let cpuAfter = cpuSeconds(of: server.processIdentifier)
        let output = WrkOutput(text)
        let total = output.requests, non2xx = output.non2xx
        // Every acknowledged event must be in the store; the only others stored are those of the
        // requests cut off when wrk stopped (at most one per connection, 100 events each).
        server.terminate()
        server.waitUntilExit()
        let stored = try await SQLiteStore(path: database).counts().events
        let acknowledged = (total - non2xx) * 100
        guard total > 0 else { throw BenchFailure("wrk completed no request:\n\(text)") }
        guard non2xx == 0 else {
            throw BenchFailure("\(non2xx) of \(total) HTTP responses were not 2xx (a refused write key, or a server error); no figure is reported")
        }
        if let socketErrors = output.socketErrors { throw BenchFailure("wrk reported \(socketErrors)") }
        guard stored >= acknowledged, stored - acknowledged <= connections * 100, stored % 100 == 0 else {
            throw BenchFailure(
                "\(acknowledged) events were acknowledged but \(stored) are stored "
                    + "(at most \(connections * 100) more, from requests cut off at the end, may be)")
        }
        let p50 = output.latency("50%"), p99 = output.latency("99%")
        let cpu = cpuBefore.flatMap { before in cpuAfter.map { String(format: "%.1f s", $0 - before) } } ?? "?"
        print("http /v1/batch (100 events each, \(connections) connections): \(ProgressLine.grouped(Int(output.requestsPerSecond * 100))) events/s sustained, batch latency p50 \(p50) p99 \(p99), 0 non-2xx; server CPU \(cpu) in \(httpSeconds) s, load average \(load.map { String($0) } ?? "?") before")
        print("acknowledged events \(ProgressLine.grouped(acknowledged)); stored \(ProgressLine.grouped(stored)) (\((stored - acknowledged) / 100) requests cut off when wrk stopped were committed too)")
        var figures = [
            "events_per_second": output.requestsPerSecond * 100, "seconds": Double(httpSeconds), "connections": Double(connections),
            "acknowledged_events": Double(acknowledged), "stored_events": Double(stored),
        ]
        if let p50 = WrkOutput.milliseconds(p50) { figures["batch_p50_ms"] = p50 }
        if let p99 = WrkOutput.milliseconds(p99) { figures["batch_p99_ms"] = p99 }
        if let before = cpuBefore, let after = cpuAfter { figures["server_cpu_seconds"] = after - before }
        record.add(
            "ingest.http", command: "tenure bench ingest --events 1000 --customers 100 --http-seconds \(httpSeconds) --connections \(connections)",
            loadAverageBefore: load, figures: figures)
    }

    /// User plus system CPU time the process has used (Linux `/proc`), in seconds.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return nil }
        // Fields 14 and 15 (utime, stime), counted after the parenthesized command name (field 2).
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
