import Foundation
import HTTPTypes
import Hummingbird
import TenureCore

/// An error answered as JSON `{code, message, index?, field?}`, the shape Segment's clients read.
public struct APIError: HTTPResponseError, Encodable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var index: Int?
    public var field: String?

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

    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "missing or unknown API key: send a write key as the HTTP Basic username or as `writeKey` in the body")

    static let forbidden = APIError(status: .forbidden, code: "forbidden", message: "this API key's scope does not allow this; use an admin key")

    enum CodingKeys: String, CodingKey {
        case code, message, index, field
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
