import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TenureCore
import TenureStore

/// The tracking API: Segment's HTTP Tracking API (`/v1/...`) and PostHog's capture endpoints.
/// Every 200 is sent only after the request's events are durably committed; a 400 that lists
/// `rejected` records was sent after the batch's other records were committed.
public struct IngestController: Sendable {
    let queue: IngestQueue
    let authenticator: APIKeyAuthenticator
    let limits: IngestLimits

    public init(queue: IngestQueue, authenticator: APIKeyAuthenticator, limits: IngestLimits = .segment) {
        self.queue = queue
        self.authenticator = authenticator
        self.limits = limits
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        for kind in Message.Kind.allCases {
            router.post("/v1/\(kind.rawValue)") { request, context in
                try await segment(request, context: context, kind: kind)
            }
        }
        router.post("/v1/batch") { request, context in
            try await segment(request, context: context, kind: nil)
        }
        // Segment's older clients post to /v1/import for historical batches.
        router.post("/v1/import") { request, context in
            try await segment(request, context: context, kind: nil)
        }
        for path in ["/batch", "/capture", "/e", "/i/v0/e", "/track"] {
            router.post(RouterPath(path)) { request, context in
                try await postHog(request, context: context)
            }
        }
    }

    @Sendable func segment(_ request: Request, context: TenureRequestContext, kind: Message.Kind?) async throws -> Response {
        let outcome = try await ingest(request, context: context) { body, limits throws(IngestError) in
            try SegmentParser.parse(body: body, kind: kind, receivedAt: Date(), limits: limits)
        }
        return Self.json(#"{"success":true,"stored":\#(outcome.stored),"duplicates":\#(outcome.duplicates)}"#)
    }

    @Sendable func postHog(_ request: Request, context: TenureRequestContext) async throws -> Response {
        _ = try await ingest(request, context: context) { body, limits throws(IngestError) in
            try PostHogParser.parse(body: body, receivedAt: Date(), limits: limits)
        }
        return Self.json(#"{"status":1}"#)
    }

    /// Authenticates (header key first, so an unknown key is refused before the body is read;
    /// else the key in the body), parses with `parse`, and stores durably.
    private func ingest(
        _ request: Request, context: TenureRequestContext, parse: (Data, IngestLimits) throws(IngestError) -> IngestRequest
    ) async throws -> IngestOutcome {
        let headerSecret = Credentials.secret(from: request.headers)
        if let headerSecret { try await requireWriteKey(headerSecret) }
        let body = try await readBody(request, context: context)
        let parsed: IngestRequest
        do {
            parsed = try parse(body, limits)
        } catch {
            throw APIError(error)
        }
        if headerSecret == nil {
            guard let bodyKey = parsed.writeKey else { throw APIError.unauthorized }
            try await requireWriteKey(bodyKey)
        }
        let outcome = parsed.messages.isEmpty ? IngestOutcome(stored: 0, duplicates: 0) : try await store(parsed.messages, context: context)
        guard parsed.rejected.isEmpty else {
            throw APIError(rejected: parsed.rejected, stored: outcome.stored, duplicates: outcome.duplicates)
        }
        return outcome
    }

    private func store(_ messages: [Message], context: TenureRequestContext) async throws -> IngestOutcome {
        do {
            // Prepared here, on the request's task, so the single writer has less to do.
            return try await queue.submit(PreparedMessages(messages))
        } catch {
            context.logger.error("could not store events", metadata: ["error": "\(error)"])
            throw APIError(status: .serviceUnavailable, code: "store_unavailable", message: "events could not be stored; retry later")
        }
    }

    private func requireWriteKey(_ secret: String) async throws {
        // Admin keys may send events too (`APIKeyScope.allows`).
        guard let key = try await authenticator.authenticate(secret) else { throw APIError.unauthorized }
        guard key.scope.allows(.write) else { throw APIError.forbidden }
    }

    /// The body, decompressed by its `Content-Encoding` (``ContentDecoding``), within the request
    /// size limit: an unknown encoding is a 415, a broken or truncated stream a 400 `invalid_body`.
    private func readBody(_ request: Request, context: TenureRequestContext) async throws -> Data {
        let limit = limits.maxRequestBytes
        let tooLarge = APIError(
            status: .contentTooLarge, code: IngestError.Code.requestTooLarge.rawValue,
            message: "request body is larger than the limit of \(limit) bytes (500 KB)")
        let header = request.headers[.contentEncoding]
        guard var coding = ContentDecoding(header: header) else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_encoding",
                message: "Content-Encoding \"\(header?.prefix(40) ?? "")\" is not supported; send one of: \(ContentDecoding.supported)")
        }
        // PostHog's clients say `?compression=gzip-js` instead of the header.
        if coding == .identity, request.uri.queryParameters["compression"].map({ $0.hasPrefix("gzip") }) == true { coding = .gzip }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: coding == .identity ? limit : context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        guard coding != .identity else { return Data(buffer.readableBytesView) }
        let compressed = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            return Data(try coding.decode(compressed, limit: limit))
        } catch .tooLarge {
            throw tooLarge
        } catch .invalid(let reason) {
            throw APIError(status: .badRequest, code: "invalid_body", message: reason + "; nothing was stored")
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
