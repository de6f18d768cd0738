import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TenureCore
import TenureServer
import TenureStore

/// A signed-in browser, as far as the dashboard can tell: the session cookie and its CSRF token.
struct DashboardBrowser {
    var cookie: String
    var csrf: String

    var headers: HTTPFields { [.cookie: cookie] }

    /// The value of the `name="csrf"` hidden field in a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
        return String(html[range].dropLast().suffix(64))
    }

    /// `name=value` of the cookie called `name` among the response's Set-Cookie headers.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasPrefix(name + "="), pair.count > name.count + 1 { return pair }
        }
        return nil
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    /// Signs in through the login form with `fields` (`key`, or `user` and `password`); returns the
    /// browser, or nil with the response status when refused.
    static func signIn(_ client: some TestClientProtocol, _ fields: [(String, String)]) async throws -> (DashboardBrowser?, HTTPResponse.Status) {
        let (loginCookie, loginToken) = try await client.execute(uri: "/login", method: .get) { response in
            (Self.cookie("tenure_login", in: response), Self.csrf(in: String(buffer: response.body)))
        }
        let login = try #require(loginCookie)
        let token = try #require(loginToken)
        return try await client.execute(
            uri: "/login", method: .post, headers: [.cookie: login, .contentType: "application/x-www-form-urlencoded"],
            body: form([("csrf", token), ("next", "/")] + fields)
        ) { response in
            guard response.status == .seeOther, let session = cookie("tenure_session", in: response) else { return (nil, response.status) }
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("tenure_session=") } ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: session]) { String(buffer: $0.body) }
            return (DashboardBrowser(cookie: session, csrf: try #require(Self.csrf(in: page))), response.status)
        }
    }
}

@Suite struct DashboardTests {
    static let pages = ["/", "/retention", "/churn", "/at-risk", "/segments", "/customers", "/customer?id=SOMEONE", "/at-risk.csv"]

    /// A small simulated shop in an in-memory store.
    static func shop() async throws -> TestServer {
        let server = try await TestServer()
        let simulator = try BusinessSimulator(
            SimulationConfiguration(customers: 1_500, months: 18, profile: .d2c, seed: 11, end: ISO8601Timestamp.parse("2026-06-30")!))
        _ = try await server.store.importSimulation(simulator)
        return server
    }

    @Test func everyPageNeedsASignedInSession() async throws {
        let server = try await Self.shop()
        try await server.run { client in
            for page in Self.pages {
                for headers: HTTPFields in [[:], [.cookie: "tenure_session=" + String(repeating: "a", count: 64)], [.authorization: "Bearer " + server.adminKey]] {
                    try await client.execute(uri: page, method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(page)")
                        let body = String(buffer: response.body)
                        #expect(body.contains("action=\"/login\""), "\(page) shows the sign-in form")
                        #expect(!body.contains("data-kpi") && !body.contains("data-user") && !body.contains("Order Completed"), "\(page) shows no data")
                    }
                }
            }
        }
    }

