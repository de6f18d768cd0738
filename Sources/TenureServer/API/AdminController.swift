import Foundation
import HTTPTypes
import Hummingbird
import TenureCore
import TenureStore

/// The JSON API for admins (admin-scope key as Bearer token or Basic username).
public struct AdminController: Sendable {
    let store: any EventStore
    let authenticator: APIKeyAuthenticator

    public init(store: any EventStore, authenticator: APIKeyAuthenticator) {
        self.store = store
        self.authenticator = authenticator
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1")
        group.get("/summary") { request, context in
            try await requireAdmin(request)
            return try Self.encode(try await store.counts())
        }
        group.get("/customers/:userId") { request, context in
            try await requireAdmin(request)
            let userId = try context.parameters.require("userId")
            guard let profile = try await store.customer(userId: userId) else {
                throw APIError(status: .notFound, code: "not_found", message: "no customer with user id \"\(userId.prefix(200))\"")
            }
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 1000, 1), 10_000)
            let events = try await store.events(customerId: profile.id, limit: limit)
            return try Self.encode(CustomerResponse(customer: profile, events: events))
        }
    }

    struct CustomerResponse: Encodable {
        var customer: CustomerProfile
        var events: [StoredEvent]
    }

    private func requireAdmin(_ request: Request) async throws {
        _ = try await authenticator.require(.admin, headers: request.headers)
    }

    static func encode(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        // The last guard, behind the value policy: a number that is not finite is written as a
        // string rather than failing the whole answer.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
