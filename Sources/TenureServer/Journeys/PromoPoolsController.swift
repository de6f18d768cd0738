import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `/api/v1/promo-pools`: pools of promo codes for journeys' `promo_code` steps, over the admin
/// JSON API (admin key). Every 201 is sent only after all the codes of the upload are committed;
/// a refused upload stores none of them.
///
/// - `GET /api/v1/promo-pools`: each pool's name and codes in total, given, redeemed and remaining;
/// - `POST /api/v1/promo-pools/:pool/codes`: adds codes, as a JSON list of strings or as text (one
///   code per line, or a CSV whose first column is headed `code`); a refusal is a 400 with
///   `code: "invalid_promo_codes"`, the `line` (or list item) and the `message`.
public struct PromoPoolsController: Sendable {
    let store: any PromoCodeStore
    let authenticator: APIKeyAuthenticator
    let clock: any WallClock

    /// An upload's body: at most a million codes of 64 characters, with separators.
    static let maximumBody = 80 << 20

    public init(store: any PromoCodeStore, authenticator: APIKeyAuthenticator, clock: any WallClock) {
        self.store = store
        self.authenticator = authenticator
        self.clock = clock
    }

    struct Listing: Encodable { var pools: [PromoPoolSummary] }

    struct InvalidCodes: Encodable {
        var code = "invalid_promo_codes"
        var line: Int?
        var field: String?
        var message: String
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/promo-pools")
        group.get { request, _ in
            _ = try await authenticator.require(.admin, headers: request.headers)
            return try AdminController.encode(Listing(pools: try await store.promoPools()))
        }
        group.post("/:pool/codes") { request, context in
            _ = try await authenticator.require(.admin, headers: request.headers)
            let raw = try context.parameters.require("pool")
            let pool = raw.removingPercentEncoding ?? raw
            let buffer = try await request.body.collect(upTo: Self.maximumBody)
            let data = Data(buffer.readableBytesView)
            do {
                let list = try Self.codes(data)
                var response = try AdminController.encode(try await store.uploadPromoCodes(list, pool: pool, at: clock.now()))
                response.status = .created
                return response
            } catch let error as PromoCodeListError {
                return try Self.refusal(InvalidCodes(line: error.line, field: error.line == nil ? "codes" : nil, message: error.description))
            } catch let error as PromoCodeStoreError {
                switch error {
                case .invalidPoolName: return try Self.refusal(InvalidCodes(field: "pool", message: error.description))
                case .alreadyStored(_, _, let line, _): return try Self.refusal(InvalidCodes(line: line, message: error.description))
                }
            }
        }
    }

    /// The body's codes: a JSON list of strings when it starts with `[`, else text lines.
    static func codes(_ data: Data) throws(PromoCodeListError) -> PromoCodeList {
        guard let text = String(data: data, encoding: .utf8) else { throw PromoCodeListError(line: nil, "the body is not UTF-8 text") }
        if text.drop(while: \.isWhitespace).first == "[" {
            guard case .array(let items)? = try? JSONParser.parse(data) else {
                throw PromoCodeListError(unit: "item", line: nil, "the body starts with [ but is not a JSON list")
            }
            var codes: [String] = []
            codes.reserveCapacity(min(items.count, PromoCodeList.maximumCodes + 1))
            for (i, item) in items.enumerated() {
                guard case .string(let code) = item else { throw PromoCodeListError(unit: "item", line: i + 1, "a code must be a string") }
                codes.append(code)
            }
            return try PromoCodeList(codes: codes)
        }
        return try PromoCodeList(text: text)
    }

    static func refusal(_ body: InvalidCodes) throws -> Response {
        var response = try AdminController.encode(body)
        response.status = .badRequest
        return response
    }
}
