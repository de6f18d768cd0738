import Crypto
import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// `/u/:token`: one-click unsubscribe from a signed link, no sign-in (RFC 8058). Every `200` to
/// a `POST` is sent only after the `Unsubscribed` event is committed to the log, under a message
/// id derived from the token, so repeating the click changes nothing; from then on no marketing
/// of that topic (or none at all, for a link without a topic) is sent to the customer, including
/// messages already waiting in the outbox.
///
/// - `GET /u/:token`: a page that says what the link does, with the button that does it (mail
///   scanners follow links; only the `POST` unsubscribes);
/// - `POST /u/:token`: unsubscribes (a mail client's `List-Unsubscribe=One-Click` body, or the
///   page's button).
public struct UnsubscribeController: Sendable {
    let store: any EventStore
    let links: UnsubscribeLinks
    let clock: any WallClock

    public init(store: any EventStore, links: UnsubscribeLinks, clock: any WallClock) {
        self.store = store
        self.links = links
        self.clock = clock
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        router.get("/u/:token") { _, context in
            guard let scope = scope(context) else { return Self.page(status: .notFound, "This link is not valid", "It may have been cut short by your mail program. Use the unsubscribe link of a more recent message.") }
            let what = scope.topic.map { "messages about \(HTMLText.escape($0))" } ?? "all marketing messages"
            return Self.page(
                status: .ok, "Unsubscribe",
                "Stop \(what)? Receipts and replies to your own requests still arrive.",
                form: "<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>")
        }
        router.post("/u/:token") { request, context in
            guard let scope = scope(context), let token = context.parameters.get("token") else {
                return Self.page(status: .notFound, "This link is not valid", "Use the unsubscribe link of a more recent message.")
            }
            _ = try await request.body.collect(upTo: 4_096)
            var properties: [String: JSONValue] = ["source": "one-click"]
            if let topic = scope.topic { properties["topic"] = .string(topic) }
            let digest = SHA256.hash(data: Data(token.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
            _ = try await store.ingest([[Message(
                kind: .track, messageId: "unsubscribe-\(digest)", userId: scope.userId, name: StandardEvent.unsubscribed, timestamp: clock.now(),
                properties: properties)]])
            let what = scope.topic.map { "messages about \(HTMLText.escape($0))" } ?? "marketing messages"
            return Self.page(status: .ok, "You are unsubscribed", "You will not receive \(what) from us again.")
        }
    }

    private func scope(_ context: TenureRequestContext) -> UnsubscribeLinks.Scope? {
        context.parameters.get("token").flatMap(links.verify)
    }

    static func page(status: HTTPResponse.Status, _ title: String, _ text: String, form: String = "") -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title))</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
            button{font:inherit;padding:.5rem 1.25rem;border:2px solid #1a1a1a;border-radius:.25rem;background:#fff;cursor:pointer}
            button:focus-visible{outline:3px solid #005fcc;outline-offset:2px}</style></head>
            <body><main><h1>\(HTMLText.escape(title))</h1><p>\(text)</p>\(form)</main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
