import Foundation
import Logging
import ServiceLifecycle
import TenureCore
import TenureStore

/// Keeps saved segments' membership live in `tenure serve`: re-evaluates when the snapshot has new
/// events, the segments or the churn scores changed, or the clock passed an hour (at the latest;
/// so also the day boundary), since windows such as "no purchase in the last 30 days" change with
/// time alone, and records each entry and exit exactly once (see ``SegmentStore``). When only new
/// events arrived within the hour, only the customers they touch are evaluated again
/// (``SegmentMembership/refresh(store:snapshot:scores:scoresVersion:at:asOf:state:)``); every
/// other reason evaluates every segment in full.
public actor SegmentService: Service {
    public struct Configuration: Sendable {
        /// How often to look for a reason to re-evaluate.
        public var checkInterval: Duration
        public init(checkInterval: Duration = .seconds(5)) {
            self.checkInterval = checkInterval
        }
    }

    let configuration: Configuration
    let store: any SegmentStore & SegmentPopulationSource
    let cache: SnapshotCache
    let scores: RiskScores?
    let clock: any WallClock
    let logger: Logger
    /// What the last recording saw; a change in any part is a reason to evaluate again.
    private var lastKey: Key?
    /// The last evaluation, for the next one to continue from.
    private var state: SegmentRefreshState?

    struct Key: Equatable {
        /// Customers' own events in the snapshot: not its next sequence number, which the Segment
        /// Entered / Exited events a recording writes move on, and which would otherwise make every
        /// recording a reason for another evaluation.
        var activityEvents: Int
        var mergeGeneration: Int
        var customers: Int
        var segments: [String]
        var scoredAt: Date?
        var hour: Int64
    }

    public init(
        configuration: Configuration = Configuration(), store: any SegmentStore & SegmentPopulationSource, cache: SnapshotCache,
        scores: RiskScores?, clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.cache = cache
        self.scores = scores
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await ServiceLoop.run(every: configuration.checkInterval, logger: logger, failure: "segment refresh failed") {
            try await refreshIfNeeded()
            return false
        }
    }

    /// Re-evaluates and records when something changed since the last recording; returns the
    /// outcomes, or nil when nothing had changed.
    @discardableResult
    public func refreshIfNeeded() async throws -> [SegmentMembershipOutcome]? {
        let now = clock.now()
        let saved = try await store.segments()
        guard !saved.isEmpty else { return nil }
        let snapshot = try await cache.current()
        let ranking = await scores?.latest
        let key = Key(
            activityEvents: snapshot.activity.eventCount, mergeGeneration: snapshot.mergeGeneration, customers: snapshot.customerIds.count,
            segments: saved.map { "\($0.id)\u{1F}\($0.definition)" }, scoredAt: ranking?.scoredAt,
            hour: Int64((now.timeIntervalSince1970 / 3600).rounded(.down)))
        guard key != lastKey else { return nil }
        let started = ContinuousClock.now
        let customerScores = ranking?.customerScores(for: snapshot)
        // A new hour evaluates everyone again: windows move at the day boundary, and a full pass
        // once an hour bounds what any missed change could cost.
        var previous = key.hour == lastKey?.hour ? state : nil
        state = nil  // the one copy is patched (and a failed refresh starts over in full)
        let outcomes = try await SegmentMembership.refresh(
            store: store, snapshot: snapshot, scores: customerScores, scoresVersion: ranking?.scoredAt, at: now, state: &previous)
        state = previous
        lastKey = key
        let entered = outcomes.reduce(0) { $0 + $1.transitions.entered.count }, exited = outcomes.reduce(0) { $0 + $1.transitions.exited.count }
        logger.info("segments refreshed", metadata: [
            "segments": "\(outcomes.count)", "incremental": "\(state?.continuedFromPrevious ?? false)", "entered": "\(entered)", "exited": "\(exited)", "seconds": "\(ContinuousClock.now - started)",
        ])
        return outcomes
    }
}
