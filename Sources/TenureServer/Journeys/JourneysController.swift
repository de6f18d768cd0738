import Foundation
import Hummingbird
import TenureCore
import TenureDocuments
import TenureStore

/// `/api/v1/journeys`: journeys over the admin JSON API (admin key).
///
/// - `GET /api/v1/journeys` (`?archived=true` to include archived ones): each with status and version;
/// - `POST /api/v1/journeys` (a journey document, JSON or with `Content-Type: application/yaml`
///   YAML): a new journey (201) or a new version of one (200); a refused document is a 400 with
///   `code: "invalid_journey"`, the `path` (step and field) or the `line` and `column`, and the `message`;
/// - `GET /api/v1/journeys/playbooks`: the playbooks Tenure ships; `POST /api/v1/journeys/install`
///   (`{"playbook": "win-back", "industry": "d2c", "channel": …, "name": …}`) saves one and
///   the segments it needs (201, or 200 for a new version);
/// - `GET /api/v1/journeys/:name`: its status and current document;
/// - `POST /api/v1/journeys/:name/pause`, `…/resume`, `…/archive`;
/// - `GET /api/v1/journeys/:name/report`: entries by arm, runs per step, messages by state, and
///   treatment against control (conversion, retention at 30/60/90 days, revenue per customer) with
///   the uplift, its 95% interval and whether it is significant.
public struct JourneysController: Sendable {
    let store: any JourneyStore & SegmentStore & SnapshotSource
    let cache: SnapshotCache
    let authenticator: APIKeyAuthenticator
    let clock: any WallClock

    public init(store: any JourneyStore & SegmentStore & SnapshotSource, cache: SnapshotCache, authenticator: APIKeyAuthenticator, clock: any WallClock) {
        self.store = store
        self.cache = cache
        self.authenticator = authenticator
        self.clock = clock
    }

    struct Summary: Encodable {
        var name: String
        var status: String
        var version: Int
        var updatedBy: String
        var updatedAt: Date
        var document: JSONValue?
    }

    struct Listing: Encodable { var journeys: [Summary] }

    struct Report: Encodable {
        struct Arm: Encodable {
            var entered: Int
            var active: Int
            var converted: Int
            var goalWindowClosed: Int
        }
        var journey: Summary
        var arms: [String: Arm]
        var steps: [String: Int]
        var messages: [String: Int]
        var withheld: Int
        var uplift: JourneyReport
        var upliftModel: UpliftModelSummary
    }

    /// The journey's own uplift model (``JourneyUpliftModel``): how well its ranking separates
    /// who the journey changes, as the Qini coefficient of its cross-fitted scores.
    struct UpliftModelSummary: Encodable {
        var entries: Int
        var qiniCoefficient: Double?
        var unavailable: String?
    }

    struct InvalidJourney: Encodable {
        var code = "invalid_journey"
        var path: String
        var line: Int?
        var column: Int?
        var message: String

        init(_ error: JourneyDocumentFileError) {
            switch error {
            case .journey(let e):
                path = e.path
                message = e.message
            case .yaml(let e):
                path = ""
                line = e.line
                column = e.column
                message = "the document is not valid YAML: \(e.message)"
            default:
                path = ""
                message = error.description
            }
        }
    }

    struct PlaybookListing: Encodable {
        struct Playbook: Encodable {
            var id: String
            var summary: String
            var industries: [String]
            var segments: [String: String]
        }
        var playbooks: [Playbook]
    }

    struct InstallRequest: Decodable {
        var playbook: String
        var industry: String?
        var channel: String?
        var name: String?
    }

