import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import TenureCore
import TenureStore

/// Saved segments in the dashboard, behind the same session sign-in as every page; every POST
/// carries the session's CSRF token. Counts, samples and exports are evaluated now, on the current
/// snapshot, exactly as `POST /api/v1/segments/count` and the members export evaluate them.
///
/// - `GET /segments/new?where=`: the editor, prefilled (the RFM grid and the at-risk page link here);
/// - `GET /segments/edit?name=`: the editor for a saved segment;
/// - `POST /segments/preview` (form: `csrf`, `where`, `original`): JSON `{ok, preview}` with the
///   count and a sample of members, or `{ok: false, error}` with the expression's error, its line
///   and column and the offending line split around the token;
/// - `POST /segments/save` (form: `csrf`, `original`, `name`, `where`, `description`): creates or
///   updates, then redirects to `/segments`; a refused save re-renders the editor with the error;
/// - `GET /segments/export.csv?name=`: `customer_id,user_id` of every current member.
extension DashboardController {
    func addSegmentRoutes(to router: Router<TenureRequestContext>) {
        router.get("/segments/new") { request, _ in
            guard let session = try await session(request) else { return signInFirst(request) }
            let query = FormBody(request.uri.query ?? "")
            var editor = SegmentEditorPage(
                original: nil, name: String((query["name"] ?? "").prefix(200)), expression: String((query["where"] ?? "").prefix(SegmentExpressionLimits.maximumTextLength + 1)),
                description: "", csrf: session.csrfToken)
            if !editor.expression.isEmpty { editor = try await previewed(editor, excluding: nil) }
            return Self.html(try await editorPage(editor, session: session, status: .ok))
        }
        router.get("/segments/edit") { request, _ in
            guard let session = try await session(request) else { return signInFirst(request) }
            let name = FormBody(request.uri.query ?? "")["name"] ?? ""
            // Without a name there is nothing to edit: a new one, then.
            guard !name.isEmpty else { return Self.redirect("/segments/new") }
            guard let store = segmentStore, let saved = try await store.segment(named: name) else {
                return Self.html(try await notFound("No saved segment named “\(name.prefix(200))”.", session: session))
            }
            let editor = SegmentEditorPage(
                original: saved.name, name: saved.name, expression: saved.definition, description: saved.description, csrf: session.csrfToken)
            return Self.html(try await editorPage(try await previewed(editor, excluding: saved.name), session: session, status: .ok))
        }
        router.post("/segments/preview") { request, _ in
            let form = try await Self.form(request)
            guard let session = try await session(request) else {
                return Self.json(SegmentEditorPage.PreviewAnswer(ok: false, preview: nil, error: .init(message: "Your session has ended; sign in again.")), status: .unauthorized)
            }
            guard let csrf = form["csrf"], DashboardSessions.tokensMatch(csrf, session.csrfToken) else {
                return Self.json(SegmentEditorPage.PreviewAnswer(ok: false, preview: nil, error: .init(message: "The form has expired; reload the page.")), status: .forbidden)
            }
            let original = form["original"].flatMap { $0.isEmpty ? nil : $0 }
            let editor = try await previewed(
                SegmentEditorPage(original: original, name: "", expression: form["where"] ?? "", description: "", csrf: ""), excluding: original)
            // An expression with an error is a successful preview whose answer is the error.
            if let error = editor.error { return Self.json(SegmentEditorPage.PreviewAnswer(ok: false, preview: nil, error: error), status: .ok) }
            return Self.json(SegmentEditorPage.PreviewAnswer(ok: true, preview: editor.preview, error: nil), status: .ok)
        }
        router.post("/segments/save") { request, _ in
            let form = try await Self.form(request)
            guard let session = try await session(request) else { return signInFirst(request) }
            guard let csrf = form["csrf"], DashboardSessions.tokensMatch(csrf, session.csrfToken) else {
                return Self.html(Page(status: .forbidden, html: "<!doctype html><title>Forbidden</title><p>The form had expired; go back, reload and save again."))
            }
            return try await save(form, session: session)
        }
        router.get("/segments/export.csv") { request, _ in
            guard let session = try await session(request) else { return signInFirst(request, message: "Sign in to export.") }
            let name = FormBody(request.uri.query ?? "")["name"] ?? ""
            // Without a name, the list to pick one from.
            guard !name.isEmpty else { return Self.redirect("/segments#saved-segments") }
            guard let store = segmentStore, let saved = try await store.segment(named: name) else {
                return Self.html(try await notFound("No saved segment named “\(name.prefix(200))”.", session: session))
            }
            let snapshot = try await source.current()
            let members: [Int64]
            do {
                members = try await evaluate(try saved.expression(), excluding: saved.name, snapshot: snapshot).members
            } catch let error as SegmentExpressionError {
                return Self.html(try await notFound("The segment cannot be evaluated: \(error.message)", session: session))
            }
            var csv = "customer_id,user_id\r\n"
            for start in stride(from: 0, to: members.count, by: 10_000) {
                let part = Array(members[start..<min(start + 10_000, members.count)])
                for (id, user) in zip(part, try await self.store.userIds(of: part)) { csv += "\(id),\(AtRiskPage.csvCell(user ?? ""))\r\n" }
            }
            var headers = Self.securityHeaders
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"tenure-segment-\(saved.id).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    /// The saved segments table for the Segments page.
    func savedSegmentsTable() async throws -> SavedSegmentsTable {
        guard let store = segmentStore else { return SavedSegmentsTable(available: false, rows: []) }
        var rows: [SavedSegmentsTable.Row] = []
        for s in try await store.segments() {
            rows.append(SavedSegmentsTable.row(s, sizes: try await store.segmentSizes(of: s.id, days: SavedSegmentsTable.trendDays)))
        }
        return SavedSegmentsTable(available: true, rows: rows)
    }

    // MARK: Evaluation

    /// The store ids (ascending) of `expression`'s members now, and the customers it was evaluated
    /// among. `excluding` is a segment being edited, which the expression may not refer to.
    private func evaluate(_ expression: SegmentExpression, excluding: String?, snapshot: DashboardSnapshot) async throws -> (
        members: [Int64], customers: Int, note: String?
    ) {
        guard let store = segmentStore, let storeSnapshot = snapshot.store else {
            throw DashboardSegmentsUnavailable()
        }
        var definitions = try SegmentMembership.expressions(of: try await store.segments().filter { $0.name != excluding })
        let preview = "\u{0}preview"
        definitions[preview] = expression
        // Churn risk and expected loss come from the churn model the at-risk page trains; the
        // other metrics are computed from the data.
        var scores: CustomerScores?, note: String?
        if !SegmentRequirements(definitions.values).metrics.isDisjoint(with: [.churnRisk, .expectedLoss]) {
            let data = try await atRiskData(snapshot, wait: true)
            scores = data?.ranking?.scores.flatMap { $0.customerCount <= storeSnapshot.customerIds.count ? $0 : nil }
            if scores == nil { note = "The churn model is not ready, so churn_risk and expected_loss match no one yet." }
        }
        let (members, _) = try await SegmentMembership.evaluate(
            definitions, source: store, snapshot: storeSnapshot, asOf: DayNumber.day(of: clock.now()), scores: scores)
        let ids = members[preview].map { SegmentMembership.storeIds($0, in: storeSnapshot) } ?? []
        return (ids, storeSnapshot.customerIds.count, note)
    }

    /// `editor` with its expression's error or its preview filled in.
    private func previewed(_ editor: SegmentEditorPage, excluding: String?) async throws -> SegmentEditorPage {
        var editor = editor
        editor.error = nil
        editor.preview = nil
        do {
            let known = Set(try await segmentStore?.segments().map(\.name) ?? []).subtracting(excluding.map { [$0] } ?? [])
            let expression = try SegmentExpression(parsing: editor.expression, knownSegments: known)
            let result = try await evaluate(expression, excluding: excluding, snapshot: try await source.current())
            let sampleIds = Array(result.members.prefix(SegmentEditorPage.sampleSize))
            let sample = zip(sampleIds, try await store.userIds(of: sampleIds)).map { SegmentEditorPage.member($0, userId: $1) }
            editor.preview = SegmentEditorPage.Preview(
                count: result.members.count, customers: result.customers,
                countText: SegmentEditorPage.countText(result.members.count, of: result.customers), sample: sample, note: result.note)
        } catch let error as SegmentExpressionError {
            editor.error = SegmentEditorPage.errorView(error, in: editor.expression)
        } catch is DashboardSegmentsUnavailable {
            editor.error = .init(message: DashboardSegmentsUnavailable.message)
        }
        return editor
    }

    // MARK: Saving

    private func save(_ form: FormBody, session: DashboardSession) async throws -> Response {
        let original = form["original"].flatMap { $0.isEmpty ? nil : $0 }
        var editor = SegmentEditorPage(
            original: original, name: original ?? form["name"] ?? "", expression: form["where"] ?? "", description: form["description"] ?? "",
            csrf: session.csrfToken)
        guard let store = segmentStore else {
            editor.nameError = DashboardSegmentsUnavailable.message
            return Self.html(try await editorPage(editor, session: session, status: .serviceUnavailable))
        }
        let known = Set(try await store.segments().map(\.name)).subtracting(original.map { [$0] } ?? [])
        let expression: SegmentExpression
        do {
            expression = try SegmentExpression(parsing: editor.expression, knownSegments: known)
        } catch {
            editor.error = SegmentEditorPage.errorView(error, in: editor.expression)
            return Self.html(try await editorPage(editor, session: session, status: .badRequest))
        }
        do {
            if let original {
                _ = try await store.updateSegment(name: original, definition: expression.description, description: editor.description, by: session.subject)
            } else {
                _ = try await store.createSegment(name: editor.name, definition: expression.description, description: editor.description, by: session.subject)
            }
        } catch let error as SegmentStoreError {
            editor.nameError = Self.sentence(error.description)
            let status: HTTPResponse.Status = switch error {
            case .segmentExists, .usedBy: .conflict
            case .noSuchSegment: .notFound
            case .invalidName: .badRequest
            }
            return Self.html(try await editorPage(try await previewed(editor, excluding: original), session: session, status: status))
        }
        logger.info("dashboard segment saved", metadata: ["segment": "\(editor.name)", "subject": "\(session.subject)", "new": "\(original == nil)"])
        return Self.redirect("/segments#saved-segments")
    }

    // MARK: Pages

    private func editorPage(_ editor: SegmentEditorPage, session: DashboardSession, status: HTTPResponse.Status) async throws -> Page {
        let frame = try await segmentFrame(editor.isNew ? "New segment" : "Edit segment", session: session,
            subtitle: editor.isNew ? "Describe who belongs; the count updates as you type" : editor.original)
        return Page(status: status, html: library.render(PageContext(frame: frame, page: editor), withTemplate: "segmentEditor") ?? "")
    }

    private func notFound(_ message: String, session: DashboardSession) async throws -> Page {
        let frame = try await segmentFrame("Not found", session: session, subtitle: nil)
        return Page(status: .notFound, html: library.render(PageContext(frame: frame, page: ["message": message]), withTemplate: "notFound") ?? "")
    }

    private func segmentFrame(_ title: String, session: DashboardSession, subtitle: String?) async throws -> PageFrame {
        PageFrame(title: title, subtitle: subtitle, current: "/segments", session: session)
    }

    private func signInFirst(_ request: Request, message: String = "Sign in to see the dashboard.") -> Response {
        loginPage(status: .unauthorized, message: message, next: Self.requestTarget(request))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "application/json; charset=utf-8"
        let data = (try? JSONEncoder().encode(value)) ?? Data(#"{"ok":false}"#.utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A store message as a sentence: capitalized, with a full stop.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }
}

/// The store keeps no saved segments (or the snapshot is synthetic), so the editor cannot count.
struct DashboardSegmentsUnavailable: Error {
    static let message = "Saved segments need a store that keeps them (the SQLite store); this server has none."
}

extension SegmentEditorPage.ErrorView {
    /// An error without a position in the text.
    init(message: String) {
        self.init(message: message, position: nil, line: nil, column: nil, token: "", before: "", at: "", after: "")
    }
}
