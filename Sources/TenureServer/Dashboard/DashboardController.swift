import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging
import Mustache
import NIOCore
import TenureCore
import TenureStore

/// The web dashboard: server-rendered pages behind an admin sign-in (session cookie from an admin
/// API key or a dashboard user's password), CSRF tokens on every form, every chart drawn as SVG
/// on the server.
///
/// Pages: `/` overview, `/retention`, `/churn`, `/at-risk` (and `/at-risk.csv`), `/segments`
/// (with the saved segments and their editor, `DashboardController+Segments.swift`),
/// `/journeys` and `/journey?name=` (`DashboardController+Journeys.swift`), `/customers?q=` (search)
/// and `/customer?id=`. Without a valid session every page answers 401
/// with a sign-in form and no data.
public struct DashboardController: Sendable {
    let source: any DashboardDataSource
    let store: any EventStore
    let directory: (any CustomerDirectory)?
    let users: (any UserStore)?
    let authenticator: APIKeyAuthenticator
    let sessions: DashboardSessions
    let limiter: SignInRateLimiter
    let cache = DashboardCache()
    let library: MustacheLibrary
    let logger: Logger
    /// Where saved segments are kept and evaluated; nil when the store keeps none.
    let segmentStore: (any SegmentStore & SegmentPopulationSource)?
    /// The day segment counts and exports are evaluated on.
    let clock: any WallClock

    /// Sessions are kept in `sessionStore` when given (they survive a restart), else in memory;
    /// failed sign-ins beyond `signInLimit` are answered 429. Saved segments are offered when
    /// `store` keeps them; their counts are evaluated on `clock`'s day.
    public init(
        source: any DashboardDataSource, store: any EventStore, directory: (any CustomerDirectory)?, users: (any UserStore)?,
        authenticator: APIKeyAuthenticator, logger: Logger, sessionStore: (any SessionStore)? = nil, signInLimit: SignInLimit = SignInLimit(),
        clock: any WallClock = SystemWallClock()
    ) throws {
        segmentStore = store as? any SegmentStore & SegmentPopulationSource
        self.clock = clock
        sessions = DashboardSessions(store: sessionStore)
        limiter = SignInRateLimiter(limit: signInLimit)
        self.source = source
        self.store = store
        self.directory = directory
        self.users = users
        self.authenticator = authenticator
        self.logger = logger
        library = try DashboardTemplates.library()
    }

    static let loginCookie = "tenure_login"