    static func summary(_ j: SavedJourney, document: Bool) -> Summary {
        Summary(name: j.name, status: j.status.rawValue, version: j.version, updatedBy: j.updatedBy, updatedAt: j.updatedAt, document: document ? j.definition.json : nil)
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/journeys")
        group.get { request, _ in
            _ = try await admin(request)
            let archived = request.uri.queryParameters.get("archived") == "true"
            return try AdminController.encode(Listing(journeys: try await store.journeys(includingArchived: archived).map { Self.summary($0, document: false) }))
        }
        group.post { request, _ in
            let key = try await admin(request)
            let buffer = try await request.body.collect(upTo: YAMLDocument.maximumBytes)
            let definition: JourneyDefinition
            let known = Set(try await store.segments().map(\.name))
            let format = request.headers[.contentType].flatMap(JourneyDocumentFile.Format.init(mediaType:)) ?? .json
            let data = Data(buffer.readableBytesView)
            switch Result(catching: { () throws(JourneyDocumentFileError) in try JourneyDocumentFile.definition(from: data, format: format, knownSegments: known) }) {
            case .success(let d): definition = d
            case .failure(let error):
                var response = try AdminController.encode(InvalidJourney(error))
                response.status = .badRequest
                return response
            }
            if let existing = try await store.journey(named: definition.name), existing.status == .archived {
                throw APIError(status: .conflict, code: "journey_archived", message: JourneyStoreError.archived(definition.name).description, field: "name")
            }
            let saved = try await store.saveJourney(definition, by: key.name)
            var response = try AdminController.encode(Self.summary(saved, document: true))
            response.status = saved.version == 1 ? .created : .ok
            return response
        }
        group.get("/playbooks") { request, _ in
            _ = try await admin(request)
            return try AdminController.encode(PlaybookListing(playbooks: JourneyPlaybook.all.map {
                .init(id: $0.id, summary: $0.summary, industries: $0.industries.map(\.rawValue), segments: $0.segments)
            }))
        }
        group.post("/install") { request, _ in
            let key = try await admin(request)
            let buffer = try await request.body.collect(upTo: 1 << 16)
            let body: InstallRequest
            do {
                body = try JSONDecoder().decode(InstallRequest.self, from: Data(buffer.readableBytesView))
            } catch {
                throw APIError(status: .badRequest, code: "invalid_json", message: #"the body must be a JSON object such as {"playbook": "win-back", "industry": "d2c"}: \#(error)"#)
            }
            guard let playbook = JourneyPlaybook.named(body.playbook) else {
                throw APIError(status: .notFound, code: "no_such_playbook", message: "there is no playbook named \"\(body.playbook)\"; the playbooks are \(JourneyPlaybook.all.map(\.id).joined(separator: ", "))", field: "playbook")
            }
            guard let industry = JourneyIndustry(rawValue: body.industry ?? "d2c") else {
                throw APIError(status: .badRequest, code: "invalid_industry", message: "industry must be one of \(JourneyIndustry.allCases.map(\.rawValue).joined(separator: ", "))", field: "industry")
            }
            do {
                let outcome = try await PlaybookInstaller(store: store).install(playbook, industry: industry, channel: body.channel, name: body.name, by: key.name)
                var response = try AdminController.encode(outcome)
                response.status = outcome.version == 1 ? .created : .ok
                return response
            } catch let error as JourneyDocumentFileError {
                var response = try AdminController.encode(InvalidJourney(error))
                response.status = .badRequest
                return response
            } catch let error as JourneyStoreError {
                throw Self.apiError(error)
            }
        }
        group.get("/:name") { request, context in
            _ = try await admin(request)
            return try AdminController.encode(Self.summary(try await journey(context), document: true))
        }
        for (action, status) in [("pause", JourneyStatus.paused), ("resume", .active), ("archive", .archived)] {
            group.post("/:name/\(action)") { request, context in
                let key = try await admin(request)
                do {
                    return try AdminController.encode(Self.summary(try await store.setJourneyStatus(named: try SegmentsController.name(context), to: status, by: key.name), document: false))
                } catch let error as JourneyStoreError {
                    throw Self.apiError(error)
                }
            }
        }
        group.get("/:name/report") { request, context in
            _ = try await admin(request)
            let j = try await journey(context)
            let now = clock.now()
            let counts = try await store.journeyCounts(id: j.id, at: now)
            let snapshot = try await cache.current()
            let entries = try await store.journeyEntries(id: j.id, at: now)
            let uplift = store.journeyReport(j, snapshot: snapshot, at: now, entries: entries, promoCodes: counts.promoCodes)
            var arms: [String: Report.Arm] = [:]
            for (name, arm) in [("treatment", JourneyArm.treatment), ("holdout", .holdout), ("globalControl", .globalControl)] {
                let a = counts.arms[arm] ?? .init()
                arms[name] = Report.Arm(entered: a.entered, active: a.active, converted: a.converted, goalWindowClosed: a.decided)
            }
            let model: UpliftModelSummary
            if let m = JourneyUpliftModel(entries: entries, snapshot: snapshot) {
                switch Result(catching: { () throws(UpliftModelError) in try m.qiniCoefficient() }) {
                case .success(let q): model = UpliftModelSummary(entries: m.treated.count, qiniCoefficient: q, unavailable: q == nil ? "nobody converted" : nil)
                case .failure(let e): model = UpliftModelSummary(entries: m.treated.count, qiniCoefficient: nil, unavailable: e.description)
                }
            } else {
                model = UpliftModelSummary(
                    entries: 0, qiniCoefficient: nil,
                    unavailable: "each arm needs \(JourneyTarget.minimumArmEntries) entries whose goal window has closed")
            }
            return try AdminController.encode(Report(
                journey: Self.summary(j, document: false), arms: arms, steps: counts.steps, messages: counts.messages, withheld: counts.withheld, uplift: uplift,
                upliftModel: model))
        }
    }

    private func admin(_ request: Request) async throws -> APIKey {
        try await authenticator.require(.admin, headers: request.headers)
    }

    private func journey(_ context: TenureRequestContext) async throws -> SavedJourney {
        let name = try SegmentsController.name(context)
        guard let j = try await store.journey(named: name) else { throw Self.apiError(.noSuchJourney(name)) }
        return j
    }

    static func apiError(_ error: JourneyStoreError) -> APIError {
        switch error {
        case .noSuchJourney: APIError(status: .notFound, code: "not_found", message: error.description)
        case .archived: APIError(status: .conflict, code: "journey_archived", message: error.description)
        }
    }
}
