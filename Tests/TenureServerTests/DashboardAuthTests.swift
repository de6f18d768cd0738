import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import TenureCore
import TenureServer
import TenureStore

@Suite struct DashboardAuthTests {
    /// A sign-in attempt from `address` (sent as X-Forwarded-For): the status, the Retry-After
    /// header and the session cookie when one was set.
    static func attempt(
        _ client: some TestClientProtocol, _ fields: [(String, String)], from address: String
    ) async throws -> (status: HTTPResponse.Status, retryAfter: String?, session: String?, body: String) {
        let forwarded: HTTPFields = [.init("X-Forwarded-For")!: address]
        let login: (cookie: String?, token: String?) = try await client.execute(uri: "/login", method: .get, headers: forwarded) { response in
            (DashboardBrowser.cookie("tenure_login", in: response), DashboardBrowser.csrf(in: String(buffer: response.body)))
        }
        let loginCookie = try #require(login.cookie), loginToken = try #require(login.token)
        var headers = forwarded
        headers[.cookie] = loginCookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(
            uri: "/login", method: .post, headers: headers, body: DashboardBrowser.form([("csrf", loginToken), ("next", "/")] + fields)
        ) { response in
            (response.status, response.headers[.retryAfter], DashboardBrowser.cookie("tenure_session", in: response), String(buffer: response.body))
        }
    }

    @Test func repeatedFailedSignInsGet429WithRetryAfterPerAddressAndPerUserUntilTheWindowPasses() async throws {
        let store = try SQLiteStore.inMemory()
        let adminKey = try await store.createKey(name: "a", scope: .admin).secret
        let writeKey = try await store.createKey(name: "w", scope: .write).secret
        _ = try await store.createUser(name: "ana", passwordHash: DashboardPasswords.hash("correct horse battery"))
        // The limiter's clock is the test's: however slowly a loaded machine runs the attempts,
        // they all fall in the window until the test moves the clock past it.
        let start = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        let window = Duration.seconds(300)
        let limit = SignInLimit(maxFailures: 3, window: window, trustForwardedFor: true, now: { start + elapsed.withLock { $0 } })
        let app = buildApplication(configuration: ServerConfiguration(port: 0, signInLimit: limit), store: store, logger: Logger(label: "test"))
        try await app.test(.router) { client in
            // Wrong and write-only API keys from one address: refused, then rate limited.
            for key in ["tnr_a_" + String(repeating: "0", count: 40), writeKey, "nonsense"] {
                #expect(try await Self.attempt(client, [("key", key)], from: "10.0.0.1").status == .unauthorized)
            }
            let limited = try await Self.attempt(client, [("key", adminKey)], from: "10.0.0.1")
            #expect(limited.status == .tooManyRequests && limited.session == nil)
            let retry = try #require(limited.retryAfter.flatMap(Int.init))
            #expect((1...300).contains(retry))
            #expect(limited.body.contains("Too many failed sign-ins") && limited.body.contains("action=\"/login\""))
            // Another address signs in normally.
            let other = try await Self.attempt(client, [("key", adminKey)], from: "10.0.0.2")
            #expect(other.status == .seeOther && other.session != nil)

            // Failed sign-ins for one name from changing addresses (a name nobody has: no bcrypt
            // check, so they are quick): the name is limited everywhere, in any case …
            for n in 1...3 {
                #expect(try await Self.attempt(client, [("user", "carol"), ("password", "guess \(n)")], from: "10.0.1.\(n)").status == .unauthorized)
            }
            let name = try await Self.attempt(client, [("user", "CAROL"), ("password", "anything at all")], from: "10.0.2.1")
            #expect(name.status == .tooManyRequests)
            let nameRetry = try #require(name.retryAfter.flatMap(Int.init))
            // … while that address may still sign in with a key, and other names are unaffected.
            #expect(try await Self.attempt(client, [("key", adminKey)], from: "10.0.2.1").status == .seeOther)
            let ana = try await Self.attempt(client, [("user", "ana"), ("password", "correct horse battery")], from: "10.0.2.2")
            #expect(ana.status == .seeOther && ana.session != nil)

            // Once the window has passed, the address and the name are checked normally again.
            #expect((1...300).contains(nameRetry))
            elapsed.withLock { $0 = window + .seconds(1) }
            #expect(try await Self.attempt(client, [("key", adminKey)], from: "10.0.0.1").status == .seeOther)
            #expect(try await Self.attempt(client, [("user", "carol"), ("password", "guess 4")], from: "10.0.2.1").status == .unauthorized)
        }
    }

    @Test func sessionsAreStoredAndSurviveARestartUntilSignOutOrExpiry() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tenure.sqlite").path
        let logger = Logger(label: "test")

        // Given a signed-in browser of a server on a database file
        let browser: DashboardBrowser?
        do {
            let store = try SQLiteStore(path: path)
            let adminKey = try await store.createKey(name: "a", scope: .admin).secret
            browser = try await buildApplication(configuration: ServerConfiguration(port: 0), store: store, logger: logger).test(.router) { client in
                try await DashboardBrowser.signIn(client, [("key", adminKey)]).0
            }
        }
        let signedIn = try #require(browser)

        // When the server restarts on the same file, the cookie still signs the browser in
        let store = try SQLiteStore(path: path)
        let token = String(signedIn.cookie.dropFirst("tenure_session=".count))
        #expect(try await store.session(token: token, now: Date())?.subject.hasPrefix("key tnr_a_") == true)
        try await buildApplication(configuration: ServerConfiguration(port: 0), store: store, logger: logger).test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: signedIn.headers) { #expect($0.status == .ok) }
            // An expired session (stored with an expiry in the past) is refused.
            let expired = DashboardSessionsTestToken.make()
            try await store.createSession(token: expired, DashboardSessionRecord(subject: "ana", csrfToken: "x", expiresAt: Date() - 1))
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "tenure_session=" + expired]) { #expect($0.status == .unauthorized) }
            #expect(try await store.deleteSession(token: expired) == false, "refusing it deleted it")
            // Signing out deletes the stored session.
            let form: HTTPFields = [.cookie: signedIn.cookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/logout", method: .post, headers: form, body: DashboardBrowser.form([("csrf", signedIn.csrf)])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/", method: .get, headers: signedIn.headers) { #expect($0.status == .unauthorized) }
        }
        #expect(try await store.session(token: token, now: Date()) == nil)
    }
}

enum DashboardSessionsTestToken {
    /// 64 hex digits, the shape of a session cookie.
    static func make() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
