import Foundation
import TenureChannels
import TenureCore

/// `tenure bench send`: N messages (50,000 by default) through the sending channels to sinks on
/// loopback, counted by the sinks (duplicates by Message-ID or message id, and misses):
/// - email: `SMTPChannel` with a pool of sessions (pipelined) to aiosmtpd
///   (`scripts/e2e/smtp_sink.py`), beside the peer bound: the same N messages of the same size
///   through the same aiosmtpd from Python's smtplib over as many sessions
///   (`scripts/bench/smtp_peer_client.py`), so what the server itself takes is known;
/// - webhook: `WebhookChannel` (batches of 100) to `scripts/e2e/webhook_sink.py`.
public enum SendBenchmark {
    public struct Options: Sendable {
        public var messages = 50_000
        /// 5,000 messages.
        public var quick = false
        /// SMTP sessions, for Tenure and the peer alike.
        public var connections = 8
        /// Messages handed to a channel at once (the outbox dispatcher's batch).
        public var batch = 2_000
        /// Messages per webhook request.
        public var webhookBatch = 100
        public init() {}
    }

    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        let n = options.quick ? 5_000 : options.messages
        print(BenchMachine.summary)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-bench-send-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = "tenure bench send" + (options.quick ? " --quick" : " --messages \(n)") + " --connections \(options.connections)"

        // Email through SMTPChannel.
        let load = BenchMachine.loadAverage()
        let tenureFolder = folder.appendingPathComponent("tenure")
        let sink = try LoopbackSinkProcess(script: "e2e/smtp_sink.py", arguments: [tenureFolder.path, "--index-only"])
        let from = try EmailAddress("news@shop.example", name: "Shop")
        let renderer = EmailPayloadRenderer(from: from, listUnsubscribe: ["https://shop.example/unsubscribe?u={user_id}", "mailto:unsubscribe@shop.example"])
        let channel = try SMTPChannel(.init(host: "127.0.0.1", port: sink.port, startTLS: .never, connections: options.connections), renderer: renderer)
        let messages = (0..<n).map { i in
            OutgoingMessage(idempotencyKey: "bench-\(i)", payload: payload(i))
        }
        // Rendering alone (payload JSON to the MIME text), to tell it from the SMTP sessions' share.
        let renderStarted = ContinuousClock.now
        var renderedBytes = 0
        for message in messages {
            renderedBytes += (try? renderer.email(for: message, at: Date()).rendered().utf8.count) ?? 0
        }
        let renderSeconds = (ContinuousClock.now - renderStarted).milliseconds / 1000
        let (emailSeconds, emailDelivered) = await send(messages, through: channel, batch: options.batch)
        await channel.shutdown()
        sink.stop()
        let (emailDuplicates, emailMissing) = count(lines: index(tenureFolder), expected: Set((0..<n).map { "<bench-\($0)@shop.example>" }))
        guard emailDelivered == n, emailDuplicates == 0, emailMissing == 0 else {
            throw BenchFailure("email: \(emailDelivered) of \(n) delivered; the sink counted \(emailDuplicates) duplicates and \(emailMissing) missing")
        }

        // The peer: the same messages, same size, same server, from smtplib.
        let peerLoad = BenchMachine.loadAverage()
        let peerFolder = folder.appendingPathComponent("peer")
        let peerSink = try LoopbackSinkProcess(script: "e2e/smtp_sink.py", arguments: [peerFolder.path, "--index-only"])
        let sample = folder.appendingPathComponent("sample.eml")
        try Data(try renderer.email(for: messages[0], at: Date()).rendered().utf8).write(to: sample)
        let peerOutput = BenchPeers.run(["python3", try BenchPeers.script("bench/smtp_peer_client.py"), "\(peerSink.port)", "\(n)", "\(options.connections)", sample.path])
        peerSink.stop()
        guard let peerOutput, let peerJSON = try? JSONDecoder().decode([String: Double].self, from: Data(peerOutput.utf8)), let peerSeconds = peerJSON["seconds"] else {
            throw BenchFailure("the smtplib peer client failed: \(peerOutput ?? "no output")")
        }
        let (peerDuplicates, peerMissing) = count(lines: index(peerFolder), expected: Set((0..<n).map { "<peer-\($0)@shop.example>" }))