    /// A rendered page: status and HTML.
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var html: String
        var refresh = false
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        router.get("/assets/dashboard.css") { _, _ in Self.asset(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.asset(DashboardAssets.js, type: "text/javascript; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Self.asset(DashboardAssets.icon, type: "image/svg+xml") }
        router.get("/login") { request, _ in
            if try await session(request) != nil { return Self.redirect("/") }
            return loginPage(status: .ok, message: nil, next: Self.safeNext(FormBody(request.uri.query ?? "")["next"]))
        }
        router.post("/login") { request, context in try await login(request, context: context) }
        router.post("/logout") { request, _ in
            let form = try await Self.form(request)
            guard let (token, session) = try await sessionAndToken(request) else { return loginPage(status: .unauthorized, message: nil, next: "/") }
            guard let csrf = form["csrf"], DashboardSessions.tokensMatch(csrf, session.csrfToken) else {
                return Self.html(Page(status: .forbidden, html: "<!doctype html><title>Forbidden</title><p>The form had expired; go back and sign out again."))
            }
            try await sessions.end(token: token)
            var response = Self.redirect("/login")
            response.setCookie(Cookie(name: DashboardSessions.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
            return response
        }
        for path in ["/", "/retention", "/churn", "/at-risk", "/segments", "/customers", "/customer"] {
            router.get(RouterPath(path)) { request, _ in
                guard let session = try await session(request) else {
                    return loginPage(status: .unauthorized, message: "Sign in to see the dashboard.", next: Self.requestTarget(request))
                }
                return Self.html(try await render(path: path, query: FormBody(request.uri.query ?? ""), session: session))
            }
        }
        router.get("/at-risk.csv") { request, _ in
            guard try await session(request) != nil else {
                return loginPage(status: .unauthorized, message: "Sign in to export.", next: "/at-risk")
            }
            let query = FormBody(request.uri.query ?? "")
            let snapshot = try await source.current()
            guard let data = try await atRiskData(snapshot, wait: true), data.ranking != nil else {
                return Self.html(Page(status: .serviceUnavailable, html: "<!doctype html><title>Scoring</title><p>The churn model is not ready; try again shortly."))
            }
            let (segment, limit) = Self.atRiskFilter(query)
            let picked = AtRiskPage.selection(data, segment: segment, limit: limit)
            let userIds = try await store.userIds(of: picked.map { snapshot.customerIds[data.ranking!.customers[$0].customer] })
            let reasons = data.reasons(of: picked, in: snapshot)
            var headers = Self.securityHeaders
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.init("Content-Disposition")!] = "attachment; filename=\"tenure-at-risk.csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: AtRiskPage.csv(data, picked: picked, userIds: userIds, reasons: reasons))))
        }
        addSegmentRoutes(to: router)
        addJourneyRoutes(to: router)
    }

    // MARK: Sign-in

    private func login(_ request: Request, context: TenureRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        let next = Self.safeNext(form["next"])
        let usingKey = !(form["key"] ?? "").isEmpty
        let limitKeys = SignInRateLimiter.keys(
            address: clientAddress(request, context: context), user: usingKey ? nil : form["user"].map { String($0.prefix(200)) })
        // Double-submit token: the sign-in form carries the value of a cookie set with it, which
        // another site can neither read nor set.
        guard let expected = request.cookies[Self.loginCookie]?.value, let given = form["csrf"], !expected.isEmpty,
            DashboardSessions.tokensMatch(expected, given)
        else {
            return loginPage(status: .forbidden, message: "The sign-in form had expired. Please try again.", next: next)
        }
        if let wait = await limiter.retryAfter(limitKeys) {
            logger.info("dashboard sign-in rate limited", metadata: ["retryAfter": "\(wait)"])
            var response = loginPage(
                status: .tooManyRequests, message: "Too many failed sign-ins. Try again in \(Self.waitText(wait)).", next: next)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        var subject: String?
        if let key = form["key"], !key.isEmpty {
            if let found = try await authenticator.authenticate(String(key.prefix(200))), found.scope.allows(.admin) {
                subject = "key \(found.prefix)…"
            }
        } else if let name = form["user"], let password = form["password"], !name.isEmpty, let users {
            if let user = try await users.user(named: String(name.prefix(200))), Self.verify(String(password.prefix(200)), hash: user.passwordHash) {
                subject = user.name
            }
        }
        guard let subject else {
            logger.info("dashboard sign-in refused")
            await limiter.failed(limitKeys)
            return loginPage(status: .unauthorized, message: "Wrong admin key, user or password.", next: next)
        }
        await limiter.succeeded(limitKeys)
        let (token, _) = try await sessions.create(subject: subject)
        logger.info("dashboard sign-in", metadata: ["subject": "\(subject)"])
        var response = Self.redirect(next)
        response.setCookie(Cookie(
            name: DashboardSessions.cookieName, value: token, path: "/", secure: request.headers[.init("X-Forwarded-Proto")!] == "https",
            httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: Self.loginCookie, value: "", maxAge: 0, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    /// bcrypt's check; a malformed stored hash never signs anyone in.
    static func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2") else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    func loginPage(status: HTTPResponse.Status, message: String?, next: String) -> Response {
        let token = DashboardSessions.randomToken()
        struct Login: Sendable {
            var message: String?
            var csrf: String
            var next: String
        }
        let frame = PageFrame(title: "Sign in", subtitle: "Tenure dashboard", current: nil, session: nil)
        let html = library.render(PageContext(frame: frame, page: Login(message: message, csrf: token, next: next)), withTemplate: "login") ?? ""
        var response = Self.html(Page(status: status, html: html))
        response.setCookie(Cookie(name: Self.loginCookie, value: token, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    func sessionAndToken(_ request: Request) async throws -> (String, DashboardSession)? {
        guard let token = request.cookies[DashboardSessions.cookieName]?.value, token.count == 64 else { return nil }
        guard let session = try await sessions.session(token: token) else { return nil }
        return (token, session)
    }

    func session(_ request: Request) async throws -> DashboardSession? {
        try await sessionAndToken(request)?.1
    }

    /// The client's IP address for rate limiting: the TCP peer, or the first `X-Forwarded-For`
    /// entry when the configuration trusts a proxy to set it.
    private func clientAddress(_ request: Request, context: TenureRequestContext) -> String {
        if limiter.limit.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty { return String(first.prefix(100)) }
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    static func waitText(_ seconds: Int) -> String {
        seconds < 90 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }

    // MARK: Pages

    /// Renders the page at `path` for `query`; the whole server-side work of a page request.
    func render(path: String, query: FormBody, session: DashboardSession) async throws -> Page {
        let snapshot = try await source.current()
        let search = String((query["q"] ?? "").prefix(200))
        let note = snapshot.range.map {
            "\(ChartFormat.grouped(snapshot.activity.customerCount)) customers, \(ChartFormat.grouped(snapshot.activity.eventCount)) events, \(DayNumber.isoString($0.first)) to \(DayNumber.isoString($0.last))"
        } ?? "no events yet"
        func frame(_ title: String, _ subtitle: String? = nil) -> PageFrame {
            PageFrame(title: title, subtitle: subtitle, current: path, session: session, query: search, dataNote: note)
        }
        func page<T: Sendable>(_ template: String, _ frame: PageFrame, _ model: T, status: HTTPResponse.Status = .ok, refresh: Bool = false) -> Page {
            var frame = frame
            if refresh { frame.refresh = "3" }
            return Page(status: status, html: library.render(PageContext(frame: frame, page: model), withTemplate: template) ?? "", refresh: refresh)
        }
        let version = snapshot.version
        switch path {
        case "/":
            let figures = try await cache.value("overview", version: version, wait: true) { OverviewPage.figures(snapshot) } ?? nil
            let atRisk = try await atRiskData(snapshot, wait: false)
            let model = OverviewPage(figures: figures, atRisk: atRisk)
            return page("overview", frame("Overview", model.periodLabel.isEmpty ? nil : "Last complete month: \(model.periodLabel), against the month before"), model, refresh: atRisk == nil)
        case "/retention":
            let options = RetentionPage.Options { query[$0] }
            let model = try await cache.value(options.key, version: version, wait: true) { RetentionPage.compute(snapshot, options: options) }
            return page("retention", frame("Retention"), model)
        case "/churn":
            let directory = directory
            let trends = try await cache.value("churn", version: version, wait: true) {
                ChurnPage.trends(snapshot, reasons: (try? await directory?.exitReasons()) ?? [])
            }
            let backtest = try await cache.value("backtest", version: version, wait: false) { await ChurnPage.backtest(snapshot) }
            var model = ChurnPage(charts: trends?.charts ?? [], hasReasons: trends?.hasReasons ?? false, backtest: nil, backtestPending: nil)
            switch backtest {
            case .success(let b): model.backtest = b
            case .failure(let failure): model.backtestPending = "The backtest could not run: \(failure.message)"
            case nil: model.backtestPending = "Training the churn model on past data… this page reloads itself."
            }
            return page("churn", frame("Churn"), model, refresh: backtest == nil)
        case "/at-risk":
            let (segment, limit) = Self.atRiskFilter(query)
            let data = try await atRiskData(snapshot, wait: false)
            var userIds: [String?] = [], reasons: [[FeatureContributions.Reason]] = []
            if let data, let ranking = data.ranking {
                let picked = AtRiskPage.selection(data, segment: segment, limit: limit)
                userIds = try await store.userIds(of: picked.map { snapshot.customerIds[ranking.customers[$0].customer] })
                reasons = data.reasons(of: picked, in: snapshot)
            }
            let model = AtRiskPage(data: data, segment: segment, limit: limit, userIds: userIds, reasons: reasons)
            return page("atRisk", frame("At risk", "Valuable customers most likely to leave, and what to do"), model, refresh: data == nil)
        case "/segments":
            let saved = try await savedSegmentsTable()
            let grid = try await cache.value("segments", version: version, wait: true, compute: { SegmentsPage.grid(snapshot) }) ?? nil
            let asOf = grid?.asOf ?? snapshot.range?.last ?? 0
            let to = query["to"].flatMap { DayNumber.day(isoString: $0) } ?? asOf
            let from = query["from"].flatMap { DayNumber.day(isoString: $0) } ?? (to - 90)
            var model = SegmentsPage(
                saved: saved, gridNote: grid?.gridNote ?? "No purchases yet.", hasGrid: grid != nil, fmHeaders: (1...5).map { "FM\($0)" },
                gridRows: grid?.gridRows ?? [], summary: grid?.summary ?? [], charts: grid?.charts ?? [],
                from: DayNumber.isoString(from), to: DayNumber.isoString(to), movement: nil, movementNote: nil)
            if grid == nil {
                model.movementNote = nil
            } else if from >= to || to - from > 366 * 20 {
                model.movementNote = "Pick a “from” date before the “to” date."
            } else {
                model.movement = try await cache.value("movement:\(from):\(to)", version: version, wait: true) { SegmentsPage.movement(snapshot, from: from, to: to) }
            }
            return page("segments", frame("Segments", "Saved segments, and recency, frequency and monetary segments"), model)
        case "/customers":
            let limit = 50
            let matches = search.isEmpty ? [] : (try await directory?.searchCustomers(search, limit: limit) ?? [])
            return page("customers", frame("Customers", "Find a customer by id, alias or trait"), CustomerSearchPage(query: search, matches: matches, limit: limit))
        case "/customer":
            let id = String((query["id"] ?? "").prefix(500))
            guard !id.isEmpty, let profile = try await store.customer(userId: id) else {
                let message = id.isEmpty ? "No customer id given." : "No customer with id “\(id)”."
                return page("customers", frame("Customer not found"), CustomerSearchPage(query: "", matches: [], limit: 1).with(message: message), status: .notFound)
            }
            let events = try await store.events(customerId: profile.id, limit: CustomerPage.eventLimit)
            let atRisk = try await atRiskData(snapshot, wait: false)
            let index = snapshot.index(ofStoreId: profile.id)
            let rfm = try await cache.value("rfm-today", version: version, wait: true) { () -> RFMReport? in
                snapshot.range.map { RFMQuery(asOf: $0.last).run(on: snapshot.activity) }
            } ?? nil
            let segment = index.flatMap { rfm?.segment(ofCustomer: Int32($0)) }
            let position = index.flatMap { atRisk?.position(of: $0) }
            let reasons = position.flatMap { atRisk?.reasons(of: [$0], in: snapshot).first } ?? []
            let model = CustomerPage(
                profile: profile, events: events, atRisk: atRisk, position: position, reasons: reasons, segment: segment)
            return page("customer", frame(profile.userId ?? "Anonymous customer", "Customer profile and timeline"), model)
        default:
            return page("notFound", frame("Not found"), ["message": "There is no such page."], status: .notFound)
        }
    }

    func atRiskData(_ snapshot: DashboardSnapshot, wait: Bool) async throws -> AtRiskData? {
        let logger = logger
        return try await cache.value("atRisk", version: snapshot.version, wait: wait) { await AtRiskData.compute(snapshot, logger: logger) }
    }

    static func atRiskFilter(_ query: FormBody) -> (RFMSegment?, Int) {
        let segment = query["segment"].flatMap(RFMSegment.init(rawValue:))
        let limit = query["limit"].flatMap(Int.init).flatMap { AtRiskPage.limitChoices.contains($0) ? $0 : nil } ?? 50
        return (segment, limit)
    }

    // MARK: Responses

    /// Headers on every dashboard response: no caching of data, no framing, no inline scripts.
    static let securityHeaders: HTTPFields = [
        .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "same-origin",
        .init("X-Frame-Options")!: "DENY",
        .cacheControl: "no-store",
    ]

    static func html(_ page: Page) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: page.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.html)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600", .init("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// Where to go after signing in: only a path on this site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 2000,
            !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return "/" }
        return next
    }

    static func requestTarget(_ request: Request) -> String {
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return safeNext(request.uri.path + query)
    }

    static func form(_ request: Request) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return FormBody(String(buffer: buffer))
    }
}

extension CustomerSearchPage {
    func with(message: String) -> CustomerSearchPage {
        var copy = self
        copy.message = message
        return copy
    }
}
