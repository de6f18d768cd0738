import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `/api/v1/segments`: saved segments over the admin JSON API (admin key).
///
/// - `GET /api/v1/segments`: every segment with its last recorded size;
/// - `POST /api/v1/segments` `{"name", "where": TEXT | "definition": JSON AST, "description"}`: save (201);
/// - `GET /api/v1/segments/:name`: one, with its daily size trend (`?days=`, default 30);
/// - `PUT /api/v1/segments/:name` `{"where" | "definition", "description"}`: change;
/// - `DELETE /api/v1/segments/:name`;
/// - `GET /api/v1/segments/:name/members?offset=&limit=` (default 100, at most 10,000): members
///   evaluated on the current snapshot, with `total`; `&format=csv` for a CSV of all of them;
/// - `POST /api/v1/segments/count` `{"where" | "definition"}`: a preview, `{count, customers, sample}`.
///
/// An invalid expression is a 400 with `code: "invalid_expression"`, the `reason`, and `line` and
/// `column` (text form) or `path` (JSON form) and the `token`.
public struct SegmentsController: Sendable {
    let store: any SegmentStore & SegmentPopulationSource & EventStore
    let cache: SnapshotCache
    let scores: RiskScores?
    let authenticator: APIKeyAuthenticator
    let clock: any WallClock

    public init(
        store: any SegmentStore & SegmentPopulationSource & EventStore, cache: SnapshotCache, scores: RiskScores?,
        authenticator: APIKeyAuthenticator, clock: any WallClock = SystemWallClock()
    ) {
        self.store = store
        self.cache = cache
        self.scores = scores
        self.authenticator = authenticator
        self.clock = clock
    }

    struct Body: Decodable {
        var name: String?
        var `where`: String?
        var definition: SegmentExpression?
        var description: String?
    }

    struct ExpressionError: Encodable {
        var code = "invalid_expression"
        var reason: String
        var message: String
        var line: Int?
        var column: Int?
        var path: String?
        var token: String
    }

    struct Listing: Encodable {
        var segments: [SavedSegment]
    }

    struct Detail: Encodable {
        var segment: SavedSegment
        /// The definition in the JSON form.
        var expression: SegmentExpression
        var sizes: [Size]
        struct Size: Encodable {
            var day: String
            var members: Int
        }
    }

    struct Member: Encodable {
        var customerId: Int64
        var userId: String?
    }

    struct MembersPage: Encodable {
        var segment: String
        var total: Int
        var offset: Int
        var limit: Int
        var members: [Member]
    }

    struct Preview: Encodable {
        var count: Int
        var customers: Int
        var definition: String
        var sample: [Member]
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/segments")
        group.get { request, _ in
            let _ = try await admin(request)
            return try AdminController.encode(Listing(segments: try await store.segments()))
        }
        group.post { request, context in
            let key = try await admin(request)
            let body = try await decode(request, context)
            guard let name = body.name else { throw APIError(status: .badRequest, code: "invalid_field", message: "`name` is required", field: "name") }
            let known = Set(try await store.segments().map(\.name))
            let e = try expression(body, known: known)
            do {
                let saved = try await store.createSegment(name: name, definition: e.description, description: body.description ?? "", by: key.name)
                var response = try AdminController.encode(saved)
                response.status = .created
                return response
            } catch let error as SegmentStoreError {
                throw Self.apiError(error)
            }
        }
        group.post("/count") { request, context in
            let _ = try await admin(request)
            let body = try await decode(request, context)
            let e = try expression(body, known: Set(try await store.segments().map(\.name)))
            let (members, snapshot) = try await evaluate(e)
            let sampleIds = Array(SegmentMembership.storeIds(members, in: snapshot).prefix(20))
            return try AdminController.encode(Preview(
                count: members.count, customers: snapshot.customerIds.count, definition: e.description,
                sample: try await memberRows(sampleIds)))
        }
        group.get("/:name") { request, context in
            let _ = try await admin(request)
            let s = try await segment(context)
            let days = min(max(request.uri.queryParameters.get("days", as: Int.self) ?? 30, 1), 3660)
            let sizes = try await store.segmentSizes(of: s.id, days: days).map { Detail.Size(day: DayNumber.isoString($0.day), members: $0.members) }
            return try AdminController.encode(Detail(segment: s, expression: try s.expression(), sizes: sizes))
        }
        group.put("/:name") { request, context in
            let key = try await admin(request)
            let s = try await segment(context)
            let body = try await decode(request, context)
            let e = try expression(body, known: Set(try await store.segments().map(\.name)).subtracting([s.name]))
            do {
                return try AdminController.encode(
                    try await store.updateSegment(name: s.name, definition: e.description, description: body.description, by: key.name))
            } catch let error as SegmentStoreError {
                throw Self.apiError(error)
            }
        }
        group.delete("/:name") { request, context in
            let _ = try await admin(request)
            let name = try Self.name(context)
            do {
                guard try await store.deleteSegment(named: name) else { throw Self.apiError(.noSuchSegment(name)) }
            } catch let error as SegmentStoreError {
                throw Self.apiError(error)
            }
            return Response(status: .noContent)
        }
        group.get("/:name/members") { request, context in
            let _ = try await admin(request)
            let s = try await segment(context)
            let (members, snapshot) = try await evaluate(try s.expression(knownSegments: nil))
            let ids = SegmentMembership.storeIds(members, in: snapshot)
            if request.uri.queryParameters.get("format") == "csv" {
                var csv = "customer_id,user_id\n"
                for chunk in stride(from: 0, to: ids.count, by: 10_000) {
                    let part = Array(ids[chunk..<min(chunk + 10_000, ids.count)])
                    for (id, user) in zip(part, try await store.userIds(of: part)) { csv += "\(id),\(Self.csv(user ?? ""))\n" }
                }
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"segment-\(s.id).csv\""
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
            let offset = max(request.uri.queryParameters.get("offset", as: Int.self) ?? 0, 0)
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 10_000)
            let page = Array(ids.dropFirst(offset).prefix(limit))
            return try AdminController.encode(MembersPage(
                segment: s.name, total: ids.count, offset: offset, limit: limit, members: try await memberRows(page)))
        }
    }

