import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

/// One-click unsubscribe links (RFC 8058): signed, no sign-in, idempotent, honoured by messages
/// already in the outbox.
@Suite("One-click unsubscribe")
struct UnsubscribeTests {
    static let twoTopics = #"""
        {"name": "News", "holdout": 0, "trigger": {"event": "Signed Up"},
         "steps": [{"id": "wait", "wait": {"hours": 1}},
                   {"id": "offer", "send": {"channel": "webhook", "template": "offer", "topic": "offers"}},
                   {"id": "tips", "send": {"channel": "webhook", "template": "tips", "topic": "tips"}}]}
        """#

    @Test("a token names its customer and topic, and any change to it is refused")
    func tokens() throws {
        let links = UnsubscribeLinks(secret: Data(repeating: 1, count: 32), baseURL: "https://crm.example.com/")
        let token = links.token(userId: "ana@example.com", topic: "offers")
        #expect(links.verify(token) == .init(userId: "ana@example.com", topic: "offers"))
        #expect(links.verify(links.token(userId: "ben", topic: nil)) == .init(userId: "ben", topic: nil))
        #expect(links.unsubscribeURL(userId: "ana", topic: nil).hasPrefix("https://crm.example.com/u/"))
        // Another key, another customer's signature, a flipped character, truncation: refused.
        #expect(UnsubscribeLinks(secret: Data(repeating: 2, count: 32), baseURL: "").verify(token) == nil)
        let parts = token.split(separator: ".")
        let other = links.token(userId: "ben", topic: "offers").split(separator: ".")
        #expect(links.verify([parts[0], parts[1], other[2]].joined(separator: ".")) == nil)
        #expect(links.verify([other[0], parts[1], parts[2]].joined(separator: ".")) == nil)
        var flipped = Array(token)
        flipped[flipped.count - 3] = flipped[flipped.count - 3] == "A" ? "B" : "A"
        #expect(links.verify(String(flipped)) == nil)
        #expect(links.verify(String(token.dropLast(4))) == nil)
        for junk in ["", ".", "..", "a.b.c", String(repeating: "x", count: 5_000), "ü.ü.ü"] { #expect(links.verify(junk) == nil) }
    }

    @Test("GET only asks; POST unsubscribes once, and the queued message of that topic is suppressed while the other topic still goes")
    func oneClick() async throws {
        let rig = try JourneySchedulerTests.Rig()
        let links = UnsubscribeLinks(secret: try await rig.store.linkSecret(), baseURL: "http://localhost")
        #expect(try await rig.store.linkSecret() == (try await rig.store.linkSecret()))
        _ = try await rig.journey(Self.twoTopics)
        try await rig.track("ana", "Signed Up")
        try await rig.scheduler.runOnce()
        rig.clock.advance(by: 3_600)
        try await rig.scheduler.runOnce()
        #expect(try await rig.store.outboxCounts() == ["pending": 2])
        let router = buildRouter(store: rig.store, logger: Logger(label: "test"), clock: rig.clock, unsubscribeLinks: links)
        let path = "/u/" + links.token(userId: "ana", topic: "offers")
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: path, method: .get) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                #expect(html.contains("messages about offers") && html.contains("<form method=\"post\">"))
            }
            try await client.execute(uri: "/u/not-a-token", method: .post) { r in #expect(r.status == .notFound) }
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            for _ in 0..<2 {
                try await client.execute(uri: path, method: .post, headers: form, body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { r in
                    #expect(r.status == .ok)
                    #expect(String(buffer: r.body).contains("You are unsubscribed"))
                }
            }
        }
        let profile = try #require(try await rig.store.customer(userId: "ana"))
        let unsubscribes = try await rig.store.events(customerId: profile.id, limit: 100).filter { $0.name == StandardEvent.unsubscribed }
        #expect(unsubscribes.count == 1)
        #expect(unsubscribes.first?.properties["topic"] == "offers")
        try await rig.dispatcher.dispatchOnce()
        #expect(rig.received() == ["ana": ["tips"]])
        #expect(try await rig.store.outboxCounts() == ["sent": 1, "suppressed": 1])
    }
}