    @Test func signInWithAnAdminKeyOnly() async throws {
        let server = try await Self.shop()
        try await server.run { client in
            for wrong in ["tnr_a_" + String(repeating: "0", count: 40), server.writeKey, "", "' OR 1=1 --"] {
                let (browser, status) = try await DashboardBrowser.signIn(client, [("key", wrong)])
                #expect(browser == nil && status == .unauthorized, "\(wrong)")
            }
            // Without the login form's token: refused before the key is even looked at.
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: DashboardBrowser.form([("key", server.adminKey)])
            ) { #expect($0.status == .forbidden) }
            let (browser, status) = try await DashboardBrowser.signIn(client, [("key", server.adminKey)])
            #expect(status == .seeOther)
            let signedIn = try #require(browser)
            let someone = try #require(try await server.store.userIds(of: [1]).first ?? nil)
            for page in Self.pages.map({ $0.replacingOccurrences(of: "SOMEONE", with: someone) }) {
                try await client.execute(uri: page, method: .get, headers: signedIn.headers) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(response.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
                }
            }
            // The session is not an API credential.
            try await client.execute(uri: "/api/v1/summary", method: .get, headers: signedIn.headers) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func signInWithAUserAndPasswordAndSignOutWithTheCSRFToken() async throws {
        let server = try await Self.shop()
        _ = try await server.store.createUser(name: "ana", passwordHash: DashboardPasswords.hash("correct horse battery"))
        await #expect(throws: UserStoreError.userExists("ana")) {
            _ = try await server.store.createUser(name: "ana", passwordHash: DashboardPasswords.hash("another password"))
        }
        #expect(!DashboardPasswords.verify("correct horse battery", hash: "not a bcrypt hash"))
        try await server.run { client in
            let (refused, status) = try await DashboardBrowser.signIn(client, [("user", "ana"), ("password", "wrong horse battery")])
            #expect(refused == nil && status == .unauthorized)
            let (nobody, _) = try await DashboardBrowser.signIn(client, [("user", "bob"), ("password", "correct horse battery")])
            #expect(nobody == nil)
            let browser = try #require(try await DashboardBrowser.signIn(client, [("user", "ana"), ("password", "correct horse battery")]).0)
            let form = [.cookie: browser.cookie, .contentType: "application/x-www-form-urlencoded"] as HTTPFields
            try await client.execute(uri: "/logout", method: .post, headers: form, body: DashboardBrowser.form([("csrf", String(repeating: "0", count: 64))])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/", method: .get, headers: browser.headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/logout", method: .post, headers: form, body: DashboardBrowser.form([("csrf", browser.csrf)])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/", method: .get, headers: browser.headers) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func hostileSearchAndFiltersAreEscapedAndAnsweredNormally() async throws {
        let server = try await Self.shop()
        try await server.run { client in
            let browser = try #require(try await DashboardBrowser.signIn(client, [("key", server.adminKey)]).0)
            let hostile = [
                "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "c1'; DROP TABLE customer; --", "%_\\",
                String(repeating: "x", count: 20_000), "\u{202E}gnp.exe\u{200B}\u{FEFF}", "👩‍👩‍👧‍👦 Ω ﷽", "a\u{0}b\u{7}c",
            ]
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            for text in hostile {
                let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed)!
                for uri in ["/customers?q=" + encoded, "/customer?id=" + encoded, "/at-risk?segment=" + encoded + "&limit=" + encoded,
                            "/retention?unit=" + encoded + "&show=" + encoded, "/segments?from=" + encoded + "&to=" + encoded] {
                    try await client.execute(uri: uri, method: .get, headers: browser.headers) { response in
                        #expect(response.status == .ok || (uri.hasPrefix("/customer?") && response.status == .notFound), "\(uri.prefix(60))")
                        let body = String(buffer: response.body)
                        #expect(!body.contains("<script>alert") && !body.contains("<img src=x"), "\(uri.prefix(60))")
                    }
                }
            }
            try await client.execute(uri: "/customers?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", method: .get, headers: browser.headers) { response in
                #expect(String(buffer: response.body).contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
            // The store is intact and search still finds customers by id prefix and by trait.
            let someone = try #require(try await server.store.userIds(of: [1]).first ?? nil)
            try await client.execute(uri: "/customers?q=" + someone.dropLast(), method: .get, headers: browser.headers) { response in
                #expect(String(buffer: response.body).contains("/customer?id=\(someone)\""))
            }
            let email = try #require(try await server.store.customer(userId: someone)?.traits["email"]?.stringValue)
            #expect(email.contains(someone.dropFirst() + "@"))
            try await client.execute(uri: "/customers?q=" + someone.dropFirst() + "%40example", method: .get, headers: browser.headers) { response in
                #expect(String(buffer: response.body).contains("/customer?id=\(someone)\""), "found by a trait")
            }
            #expect(try await server.store.counts().customers > 0)
        }
    }

    @Test func pagesShowTheSameNumbersAsTheJSONAPI() async throws {
        let server = try await Self.shop()
        try await server.run { client in
            let browser = try #require(try await DashboardBrowser.signIn(client, [("key", server.adminKey)]).0)
            // Wait for the background churn model (the page says "Scoring…" and reloads until then).
            var overview = ""
            for _ in 0..<300 {
                overview = try await client.execute(uri: "/", method: .get, headers: browser.headers) { String(buffer: $0.body) }
                if overview.contains("data-kpi=\"expected-loss\"") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            func kpi(_ key: String) throws -> Double {
                let pattern = "data-kpi=\"\(key)\" data-value=\"([^\"]+)\""
                let range = try #require(overview.range(of: pattern, options: .regularExpression), "\(key)")
                return try #require(Double(overview[range].split(separator: "\"")[3]))
            }
            struct Churn: Decodable {
                struct Row: Decodable {
                    struct Period: Decodable { var label: String; var endDay: Int32 }
                    var period: Period
                    var churnRate: Double
                    var activeAtEnd: Int
                    var incomplete: Bool
                }
                var rows: [Row]
            }
            let churn = try await client.execute(uri: "/api/v1/reports/churn", method: .get, headers: server.bearerAdmin) { try decode(Churn.self, $0.body) }
            let month = try #require(churn.rows.last { !$0.incomplete })
            #expect(try kpi("churn-rate") == month.churnRate)
            #expect(try kpi("active") == Double(month.activeAtEnd))
            struct Purchases: Decodable {
                struct Row: Decodable {
                    struct Period: Decodable { var label: String }
                    struct Figures: Decodable { var revenue: Double }
                    var period: Period
                    var figures: Figures
                }
                var rows: [Row]
                var customersEverPurchased: Int
                var lifetimeRepeatPurchaseRate: Double
            }
            let through = DayNumber.isoString(month.period.endDay)
            let purchases = try await client.execute(uri: "/api/v1/reports/purchases?through=\(through)", method: .get, headers: server.bearerAdmin) {
                try decode(Purchases.self, $0.body)
            }
            #expect(try kpi("customers") == Double(purchases.customersEverPurchased))
            #expect(try kpi("repeat-rate") == purchases.lifetimeRepeatPurchaseRate)
            let revenue = try #require(purchases.rows.first { $0.period.label == month.period.label }?.figures.revenue)
            #expect(abs(try kpi("revenue") - revenue) <= 1e-9 * max(1, revenue))

            // The at-risk table lists the API's customers in the API's order.
            struct Listing: Decodable {
                struct Entry: Decodable { var userId: String?; var expectedLoss: Double }
                var customers: [Entry]
            }
            let listing = try await client.execute(uri: "/api/v1/at-risk?top=25", method: .get, headers: server.bearerAdmin) { try decode(Listing.self, $0.body) }
            let table = try await client.execute(uri: "/at-risk?limit=25", method: .get, headers: browser.headers) { String(buffer: $0.body) }
            let users = table.matches(of: /data-user="([^"]*)"/).map { String($0.output.1) }
            #expect(users == listing.customers.map { $0.userId ?? "" })
            let csv = try await client.execute(uri: "/at-risk.csv?limit=25", method: .get, headers: browser.headers) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                return String(buffer: response.body)
            }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 26 && lines[0].hasPrefix("rank,user_id,segment,churn_risk"))
            #expect(lines.dropFirst().map { String($0.split(separator: ",")[1]) } == listing.customers.map { $0.userId ?? "" })

            // A customer's page shows their timeline and, when scored, the same prediction.
            let first = try #require(listing.customers.first?.userId)
            let profile = try await client.execute(uri: "/customer?id=\(first)", method: .get, headers: browser.headers) { String(buffer: $0.body) }
            #expect(profile.contains("Order Completed") && profile.contains("Churn risk"))
        }
    }
}
