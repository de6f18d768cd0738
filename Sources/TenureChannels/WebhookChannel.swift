import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import TenureCore

/// Delivers messages by HTTP POST with async-http-client: the message's JSON as the body, its
/// idempotency key in `Idempotency-Key`, and, with a secret, an HMAC-SHA256 signature of the
/// timestamp and body in `Tenure-Signature: t=<unix seconds>,v1=<hex>` (the receiver checks it
/// and refuses old timestamps, which stops replays). With `batchSize` above 1, up to that many
/// messages go in one request as `{"messages": [...]}` (each with its own `message_id`), for
/// receivers that take batches; a batch succeeds or fails as a whole.
///
/// 2xx is delivered; 408, 429, 5xx, a timeout or a failed connection are retried; any other
/// 4xx is rejected for good.
public struct WebhookChannel: MessageChannel {
    public struct Configuration: Sendable {
        /// Where messages are posted (a webhook step's own URL overrides it).
        public var url: String
        /// The HMAC key of the signature header; nil sends no signature.
        public var secret: String?
        /// Messages per request: 1 posts each message alone.
        public var batchSize: Int
        /// Requests in flight at once.
        public var concurrency: Int
        public var timeout: TimeAmount

        public init(url: String, secret: String? = nil, batchSize: Int = 1, concurrency: Int = 32, timeout: TimeAmount = .seconds(10)) {
            self.url = url
            self.secret = secret
            self.batchSize = max(1, batchSize)
            self.concurrency = max(1, concurrency)
            self.timeout = timeout
        }
    }

    public let configuration: Configuration
    let client: HTTPClient
    let clock: any WallClock

    public init(_ configuration: Configuration, client: HTTPClient = .shared, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.client = client
        self.clock = clock
    }

    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        // Requests: runs of messages for the same URL, at most `batchSize` each.
        var requests: [Range<Int>] = []
        var start = 0
        while start < messages.count {
            var end = start + 1
            while end < messages.count, end - start < configuration.batchSize, messages[end].url == messages[start].url { end += 1 }
            requests.append(start..<end)
            start = end
        }
        var outcomes = [DeliveryOutcome](repeating: .retry("not sent"), count: messages.count)
        await withTaskGroup(of: (Range<Int>, DeliveryOutcome).self) { group in
            var next = 0
            func add() {
                guard next < requests.count else { return }
                let range = requests[next]
                next += 1
                group.addTask { (range, await self.post(Array(messages[range]))) }
            }
            for _ in 0..<min(configuration.concurrency, requests.count) { add() }
            while let (range, outcome) = await group.next() {
                for i in range { outcomes[i] = outcome }
                add()
            }
        }
        return outcomes
    }

    /// The body of a request: one message's JSON, or a batch.
    func body(_ messages: [OutgoingMessage]) -> Data {
        if configuration.batchSize == 1, messages.count == 1 { return messages[0].payload }
        var data = Data(#"{"messages":["#.utf8)
        for (i, m) in messages.enumerated() {
            if i > 0 { data.append(UInt8(ascii: ",")) }
            data.append(m.payload)
        }
        data.append(contentsOf: Array("]}".utf8))
        return data
    }

    /// `t=<seconds>,v1=<hex HMAC-SHA256 of "<seconds>.<body>">`.
    public static func signature(body: Data, secret: String, at time: Date) -> String {
        let t = Int64(time.timeIntervalSince1970)
        var signed = Data("\(t).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(t),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    func post(_ messages: [OutgoingMessage]) async -> DeliveryOutcome {
        let body = body(messages)
        var request = HTTPClientRequest(url: messages[0].url ?? configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tenure")
        request.headers.add(name: "Idempotency-Key", value: messages.count == 1 ? messages[0].idempotencyKey : messages.map(\.idempotencyKey).joined(separator: ","))
        if let secret = configuration.secret {
            request.headers.add(name: "Tenure-Signature", value: Self.signature(body: body, secret: secret, at: clock.now()))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: configuration.timeout)
            // Read (and drop) the reply so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            switch code {
            case 200..<300: return .delivered
            case 408, 429, 500...: return .retry("HTTP \(code)")
            default: return .rejected("HTTP \(code)")
            }
        } catch {
            return .retry("\(error)")
        }
    }
}
