import Foundation
import Testing
import TenureCore

/// A 100,000-customer campaign from `tenure serve` to a webhook sink on loopback, with the server
/// killed (SIGKILL) again and again while it enrols, runs steps and sends: after the restarts,
/// every customer outside the holdout got exactly one message (one message id), and no held-out
/// customer got any. A message the server sent but died before recording is sent again with the
/// same id, which the receiver deduplicates on; that is counted, not hidden.
@Suite struct JourneyCrashTests {
    static let customers = 100_000

    /// The sink: `scripts/e2e/webhook_sink.py`, verifying signatures, writing a line per message.
    final class Sink {
        let process = Process()
        private(set) var port = 0
        let output: String

        init(output: String, secret: String) throws {
            self.output = output
            var root = URL(fileURLWithPath: #filePath)
            for _ in 0..<3 { root.deleteLastPathComponent() }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", root.appendingPathComponent("scripts/e2e/webhook_sink.py").path, output, "--secret", secret]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var buffer = Data()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                if let text = String(data: buffer, encoding: .utf8), let line = text.split(separator: "\n").first, line.hasPrefix("listening on "),
                    let p = Int(line.dropFirst("listening on ".count))
                {
                    port = p
                    return
                }
            }
            process.terminate()
            throw TenureBinary.CommandFailed(args: ["webhook_sink.py"], status: -1, output: String(decoding: buffer, as: UTF8.self))
        }

        /// Lines received: (message id, user id). Parsed byte by byte: a debug build's string
        /// splitting is too slow to run twice a second over 100,000 lines.
        func received() -> [(key: String, user: String)] {
            guard let data = FileManager.default.contents(atPath: output) else { return [] }
            var out: [(key: String, user: String)] = []
            out.reserveCapacity(data.count / 24)
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                var lineStart = 0, tab = -1
                for i in 0..<bytes.count {
                    if bytes[i] == 9 { tab = i } else if bytes[i] == 10 {
                        if tab > lineStart {
                            out.append((String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<tab]), as: UTF8.self),
                                        String(decoding: UnsafeBufferPointer(rebasing: bytes[(tab + 1)..<i]), as: UTF8.self)))
                        }
                        lineStart = i + 1
                        tab = -1
                    }
                }
            }
            return out
        }

        /// SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM, and a
        /// sink that ignored it would keep the test waiting for ever.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test(.timeLimit(.minutes(10))) func killedAgainAndAgainEveryCustomerGetsExactlyOneMessage() async throws {
        guard Peer.executable("python3", install: "apt-get install python3") else { return }
        let folder = TemporaryFolder()
        let database = folder.path + "/campaign.sqlite"
        let secret = "test-secret-\(UUID().uuidString)"
        let sink = try Sink(output: folder.path + "/received.tsv", secret: secret)
        defer { sink.stop() }
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let journey = folder.path + "/welcome.json"
        try Data(#"""
            {"name": "Welcome", "holdout": 0.1, "trigger": {"event": "Signed Up"},
             "steps": [{"id": "hello", "send": {"channel": "webhook", "template": "welcome"}}]}
            """#.utf8).write(to: URL(fileURLWithPath: journey))
        #expect(try TenureBinary.run(["journeys", "create", journey, "--database", database]).contains("created journey"))
        let arguments = ["--webhook", "http://127.0.0.1:\(sink.port)/hook", "--webhook-batch", "50", "--rescore-minutes", "0"]
        let environment = ["TENURE_WEBHOOK_SECRET": secret]

        // Every customer signs up, to a server that runs no journeys, so that the kills below
        // land while the campaign enrols, runs steps and sends.
        let ingestion = try ServerProcess(database: database, arguments: ["--no-journeys", "--rescore-minutes", "0"])
        let now = ISO8601Timestamp.format(Date())
        for start in stride(from: 0, to: Self.customers, by: 2_000) {
            let items = (start..<min(start + 2_000, Self.customers)).map {
                #"{"type":"track","userId":"c\#($0)","event":"Signed Up","messageId":"signup-\#($0)","timestamp":"\#(now)"}"#
            }
            let status = await ServerProcess.post(ingestion.baseURL + "/v1/batch", writeKey: writeKey, body: Data(("{\"batch\":[" + items.joined(separator: ",") + "]}").utf8))
            try #require(status == 200)
        }
        ingestion.stop()
        var server = try ServerProcess(database: database, arguments: arguments, environment: environment)
        let expected = Set((0..<Self.customers).map { "c\($0)" }.filter { !JourneyHoldout.isHeldOut(customer: $0, journey: "Welcome", share: 0.1) })

        // Kill it six times while it works (enrolling, running steps, sending), restarting at
        // once each time; then let it finish.
        func note(_ text: String) { FileHandle.standardError.write(Data("journey crash test: \(text)\n".utf8)) }
        var kills = 0
        var lastCount = -1, countAtLastKill = 0
        var startedAt = Date()
        let deadline = Date().addingTimeInterval(480)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(kills < 6 ? 100 : 1_000))
            let lines = sink.received()
            // Two kills while it enrols (by time), then four while it sends (each after more arrived).
            let due = kills < 2 ? Date().timeIntervalSince(startedAt) > 0.4 : kills < 6 && lines.count >= countAtLastKill + 5_000
            if due {
                server.kill()
                kills += 1
                countAtLastKill = lines.count
                note("killed \(kills) times, \(lines.count) deliveries so far")
                server = try ServerProcess(database: database, arguments: arguments, environment: environment)
                startedAt = Date()
            } else if kills >= 6 || Date().timeIntervalSince(startedAt) > 60 {
                let users = Set(lines.map(\.user)).count
                if users >= expected.count, lines.count == lastCount { break }
                lastCount = lines.count
            }
        }
        server.stop()

        let received = sink.received()
        var keysByUser: [String: Set<String>] = [:]
        for (key, user) in received { keysByUser[user, default: []].insert(key) }
        let users = Set(keysByUser.keys)
        let twice = keysByUser.filter { $0.value.count > 1 }
        let resent = received.count - keysByUser.values.reduce(0) { $0 + $1.count }
        note("\(kills) kills, \(received.count) deliveries, \(users.count) customers, \(resent) resent with the same id")
        #expect(kills == 6)
        #expect(twice.isEmpty, "customers with two different messages: \(twice.prefix(5))")
        #expect(users.subtracting(expected).isEmpty, "held-out customers who got a message: \(users.subtracting(expected).prefix(5))")
        #expect(expected.subtracting(users).isEmpty, "\(expected.subtracting(users).count) customers got no message")
        let report = try TenureBinary.run(["journeys", "report", "Welcome", "--database", database])
        #expect(report.contains("sent \(expected.count)"), "\(report)")
    }
}
