import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import TenureCore
import TenureStore

/// Journeys in the dashboard, behind the same session sign-in as every page; every POST carries
/// the session's CSRF token (the dashboard has no roles: a signed-in session may change a journey,
/// as it may save a segment). Counts and reports are read now, at the dashboard's clock, exactly
/// as `GET /api/v1/journeys/:name/report` reads them.
///
/// - `GET /journeys` (`?archived=true` to list archived ones too): the list;
/// - `GET /journey?name=`: one journey's page, 404 for an unknown name;
/// - `POST /journey/pause`, `/journey/resume`, `/journey/archive` (form: `csrf`, `name`): changes
///   the status, then redirects to the journey's page.
extension DashboardController {
    /// The store's journeys, when it keeps them.
    var journeyStore: (any JourneyStore & SnapshotSource)? { store as? any JourneyStore & SnapshotSource }

    static let noJourneyStore = "Journeys need a store that keeps them (the SQLite store); this server has none."

    func addJourneyRoutes(to router: Router<TenureRequestContext>) {
        router.get("/journeys") { request, _ in
            guard let session = try await session(request) else { return journeySignIn(request) }
            let archived = FormBody(request.uri.query ?? "")["archived"] == "true"
            return Self.html(try await journeysPage(session: session, includingArchived: archived))
        }
        router.get("/journey") { request, _ in
            guard let session = try await session(request) else { return journeySignIn(request) }
            let name = FormBody(request.uri.query ?? "")["name"] ?? ""
            guard !name.isEmpty else { return Self.redirect("/journeys") }
            return Self.html(try await journeyPage(named: name, session: session))
        }
        for (verb, status) in [("pause", JourneyStatus.paused), ("resume", .active), ("archive", .archived)] {
            router.post(RouterPath("/journey/\(verb)")) { request, _ in
                let form = try await Self.form(request)
                guard let session = try await session(request) else { return journeySignIn(request, message: "Sign in to change a journey.") }
                guard let csrf = form["csrf"], DashboardSessions.tokensMatch(csrf, session.csrfToken) else {
                    return Self.html(Page(status: .forbidden, html: "<!doctype html><title>Forbidden</title><p>The form had expired; go back, reload and try again."))
                }
                let name = form["name"] ?? ""
                guard let store = journeyStore else { return Self.html(journeyMessage(Self.noJourneyStore, status: .serviceUnavailable, session: session)) }
                do {
                    _ = try await store.setJourneyStatus(named: name, to: status, by: session.subject)
                } catch let error as JourneyStoreError {
                    let code: HTTPResponse.Status = switch error {
                    case .noSuchJourney: .notFound
                    case .archived: .conflict
                    }
                    return Self.html(journeyMessage(Self.sentence(error.description), status: code, session: session))
                }
                logger.info("dashboard journey status", metadata: ["journey": "\(name)", "status": "\(status.rawValue)", "subject": "\(session.subject)"])
                return Self.redirect(JourneysPage.link(name))
            }
        }
    }

    /// The list of journeys, with each one's counts and conversion uplift.
    func journeysPage(session: DashboardSession, includingArchived: Bool) async throws -> Page {
        let frame = PageFrame(title: "Journeys", subtitle: "Triggered campaigns, each measured against its holdout", current: "/journeys", session: session)
        guard let store = journeyStore else {
            let model = JourneysPage(unavailable: Self.noJourneyStore, rows: [], showingArchived: includingArchived)
            return Page(status: .ok, html: library.render(PageContext(frame: frame, page: model), withTemplate: "journeys") ?? "")
        }
        let now = clock.now()
        let snapshot = try await source.current()
        var rows: [JourneysPage.Row] = []
        for j in try await store.journeys(includingArchived: includingArchived) {
            let counts = try await store.journeyCounts(id: j.id, at: now)
            let report = try await journeyReport(j, counts: counts, store: store, snapshot: snapshot, at: now)
            rows.append(JourneysPage.row(j, counts: counts, report: report))
        }
        let model = JourneysPage(unavailable: nil, rows: rows, showingArchived: includingArchived)
        return Page(status: .ok, html: library.render(PageContext(frame: frame, page: model), withTemplate: "journeys") ?? "")
    }

    /// One journey's page, or a 404 page when there is no journey of that name.
    func journeyPage(named name: String, session: DashboardSession) async throws -> Page {
        guard let store = journeyStore else { return journeyMessage(Self.noJourneyStore, status: .serviceUnavailable, session: session) }
        guard let j = try await store.journey(named: name) else {
            return journeyMessage("No journey named “\(name.prefix(200))”. The journeys page lists them all.", status: .notFound, session: session)
        }
        let now = clock.now()
        let counts = try await store.journeyCounts(id: j.id, at: now)
        let report = try await journeyReport(j, counts: counts, store: store, snapshot: try await source.current(), at: now)
        let model = JourneyPage(j, counts: counts, report: report, csrf: session.csrfToken)
        let frame = PageFrame(title: j.name, subtitle: j.definition.description.isEmpty ? "Journey" : j.definition.description, current: "/journeys", session: session)
        return Page(status: .ok, html: library.render(PageContext(frame: frame, page: model), withTemplate: "journey") ?? "")
    }

    /// The journey's report on `now`'s day, computed once for what it depends on: the snapshot's
    /// version, the journey's version, the day, and its entries (which only grow, and whose
    /// conversions and closed goal windows only grow, so their counts identify them). Nil for a
    /// synthetic snapshot.
    private func journeyReport(
        _ j: SavedJourney, counts: JourneyCounts, store: any JourneyStore & SnapshotSource, snapshot: DashboardSnapshot, at now: Date
    ) async throws -> JourneyReport? {
        guard let storeSnapshot = snapshot.store else { return nil }
        let arms = counts.arms.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value.entered)/\($0.value.converted)/\($0.value.decided)" }
        let key = "journey-report:\(j.id):\(j.version):\(DayNumber.day(of: now)):" + arms.joined(separator: ",")
        return try await cache.value(key, version: snapshot.version, wait: true) {
            store.journeyReport(
                j, snapshot: storeSnapshot, at: now, entries: try await store.journeyEntries(id: j.id, at: now), promoCodes: counts.promoCodes)
        }
    }

    private func journeyMessage(_ message: String, status: HTTPResponse.Status, session: DashboardSession) -> Page {
        let frame = PageFrame(title: status == .notFound ? "Not found" : "Journeys", current: "/journeys", session: session)
        return Page(status: status, html: library.render(PageContext(frame: frame, page: ["message": message]), withTemplate: "notFound") ?? "")
    }

    private func journeySignIn(_ request: Request, message: String = "Sign in to see the dashboard.") -> Response {
        loginPage(status: .unauthorized, message: message, next: Self.requestTarget(request))
    }
}
