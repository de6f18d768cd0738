import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureCore
import TenureDocuments
import TenureServer
import TenureStore

/// `/api/v1/templates` over the app's router.
@Suite("Message templates over the API")
struct TemplateRoutesTests {
    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static let layout = """
        name: layout
        partial: true
        html: "<html><body>{{$body}}{{/body}}<a href=\\"{{unsubscribe_url}}\\">Unsubscribe</a></body></html>"
        """

    static let welcome = """
        name: welcome
        locales:
          en:
            subject: "Welcome, {{customer.first_name}}"
            html: "{{<layout}}{{$body}}<h1>Hi {{customer.first_name}}</h1><p>You last did {{event.name}}.</p>{{/body}}{{/layout}}"
          de:
            subject: "Willkommen, {{customer.first_name}}"
        """

    @Test("templates are saved from YAML only when every field and partial exists, preview for a real customer, and a partial in use is not deleted")
    func routes() async throws {
        let server = try await TestServer()
        let now = Date()
        _ = try await server.store.ingest([[
            Message(kind: .identify, messageId: "i-1", userId: "ana", timestamp: now, traits: ["first_name": "<b>Ana</b>", "locale": "de-AT"]),
            Message(kind: .track, messageId: "t-1", userId: "ana", name: "Order Completed", timestamp: now, properties: ["total": 12]),
        ]])
        var fields = server.bearerAdmin
        fields[.contentType] = "application/yaml"
        let yaml = fields
        var jsonFields = server.bearerAdmin
        jsonFields[.contentType] = "application/json"
        let json = jsonFields
        let router = buildRouter(store: server.store, logger: Logger(label: "test"))
        try await Application(router: router).test(.router) { client in
            // The layout is not saved yet: the welcome is refused, naming the partial.
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: yaml, body: ByteBuffer(string: Self.welcome)) { r in
                #expect(r.status == .badRequest)
                let e = try object(r.body)
                #expect(e["code"] as? String == "invalid_template")
                #expect((e["message"] as? String)?.contains("no partial named \"layout\"") == true)
            }
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: yaml, body: ByteBuffer(string: Self.layout)) { r in
                #expect(r.status == .created)
            }
            // A misspelt trait: refused with the part, line and column.
            let typo = Self.welcome.replacingOccurrences(of: "Willkommen, {{customer.first_name}}", with: "Willkommen, {{customer.firstname}}")
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: yaml, body: ByteBuffer(string: typo)) { r in
                #expect(r.status == .badRequest)
                let e = try object(r.body)
                #expect(e["part"] as? String == "subject (de)")
                #expect(e["line"] as? Int == 1 && e["column"] as? Int == 13)
                #expect((e["message"] as? String)?.contains("did you mean \"first_name\"") == true)
            }
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: yaml, body: ByteBuffer(string: Self.welcome)) { r in
                #expect(r.status == .created)
                let o = try object(r.body)
                #expect(o["locales"] as? [String] == ["de", "en"])
            }
            try await client.execute(uri: "/api/v1/templates", method: .post, headers: yaml, body: ByteBuffer(string: Self.welcome)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/v1/templates", method: .get, headers: json) { r in
                let list = try #require(try object(r.body)["templates"] as? [[String: Any]])
                #expect(list.compactMap { $0["name"] as? String } == ["layout", "welcome"])
            }
            // Ana's locale is de-AT: the German subject, and her trait is text, not markup.
            try await client.execute(uri: "/api/v1/templates/welcome/preview", method: .post, headers: json, body: ByteBuffer(string: #"{"user_id": "ana"}"#)) { r in
                #expect(r.status == .ok)
                let o = try object(r.body)
                #expect(o["locale"] as? String == "de")
                #expect(o["subject"] as? String == "Willkommen, <b>Ana</b>")
                #expect(o["html"] == nil)
            }
            try await client.execute(uri: "/api/v1/templates/welcome/preview", method: .post, headers: json, body: ByteBuffer(string: #"{"user_id": "nobody"}"#)) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/templates/layout", method: .delete, headers: json) { r in
                #expect(r.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/templates/welcome", method: .delete, headers: json) { r in #expect(r.status == .noContent) }
            try await client.execute(uri: "/api/v1/templates/layout", method: .delete, headers: json) { r in #expect(r.status == .noContent) }
            try await client.execute(uri: "/api/v1/templates/layout", method: .get, headers: json) { r in #expect(r.status == .notFound) }
        }
        // The English preview, with the layout's escaping, through the catalog itself.
        _ = try await TemplateCatalog(store: server.store).save(Data(Self.layout.utf8), format: .yaml, by: "test")
        _ = try await TemplateCatalog(store: server.store).save(Data(Self.welcome.utf8), format: .yaml, by: "test")
        _ = try await server.store.ingest([[Message(kind: .identify, messageId: "i-2", userId: "ana", timestamp: now, traits: ["locale": "en"])]])
        let rendered = try await TemplateCatalog(store: server.store).preview("welcome", userId: "ana")
        #expect(rendered.html == #"<html><body><h1>Hi &lt;b&gt;Ana&lt;/b&gt;</h1><p>You last did Order Completed.</p><a href="https://example.com/unsubscribe">Unsubscribe</a></body></html>"#)
    }
}