    private func admin(_ request: Request) async throws -> APIKey {
        try await authenticator.require(.admin, headers: request.headers)
    }

    private func decode(_ request: Request, _ context: TenureRequestContext) async throws -> Body {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as SegmentExpressionError {
            throw ExpressionFailure(error)
        } catch {
            throw APIError(status: .badRequest, code: "invalid_json", message: "the body must be a JSON object: \(error)")
        }
    }

    private func expression(_ body: Body, known: Set<String>) throws -> SegmentExpression {
        if let text = body.where {
            do {
                return try SegmentExpression(parsing: text, knownSegments: known)
            } catch {
                throw ExpressionFailure(error)
            }
        }
        guard let definition = body.definition else {
            throw APIError(status: .badRequest, code: "invalid_field", message: "give the expression as `where` (text) or `definition` (JSON)", field: "where")
        }
        // A JSON definition is validated as decoded; references are checked here.
        for name in SegmentRequirements(definition).segments where !known.contains(name) {
            throw APIError(status: .badRequest, code: "invalid_expression", message: "unknown segment \(SegmentTextForm.quoted(name))", field: "definition")
        }
        return definition
    }

    private func segment(_ context: TenureRequestContext) async throws -> SavedSegment {
        let name = try Self.name(context)
        guard let s = try await store.segment(named: name) else { throw Self.apiError(.noSuchSegment(name)) }
        return s
    }

    /// Members of `expression` (and the saved segments it refers to) on today's snapshot.
    private func evaluate(_ expression: SegmentExpression) async throws -> (SegmentMembers, StoreSnapshot) {
        var definitions = try SegmentMembership.expressions(of: try await store.segments())
        let preview = "\u{0}preview"
        definitions[preview] = expression
        let snapshot = try await cache.current()
        let customerScores = await scores?.latest?.customerScores(for: snapshot)
        let (members, _) = try await SegmentMembership.evaluate(
            definitions, source: store, snapshot: snapshot, asOf: DayNumber.day(of: clock.now()), scores: customerScores)
        return (members[preview]!, snapshot)
    }

    private func memberRows(_ ids: [Int64]) async throws -> [Member] {
        zip(ids, try await store.userIds(of: ids)).map { Member(customerId: $0, userId: $1) }
    }

    /// The `:name` path parameter, percent-decoded (names hold spaces and quotes).
    static func name(_ context: TenureRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        return raw.removingPercentEncoding ?? raw
    }

    static func csv(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func apiError(_ error: SegmentStoreError) -> APIError {
        switch error {
        case .segmentExists: APIError(status: .conflict, code: "segment_exists", message: error.description, field: "name")
        case .noSuchSegment: APIError(status: .notFound, code: "not_found", message: error.description)
        case .invalidName: APIError(status: .badRequest, code: "invalid_field", message: error.description, field: "name")
        case .usedBy: APIError(status: .conflict, code: "segment_in_use", message: error.description)
        }
    }

    /// A refused expression as a 400 naming its position and token.
    struct ExpressionFailure: HTTPResponseError {
        var error: SegmentExpressionError
        init(_ error: SegmentExpressionError) { self.error = error }
        var status: HTTPResponse.Status { .badRequest }
        func response(from request: Request, context: some RequestContext) throws -> Response {
            let body = ExpressionError(
                reason: error.reason.rawValue, message: error.message, line: error.line, column: error.column, path: error.jsonPath, token: error.token)
            var response = try AdminController.encode(body)
            response.status = .badRequest
            return response
        }
    }
}