        let emailRate = Double(n) / emailSeconds, peerRate = Double(n) / peerSeconds
        print(String(format: "email: %@ messages through SMTPChannel (%d sessions, pipelined) to aiosmtpd in %.2f s: %.0f messages/s; %d duplicates, %d missing (counted by the sink)",
                     ProgressLine.grouped(n), options.connections, emailSeconds, emailRate, emailDuplicates, emailMissing))
        print(String(format: "  rendering alone (payload to MIME text, one core): %.2f s for %@ messages of %d bytes on average (%.0f messages/s)",
                     renderSeconds, ProgressLine.grouped(n), renderedBytes / max(1, n), Double(n) / renderSeconds))
        print(String(format: "  peer bound: smtplib (%d sessions) to the same aiosmtpd: %.2f s, %.0f messages/s; %d duplicates, %d missing",
                     options.connections, peerSeconds, peerRate, peerDuplicates, peerMissing))
        record.add(
            "send.email", command: command, loadAverageBefore: load,
            figures: [
                "messages": Double(n), "seconds": emailSeconds, "messages_per_second": emailRate, "duplicates": Double(emailDuplicates),
                "missing": Double(emailMissing), "connections": Double(options.connections), "render_only_seconds": renderSeconds,
                "message_bytes": Double(renderedBytes / max(1, n)),
            ],
            peer: .init(name: "aiosmtpd taking Python smtplib (load before: \(peerLoad.map { String(format: "%.1f", $0) } ?? "?"))", figures: [
                "messages": Double(n), "seconds": peerSeconds, "messages_per_second": peerRate, "duplicates": Double(peerDuplicates), "missing": Double(peerMissing),
            ]))

        // Webhook.
        let hookLoad = BenchMachine.loadAverage()
        let hookFile = folder.appendingPathComponent("hooks.tsv")
        let hookSink = try LoopbackSinkProcess(script: "e2e/webhook_sink.py", arguments: [hookFile.path])
        let webhook = WebhookChannel(.init(url: "http://127.0.0.1:\(hookSink.port)/hook", batchSize: options.webhookBatch, concurrency: 16))
        let (hookSeconds, hookDelivered) = await send(messages, through: webhook, batch: options.batch)
        hookSink.stop()
        let hookLines = ((try? String(contentsOf: hookFile, encoding: .utf8)) ?? "").split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        let (hookDuplicates, hookMissing) = count(lines: hookLines, expected: Set((0..<n).map { "bench-\($0)" }))
        guard hookDelivered == n, hookDuplicates == 0, hookMissing == 0 else {
            throw BenchFailure("webhook: \(hookDelivered) of \(n) delivered; the sink counted \(hookDuplicates) duplicates and \(hookMissing) missing")
        }
        let hookRate = Double(n) / hookSeconds
        print(String(format: "webhook: %@ messages through WebhookChannel (batches of %d, 16 requests in flight) in %.2f s: %.0f messages/s; %d duplicates, %d missing (counted by the sink)",
                     ProgressLine.grouped(n), options.webhookBatch, hookSeconds, hookRate, hookDuplicates, hookMissing))
        record.add(
            "send.webhook", command: command, loadAverageBefore: hookLoad,
            figures: [
                "messages": Double(n), "seconds": hookSeconds, "messages_per_second": hookRate, "duplicates": Double(hookDuplicates),
                "missing": Double(hookMissing), "batch": Double(options.webhookBatch),
            ])
    }

    /// A journey message's payload for customer `i`.
    static func payload(_ i: Int) -> Data {
        Data(#"""
            {"message_id":"bench-\#(i)","journey":"Bench campaign","journey_version":1,"step":"offer","template":"Spring offer: 20% off for you","topic":"offers","transactional":false,"channel":"email","customer":{"user_id":"c\#(i)","traits":{"email":"c\#(i)@example.com","name":"Customer \#(i)","plan":"pro","country":"FR"}},"created_at":"2026-12-04T12:00:00.000Z"}
            """#.utf8)
    }

    /// Hands the messages over in batches, as the outbox dispatcher does; the seconds taken and
    /// how many came back delivered.
    static func send(_ messages: [OutgoingMessage], through channel: some MessageChannel, batch: Int) async -> (Double, Int) {
        let started = ContinuousClock.now
        var delivered = 0
        for start in stride(from: 0, to: messages.count, by: max(1, batch)) {
            let outcomes = await channel.deliver(Array(messages[start..<min(start + batch, messages.count)]))
            delivered += outcomes.filter { $0 == .delivered }.count
        }
        return ((ContinuousClock.now - started).milliseconds / 1000, delivered)
    }

    /// The Message-IDs in a smtp_sink.py index.
    static func index(_ folder: URL) -> [String] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("index.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { String($0.split(separator: "\t", omittingEmptySubsequences: false).first ?? "") }
    }

    /// (ids received more than once, expected ids never received).
    static func count(lines: [String], expected: Set<String>) -> (duplicates: Int, missing: Int) {
        let unique = Set(lines)
        return (lines.count - unique.count, expected.subtracting(unique).count)
    }
}
