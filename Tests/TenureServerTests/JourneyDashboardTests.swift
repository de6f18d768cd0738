import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TenureCore
import TenureServer
import TenureStore

/// The dashboard's journey pages over the app's router, on a small in-memory store whose journey
/// the scheduler ran on a manual clock.
@Suite("Journeys in the dashboard")
struct JourneyDashboardTests {
    static let hostileName = #"Win-back <script>alert("name")</script> & co"#

    /// A journey with every kind of path: a send, a 50/50 split, a wait for an event with its
    /// timeout, a second send and an exit; step ids and templates hold HTML.
    static let document = #"""
        {"name": "Win-back <script>alert(\"name\")</script> & co", "holdout": 0.5, "trigger": {"event": "Slipping"},
         "entry": {"once_per_days": 30}, "goal": {"event": "Order Completed", "within_days": 7},
         "steps": [{"id": "offer <b>1</b>", "send": {"channel": "webhook", "template": "<img src=x onerror=alert(1)>"}},
                   {"id": "split", "split": [{"share": 0.5, "next": "wait for order"}, {"share": 0.5, "next": "thanks"}]},
                   {"id": "wait for order", "wait": {"event": "Order Completed", "days": 3, "then": "thanks", "timeout": "reminder"}},
                   {"id": "reminder", "send": {"channel": "webhook", "template": "reminder"}},
                   {"id": "thanks", "exit": true}]}
        """#

    struct Rig {
        let server: TestServer
        let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let scheduler: JourneyScheduler

        init() async throws {
            server = try await TestServer()
            scheduler = JourneyScheduler(store: server.store, cache: SnapshotCache(store: server.store), clock: clock, logger: Logger(label: "test"))
        }

        /// Saves the journey, lets 60 customers slip into it, a third of them order the next day,
        /// four days later the waits have timed out, and a month after entry the 30-day outcomes are in.
        func run() async throws -> SavedJourney {
            let saved = try await server.store.saveJourney(try JourneyDefinition(jsonData: Data(JourneyDashboardTests.document.utf8)), by: "test")
            _ = try await server.store.ingest([(0..<60).map {
                Message(kind: .track, messageId: "slip-\($0)", userId: "c\($0)", name: "Slipping", timestamp: clock.now())
            }])
            try await scheduler.runOnce()
            clock.advance(by: 86_400)
            _ = try await server.store.ingest([stride(from: 0, to: 60, by: 3).map {
                Message(kind: .track, messageId: "o-\($0)", userId: "c\($0)", name: "Order Completed", timestamp: clock.now(),
                        properties: ["order_id": .string("o-\($0)"), "total": 20])
            }])
            try await scheduler.runOnce()
            clock.advance(by: 4 * 86_400)
            try await scheduler.runOnce()
            clock.advance(by: 26 * 86_400)
            return saved
        }

        func test(_ body: @escaping @Sendable (any TestClientProtocol, DashboardBrowser) async throws -> Void) async throws {
            let server = server
            try await Application(router: buildRouter(store: server.store, logger: Logger(label: "test"), clock: clock)).test(.router) { client in
                let (browser, _) = try await DashboardBrowser.signIn(client, [("key", server.adminKey)])
                try await body(client, try #require(browser))
            }
        }
    }

    static func page(_ client: some TestClientProtocol, _ uri: String, _ browser: DashboardBrowser) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: browser.headers) { ($0.status, String(buffer: $0.body)) }
    }

    /// The value of `attribute` on each element that has `marker` in its tag, in order.
    static func attributes(_ attribute: String, of marker: String, in html: String) -> [String] {
        html.components(separatedBy: "<").filter { $0.contains(marker) }.compactMap { tag in
            guard let range = tag.range(of: #" \#(attribute)="([^"]*)""#, options: .regularExpression) else { return nil }
            return String(tag[range].dropFirst(attribute.count + 3).dropLast())
        }
    }

    static var link: String { "/journey?name=" + hostileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test("the list needs a session, says how to create a journey when there is none, and the navigation links to it")
    func emptyState() async throws {
        let rig = try await Rig()
        try await rig.test { client, browser in
            try await client.execute(uri: "/journeys", method: .get) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains(#"action="/login""#))
            }
            let (status, html) = try await Self.page(client, "/journeys", browser)
            #expect(status == .ok)
            #expect(html.contains(#"id="journeys-empty""#) && html.contains("<code>tenure journeys create FILE</code>"))
            #expect(!html.contains(#"id="journey-table""#))
            #expect(html.contains(#"<a href="/journeys" aria-current="page">Journeys</a>"#))
            let (_, overview) = try await Self.page(client, "/retention", browser)
            #expect(overview.contains(#"<a href="/journeys">Journeys</a>"#))
        }
    }

    @Test("the list shows a journey that ran: status, version, trigger in words, counts, conversion uplift with its interval, holdout; its name is escaped")
    func list() async throws {
        let rig = try await Rig()
        let journey = try await rig.run()
        let counts = try await rig.server.store.journeyCounts(id: journey.id, at: rig.clock.now())
        let entered = counts.arms.values.reduce(0) { $0 + $1.entered }, converted = counts.arms.values.reduce(0) { $0 + $1.converted }
        #expect(entered == 60 && converted == 20)
        try await rig.test { client, browser in
            let (status, html) = try await Self.page(client, "/journeys", browser)
            #expect(status == .ok)
            #expect(!html.contains("<script>alert") && !html.contains("<b>1</b>"))
            #expect(html.contains("Win-back &lt;script&gt;alert("))
            #expect(Self.attributes("data-status", of: "data-journey-name", in: html) == ["active"])
            #expect(Self.attributes("href", of: "journey-name", in: html) == [Self.link.replacingOccurrences(of: "&", with: "&amp;")])
            #expect(Self.attributes("data-value", of: "num entered", in: html) == ["60"])
            #expect(Self.attributes("data-value", of: "num converted", in: html) == ["20"])
            #expect(Self.attributes("data-value", of: "num in-progress", in: html) == ["0"])
            #expect(html.contains("When a customer sends “Slipping”"))
            #expect(html.contains(#"<td class="num">50%</td>"#))
            // Every entered customer's goal window is still open or decided; the uplift is a number with an interval.
            #expect(html.contains(" pp</span>") && html.contains("95% CI "))
            #expect(!html.contains(#"id="journeys-empty""#))
        }
    }

    @Test("a journey's page: trigger, entry and goal in words; every step with its count as the store counts it, sends split into sent and held out; every path labelled; the chart's bars and table")
    func journeyPage() async throws {
        let rig = try await Rig()
        let journey = try await rig.run()
        let counts = try await rig.server.store.journeyCounts(id: journey.id, at: rig.clock.now())
        try await rig.test { client, browser in
            let (status, html) = try await Self.page(client, Self.link, browser)
            #expect(status == .ok)
            #expect(!html.contains("<script>alert") && !html.contains("<b>1</b>") && !html.contains("<img src=x"))
            #expect(html.contains("offer &lt;b&gt;1&lt;/b&gt;") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(html.contains("When a customer sends “Slipping”"))
            #expect(html.contains("Again after 30 days since the last entry"))
            #expect(html.contains("Sends “Order Completed” within 7 days of entering"))
            // The list and the diagram both carry every step's count.
            let ids = ["offer <b>1</b>", "split", "wait for order", "reminder", "thanks"]
            let escaped = ids.map { $0.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;") }
            let listed = Self.attributes("data-step", of: "flow-step kind", in: html)
            #expect(listed == escaped)
            #expect(Self.attributes("data-reached", of: "flow-step kind", in: html) == ids.map { String(counts.steps[$0] ?? 0) })
            #expect(Self.attributes("data-reached", of: "class=\"node ", in: html) == ids.map { String(counts.steps[$0] ?? 0) })
            #expect(counts.steps["offer <b>1</b>"] == 60 && (counts.steps["reminder"] ?? 0) > 0)
            let held = try #require(Int(Self.attributes("data-held-out", of: "flow-step kind-send", in: html).first ?? ""))
            let sent = try #require(Int(Self.attributes("data-sent", of: "flow-step kind-send", in: html).first ?? ""))
            #expect(sent + held == 60 && held == counts.heldOutSteps["offer <b>1</b>"] && held > 10 && sent > 10)
            for label in ["50%", "event arrived", "timed out"] {
                #expect(html.contains(#"class="edge-label""#) && html.contains(">\(label)</text>"), "\(label) in the diagram")
                #expect(html.contains(#"<span class="path-label">\#(label)</span>"#), "\(label) in the list")
            }
            // Treatment against control: a bar per arm and outcome, with accessible titles, and the numbers as a table.
            // A month on, conversion, retention at 30 days and revenue have both arms; 60 and 90 days not yet.
            for outcome in ["conversion", "retention-30", "revenue"] {
                for arm in ["treatment", "control"] {
                    #expect(html.contains(#"<rect class="bar \#(arm)" data-outcome="\#(outcome)" data-arm="\#(arm)""#), "\(outcome) \(arm)")
                }
            }
            #expect(!html.contains(#"data-outcome="retention-60" data-arm"#) && html.contains(">no data yet</text>"))
            #expect(html.contains(#"<rect class="bar treatment" data-outcome="conversion" data-arm="treatment""#))
            #expect(html.contains(#"<rect class="bar control" data-outcome="conversion" data-arm="control""#))
            #expect(html.contains(#"<g class="whisker" data-outcome="conversion"><title>Goal conversion: uplift "#))
            #expect(html.contains(#"aria-labelledby="uplift-rates-title uplift-rates-desc""#))
            #expect(html.contains("<th scope=\"col\">95% interval</th>"))
            // The buttons post the session's CSRF token and the name.
            #expect(html.contains(#"<form method="post" action="/journey/pause"><input type="hidden" name="csrf" value="\#(browser.csrf)">"#))
            #expect(Self.attributes("id", of: "button type=\"submit\"", in: html).filter { $0.hasPrefix("journey-") } == ["journey-pause", "journey-archive"])
        }
    }

    @Test("an unknown journey is a 404 that names it, escaped")
    func unknownJourney() async throws {
        let rig = try await Rig()
        try await rig.test { client, browser in
            let (status, html) = try await Self.page(client, "/journey?name=%3Ci%3ENope%3C%2Fi%3E", browser)
            #expect(status == .notFound)
            #expect(html.contains("No journey named “&lt;i&gt;Nope&lt;/i&gt;”"))
            let (_, empty) = try await client.execute(uri: "/journey", method: .get, headers: browser.headers) { ($0.status, $0.headers[.location]) }
            #expect(empty == "/journeys")
            try await client.execute(
                uri: "/journey/pause", method: .post, headers: browser.headers + [.contentType: "application/x-www-form-urlencoded"],
                body: DashboardBrowser.form([("csrf", browser.csrf), ("name", "Nope")])
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test("pause, resume and archive: refused without the session's CSRF token; each changes the status the page shows; archived journeys leave the list")
    func statusButtons() async throws {
        let rig = try await Rig()
        _ = try await rig.run()
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await rig.test { client, browser in
            let headers = browser.headers + form
            try await client.execute(uri: "/journey/pause", method: .post, headers: form, body: DashboardBrowser.form([("name", Self.hostileName)])) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/journey/pause", method: .post, headers: headers, body: DashboardBrowser.form([("csrf", String(repeating: "0", count: 64)), ("name", Self.hostileName)])
            ) { #expect($0.status == .forbidden) }
            #expect(try await rig.server.store.journey(named: Self.hostileName)?.status == .active)
            for (verb, status, buttons) in [("pause", "paused", ["journey-resume", "journey-archive"]), ("resume", "active", ["journey-pause", "journey-archive"]), ("archive", "archived", [])] {
                try await client.execute(
                    uri: "/journey/\(verb)", method: .post, headers: headers, body: DashboardBrowser.form([("csrf", browser.csrf), ("name", Self.hostileName)])
                ) { r in
                    #expect(r.status == .seeOther)
                    #expect(r.headers[.location] == Self.link)
                }
                #expect(try await rig.server.store.journey(named: Self.hostileName)?.status.rawValue == status)
                let (_, html) = try await Self.page(client, Self.link, browser)
                #expect(Self.attributes("data-status", of: "id=\"journey-status\"", in: html) == [status])
                #expect(Self.attributes("id", of: "button type=\"submit\"", in: html).filter { $0.hasPrefix("journey-") } == buttons, "\(verb)")
            }
            // An archived journey cannot be resumed.
            try await client.execute(
                uri: "/journey/resume", method: .post, headers: headers, body: DashboardBrowser.form([("csrf", browser.csrf), ("name", Self.hostileName)])
            ) { #expect($0.status == .conflict) }
            let (_, list) = try await Self.page(client, "/journeys", browser)
            #expect(list.contains(#"id="journeys-empty""#))
            let (_, all) = try await Self.page(client, "/journeys?archived=true", browser)
            #expect(Self.attributes("data-status", of: "data-journey-name", in: all) == ["archived"])
        }
    }
}

extension HTTPFields {
    /// `a`'s fields, then `b`'s.
    fileprivate static func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
        var out = a
        out.append(contentsOf: b)
        return out
    }
}
