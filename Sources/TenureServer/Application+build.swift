import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TenureChannels
import TenureCore
import TenureStore

/// How `tenure serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (the bound port is reported through `onServerRunning`).
    public var port: Int
    public var limits: IngestLimits
    /// Scheduled churn scoring (``RiskScoringService``); nil runs none and `GET /api/v1/at-risk`
    /// scores during the request.
    public var riskScoring: RiskScoringService.Configuration?
    /// Where the latest risk ranking is kept across restarts (nil: memory only).
    public var riskScoresFile: URL?
    /// Failed dashboard sign-ins tolerated per client address and per user name.
    public var signInLimit: SignInLimit
    /// Live segment membership (``SegmentService``); nil records none.
    public var segments: SegmentService.Configuration? = SegmentService.Configuration()
    /// The time the act side reads (segment re-evaluation at the hour and day boundaries,
    /// journeys' waits, the outbox's retries).
    public var clock: any WallClock = SystemWallClock()
    /// Journeys (``JourneyScheduler``); nil runs none.
    public var journeys: JourneyScheduler.Configuration? = JourneyScheduler.Configuration()
    /// The outbox's dispatcher (runs whenever journeys do).
    public var outbox = OutboxDispatcher.Configuration()
    /// Channels by the name journeys' send steps use (`webhook`); a message for a channel not
    /// configured waits in the outbox.
    public var channels: [String: any MessageChannel] = [:]
    /// The channel that calls journeys' webhook steps (each with its own URL).
    public var webhookSteps: (any MessageChannel)? = WebhookChannel(.init(url: ""))
    /// The signed one-click unsubscribe links messages carry, served at `/u/:token` (nil: none).
    public var unsubscribeLinks: UnsubscribeLinks?

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: IngestLimits = .segment,
                riskScoring: RiskScoringService.Configuration? = nil, riskScoresFile: URL? = nil, signInLimit: SignInLimit = SignInLimit()) {
        self.signInLimit = signInLimit
        self.host = host
        self.port = port
        self.limits = limits
        self.riskScoring = riskScoring
        self.riskScoresFile = riskScoresFile
    }
}

/// The router with every route Tenure serves; tests build exactly this.
public func buildRouter(
    store: any TenureStoreProtocols, limits: IngestLimits = .segment, logger: Logger,
    snapshots: SnapshotCache? = nil, riskScores: RiskScores? = nil, signInLimit: SignInLimit = SignInLimit(),
    clock: any WallClock = SystemWallClock(), unsubscribeLinks: UnsubscribeLinks? = nil
) -> Router<TenureRequestContext> {
    let router = Router(context: TenureRequestContext.self)
    let authenticator = APIKeyAuthenticator(store: store)
    let queue = IngestQueue(store: store, logger: logger)
    router.get("/health") { _, _ in
        IngestController.json(#"{"status":"ok"}"#)
    }
    IngestController(queue: queue, authenticator: authenticator, limits: limits).addRoutes(to: router)
    AdminController(store: store, authenticator: authenticator).addRoutes(to: router)
    let snapshots = snapshots ?? SnapshotCache(store: store)
    ReportsController(cache: snapshots, authenticator: authenticator).addRoutes(to: router)
    AtRiskController(cache: snapshots, store: store, authenticator: authenticator, scores: riskScores).addRoutes(to: router)
    if let segments = store as? any SegmentStore & SegmentPopulationSource & EventStore {
        SegmentsController(store: segments, cache: snapshots, scores: riskScores, authenticator: authenticator, clock: clock).addRoutes(to: router)
    }
    if let journeys = store as? any JourneyStore & SegmentStore & SnapshotSource {
        JourneysController(store: journeys, cache: snapshots, authenticator: authenticator, clock: clock).addRoutes(to: router)
    }
    if let promoCodes = store as? any PromoCodeStore {
        PromoPoolsController(store: promoCodes, authenticator: authenticator, clock: clock).addRoutes(to: router)
    }
    if let outbox = store as? any OutboxStore {
        OutboxController(store: outbox, authenticator: authenticator, clock: clock).addRoutes(to: router)
    }
    if let templates = store as? any TemplateStore & EventStore {
        TemplatesController(store: templates, authenticator: authenticator).addRoutes(to: router)
    }
    if let unsubscribeLinks {
        UnsubscribeController(store: store, links: unsubscribeLinks, clock: clock).addRoutes(to: router)
    }
    // The dashboard (session sign-in); users, stored sessions and search need a store that offers them.
    do {
        try DashboardController(
            source: SnapshotCacheSource(cache: snapshots), store: store, directory: store as? any CustomerDirectory,
            users: store as? any UserStore, authenticator: authenticator, logger: logger,
            sessionStore: store as? any SessionStore, signInLimit: signInLimit, clock: clock
        ).addRoutes(to: router)
    } catch {
        logger.error("dashboard disabled: its templates did not compile", metadata: ["error": "\(error)"])
    }
    return router
}

/// The application `tenure serve` runs: HTTP server plus background services, shut down
/// gracefully on SIGTERM/SIGINT by `runService()`.
public func buildApplication(
    configuration: ServerConfiguration, store: any TenureStoreProtocols, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let snapshots = SnapshotCache(store: store)
    var services: [any Service] = []
    var riskScores: RiskScores?
    if let scoring = configuration.riskScoring {
        let scores = RiskScores(file: configuration.riskScoresFile, logger: logger)
        services.append(RiskScoringService(configuration: scoring, cache: snapshots, store: store, scores: scores, logger: logger))
        riskScores = scores
    }
    if let segments = configuration.segments, let segmentStore = store as? any SegmentStore & SegmentPopulationSource {
        services.append(SegmentService(
            configuration: segments, store: segmentStore, cache: snapshots, scores: riskScores, clock: configuration.clock, logger: logger))
    }
    if let journeys = configuration.journeys, let journeyStore = store as? any JourneyStore & OutboxStore & SegmentStore & SegmentPopulationSource {
        services.append(JourneyScheduler(
            configuration: journeys, store: journeyStore, cache: snapshots, scores: riskScores, clock: configuration.clock, logger: logger))
        services.append(OutboxDispatcher(
            configuration: configuration.outbox, store: journeyStore, channels: configuration.channels, webhookSteps: configuration.webhookSteps,
            clock: configuration.clock, logger: logger))
    }
    let router = buildRouter(
        store: store, limits: configuration.limits, logger: logger, snapshots: snapshots, riskScores: riskScores,
        signInLimit: configuration.signInLimit, clock: configuration.clock, unsubscribeLinks: configuration.unsubscribeLinks)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tenure"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Builds the application and runs it until SIGTERM or SIGINT, then shuts down gracefully
/// (in-flight requests finish; every acknowledged event is already committed).
public func runServer(
    configuration: ServerConfiguration, store: any TenureStoreProtocols, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    let app = buildApplication(configuration: configuration, store: store, logger: logger, onServerRunning: onServerRunning)
    try await app.runService()
}

/// Every route Tenure serves, as `METHOD /path` (path parameters as `:name`), for tools that
/// visit them all (the hostile-values test).
public func servedRoutes() throws -> [String] {
    buildRouter(
        store: try SQLiteStore.inMemory(), logger: Logger(label: "tenure.routes"),
        unsubscribeLinks: UnsubscribeLinks(secret: Data(repeating: 7, count: 32), baseURL: "http://localhost")
    ).routes.map { "\($0.method.rawValue) \($0.path)" }
}
