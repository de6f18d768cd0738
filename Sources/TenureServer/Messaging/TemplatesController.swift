import Foundation
import Hummingbird
import TenureCore
import TenureDocuments
import TenureStore

/// `/api/v1/templates`: message templates over the admin JSON API (admin key). A template is
/// saved only when every field it names exists and every partial it includes is saved.
///
/// - `GET /api/v1/templates`: each with its locales, parts and whether it is a partial;
/// - `POST /api/v1/templates` (a template document, JSON or `Content-Type: application/yaml`):
///   201 new, 200 replaced; a refused one is a 400 with `code: "invalid_template"`, the `part`,
///   `line`, `column` and `message`;
/// - `GET /api/v1/templates/:name`: its document;
/// - `DELETE /api/v1/templates/:name` (refused with 409 while another template includes it);
/// - `POST /api/v1/templates/:name/preview` `{"user_id": "…"}`: the parts rendered for that
///   customer (their traits and last event, sample values for a promo code and recommendations).
public struct TemplatesController: Sendable {
    let catalog: TemplateCatalog
    let store: any TemplateStore & EventStore
    let authenticator: APIKeyAuthenticator

    public init(store: any TemplateStore & EventStore, authenticator: APIKeyAuthenticator) {
        self.store = store
        self.catalog = TemplateCatalog(store: store)
        self.authenticator = authenticator
    }

    struct Summary: Encodable {
        var name: String
        var partial: Bool
        var locales: [String]
        var parts: [String]
        var updatedBy: String
        var updatedAt: Date
        var document: JSONValue?
    }

    struct Listing: Encodable { var templates: [Summary] }

    struct Invalid: Encodable {
        var code = "invalid_template"
        var part: String?
        var line: Int?
        var column: Int?
        var message: String
    }

    struct PreviewBody: Decodable { var user_id: String }

    static func summary(_ saved: SavedTemplate, document: Bool) throws -> Summary {
        let t = try TemplateCatalog.read(saved)
        return Summary(
            name: t.name, partial: t.isPartial, locales: t.locales.keys.sorted(),
            parts: Set(t.locales.values.flatMap(\.keys)).map(\.rawValue).sorted(), updatedBy: saved.updatedBy, updatedAt: saved.updatedAt,
            document: document ? t.json : nil)
    }

    static func invalid(_ error: TemplateError) throws -> Response {
        var response = try AdminController.encode(Invalid(part: error.part, line: error.line, column: error.column, message: error.message))
        response.status = .badRequest
        return response
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/templates")
        group.get { request, _ in
            _ = try await admin(request)
            return try AdminController.encode(Listing(templates: try await store.templates().map { try Self.summary($0, document: false) }))
        }
        group.post { request, _ in
            let key = try await admin(request)
            let buffer = try await request.body.collect(upTo: YAMLDocument.maximumBytes)
            let format = request.headers[.contentType].flatMap(JourneyDocumentFile.Format.init(mediaType:)) ?? .json
            do {
                let (template, created) = try await catalog.save(Data(buffer.readableBytesView), format: format, by: key.name)
                guard let saved = try await store.template(named: template.name) else { throw HTTPError(.internalServerError) }
                var response = try AdminController.encode(try Self.summary(saved, document: true))
                response.status = created ? .created : .ok
                return response
            } catch let error as TemplateError {
                return try Self.invalid(error)
            }
        }
        group.get("/:name") { request, context in
            _ = try await admin(request)
            let name = try SegmentsController.name(context)
            guard let saved = try await store.template(named: name) else { throw Self.notFound(name) }
            return try AdminController.encode(try Self.summary(saved, document: true))
        }
        group.delete("/:name") { request, context in
            _ = try await admin(request)
            let name = try SegmentsController.name(context)
            do {
                guard try await catalog.delete(name) else { throw Self.notFound(name) }
            } catch let error as TemplateError {
                throw APIError(status: .conflict, code: "template_in_use", message: error.description)
            }
            return Response(status: .noContent)
        }
        group.post("/:name/preview") { request, context in
            _ = try await admin(request)
            let name = try SegmentsController.name(context)
            let buffer = try await request.body.collect(upTo: 1 << 16)
            guard let body = try? JSONDecoder().decode(PreviewBody.self, from: Data(buffer.readableBytesView)) else {
                throw APIError(status: .badRequest, code: "invalid_json", message: #"the body must be {"user_id": "…"}"#, field: "user_id")
            }
            guard try await store.template(named: name) != nil else { throw Self.notFound(name) }
            do {
                return try AdminController.encode(try await catalog.preview(name, userId: body.user_id))
            } catch let error as TemplateError {
                return try Self.invalid(error)
            }
        }
    }

    static func notFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "there is no template named \"\(name)\"")
    }

    private func admin(_ request: Request) async throws -> APIKey {
        try await authenticator.require(.admin, headers: request.headers)
    }
}
