import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TenureCore
import TenureStore

/// The tracking API: Segment's HTTP Tracking API (`/v1/...`) and PostHog's capture endpoints.
/// Every 200 is sent only after the request's events are durably committed.
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
        return try await store(parsed.messages, context: context)
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

    /// The body, decompressed when the client sent gzip, within the request size limit.
    private func readBody(_ request: Request, context: TenureRequestContext) async throws -> Data {
        let limit = limits.maxRequestBytes
        let tooLarge = APIError(
            status: .contentTooLarge, code: IngestError.Code.requestTooLarge.rawValue,
            message: "request body is larger than the limit of \(limit) bytes (500 KB)")
        let encoding = request.headers[.contentEncoding]?.lowercased()
        let gzipQuery = request.uri.queryParameters["compression"].map { $0.hasPrefix("gzip") } ?? false
        let compressed = encoding == "gzip" || encoding == "deflate" || gzipQuery
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: compressed ? context.maxUploadSize : limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        if compressed {
            do {
                buffer = try buffer.decompress(with: encoding == "deflate" ? .zlib() : .gzip(), maxSize: limit + 1)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw tooLarge
            } catch {
                throw APIError(status: .badRequest, code: "invalid_encoding", message: "body is not valid \(encoding ?? "gzip") data")
            }
            if buffer.readableBytes > limit { throw tooLarge }
        }
        return Data(buffer.readableBytesView)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
