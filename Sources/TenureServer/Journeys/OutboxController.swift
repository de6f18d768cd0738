import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `/api/v1/outbox`: the outbox's counts and its dead letters over the admin JSON API.
///
/// - `GET /api/v1/outbox`: messages by state, and the latest failed ones (`?limit=`, default 100)
///   with their error;
/// - `POST /api/v1/outbox/retry` `{"ids": [...]}` or `{"all": true}`: failed messages back in the
///   queue, with their idempotency keys unchanged.
public struct OutboxController: Sendable {
    let store: any OutboxStore
    let authenticator: APIKeyAuthenticator
    let clock: any WallClock

    public init(store: any OutboxStore, authenticator: APIKeyAuthenticator, clock: any WallClock) {
        self.store = store
        self.authenticator = authenticator
        self.clock = clock
    }

    struct Overview: Encodable {
        var counts: [String: Int]
        var failed: [FailedOutboxMessage]
    }

    struct RetryBody: Decodable {
        var ids: [Int64]?
        var all: Bool?
    }

    struct Retried: Encodable { var retried: Int }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/outbox")
        group.get { request, _ in
            _ = try await authenticator.require(.admin, headers: request.headers)
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 10_000)
            return try AdminController.encode(Overview(counts: try await store.outboxCounts(), failed: try await store.failedOutbox(limit: limit)))
        }
        group.post("/retry") { request, _ in
            _ = try await authenticator.require(.admin, headers: request.headers)
            let buffer = try await request.body.collect(upTo: 1 << 20)
            guard let body = try? JSONDecoder().decode(RetryBody.self, from: Data(buffer.readableBytesView)), body.ids != nil || body.all == true else {
                throw APIError(status: .badRequest, code: "invalid_field", message: #"give {"ids": [...]} or {"all": true}"#, field: "ids")
            }
            let count = try await store.retryFailed(ids: body.all == true ? nil : body.ids, at: clock.now())
            return try AdminController.encode(Retried(retried: count))
        }
    }
}
