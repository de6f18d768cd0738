import Foundation
import HTTPTypes
import Hummingbird
import TenureCore

/// An error answered as JSON `{code, message, index?, field?}`, the shape Segment's clients read.
/// A batch some of whose records the value policy refused adds `rejected` (one entry per refused
/// record) and what was stored of the rest (`stored`, `duplicates`).
public struct APIError: HTTPResponseError, Encodable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var index: Int?
    public var field: String?
    public var rejected: [Rejection]?
    public var stored: Int?
    public var duplicates: Int?

    /// A record refused alone.
    public struct Rejection: Encodable, Sendable {
        public var index: Int?
        public var code: String
        public var field: String?
        public var message: String
    }

    public init(status: HTTPResponse.Status, code: String, message: String, index: Int? = nil, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.index = index
        self.field = field
    }

    init(_ error: IngestError) {
        let status: HTTPResponse.Status = error.code == .requestTooLarge ? .contentTooLarge : .badRequest
        self.init(status: status, code: error.code.rawValue, message: error.message, index: error.index, field: error.field)
    }

    /// The records of a batch that the value policy refused, the rest having been stored: a 400
    /// whose `code`, `message`, `index` and `field` are the first refusal's.
    init(rejected: [IngestError], stored: Int, duplicates: Int) {
        let first = rejected[0]
        let more = rejected.count > 1 ? " (and \(rejected.count - 1) more records refused; see `rejected`)" : ""
        self.init(
            status: .badRequest, code: first.code.rawValue,
            message: first.message + more + "; the other \(stored + duplicates) records were accepted", index: first.index,
            field: first.field)
        self.rejected = rejected.map { Rejection(index: $0.index, code: $0.code.rawValue, field: $0.field, message: $0.message) }
        self.stored = stored
        self.duplicates = duplicates
    }

    /// No key, or an unknown one, on a tracking route.
    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "missing or unknown API key: send a write key as the HTTP Basic username or as `writeKey` in the body")

    /// No key, or an unknown one, where `scope` is needed.
    static func unauthorized(needing scope: APIKeyScope) -> APIError {
        guard scope == .admin else { return unauthorized }
        return APIError(
            status: .unauthorized, code: "unauthorized",
            message: "missing or unknown API key: send an admin key as `Authorization: Bearer <key>` (tenure keys create --scope admin)")
    }

    static let forbidden = APIError(status: .forbidden, code: "forbidden", message: "this API key's scope does not allow this; use an admin key")

    enum CodingKeys: String, CodingKey {
        case code, message, index, field, rejected, stored, duplicates
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(self)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Basic realm=\"tenure\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
