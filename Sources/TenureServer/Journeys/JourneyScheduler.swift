import Foundation
import Logging
import ServiceLifecycle
import TenureCore
import TenureStore

/// Runs journeys in `tenure serve`: reads new events (entries, goal conversions, awaited
/// events), then runs every customer whose step is due, committing each run's position and
/// messages in one transaction (see ``JourneyStore``). Time comes from an injected clock, so
/// waits are tested without waiting. Timers live in the store: after a restart, late ones fire
/// at once, earliest first.
public actor JourneyScheduler: Service {
    public struct Configuration: Sendable {
        /// How often to look for new events and due steps when the last pass found nothing.
        public var interval: Duration
        /// Events read per transaction.
        public var eventBatch: Int
        /// Due customers run per transaction.
        public var stepBatch: Int
        /// The share of customers in the global control group, who receive no campaign (0: none).
        public var globalControlShare: Double
        /// The business's time zone, for customers without a valid `timezone` trait.
        public var defaultTimeZone: TimeZone

        public init(
            interval: Duration = .milliseconds(250), eventBatch: Int = 20_000, stepBatch: Int = 2_000, globalControlShare: Double = 0,
            defaultTimeZone: TimeZone = TimeZone(identifier: "UTC")!
        ) {
            self.interval = interval
            self.eventBatch = eventBatch
            self.stepBatch = stepBatch
            self.globalControlShare = globalControlShare
            self.defaultTimeZone = defaultTimeZone
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var events = JourneyEventPass()
        /// Customer runs committed.
        public var runs = 0
        public init() {}
    }

    let configuration: Configuration
    let store: any JourneyStore & SegmentStore & SegmentPopulationSource
    let cache: SnapshotCache
    let scores: RiskScores?
    let clock: any WallClock
    let logger: Logger
    private var conditions: ConditionCache?

    public init(
        configuration: Configuration = Configuration(), store: any JourneyStore & SegmentStore & SegmentPopulationSource, cache: SnapshotCache,
        scores: RiskScores? = nil, clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.cache = cache
        self.scores = scores
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await ServiceLoop.run(every: configuration.interval, logger: logger, failure: "journey pass failed") {
            let pass = try await runOnce()
            return pass.events.more || pass.runs >= configuration.stepBatch
        }
    }

    /// One pass: every new event (in batches), then every customer due now.
    @discardableResult
    public func runOnce() async throws -> Pass {
        var pass = Pass()
        let journeys = try await store.journeys(includingArchived: false)
        guard !journeys.isEmpty else { return pass }
        repeat {
            let events = try await store.processEvents(
                journeys: journeys, limit: configuration.eventBatch, at: clock.now(), globalControlShare: configuration.globalControlShare)
            pass.events.events += events.events
            pass.events.refused += events.refused
            pass.events.converted += events.converted
            pass.events.woken += events.woken
            pass.events.entered.merge(events.entered, uniquingKeysWith: +)
            pass.events.more = events.more
        } while pass.events.more && !Task.isCancelled
        while !Task.isCancelled {
            let runs = try await runDue()
            pass.runs += runs.count
            if runs.due < configuration.stepBatch { break }
        }
        if pass.runs > 0 || !pass.events.entered.isEmpty {
            logger.info("journeys ran", metadata: [
                "events": "\(pass.events.events)", "entered": "\(pass.events.entered.values.reduce(0, +))", "runs": "\(pass.runs)",
                "converted": "\(pass.events.converted)",
            ])
        }
        return pass
    }

    /// Runs one batch of due customers; returns how many were due and how many runs committed.
    private func runDue() async throws -> (due: Int, count: Int) {
        let now = clock.now()
        let due = try await store.dueEnrolments(at: now, limit: configuration.stepBatch)
        guard !due.isEmpty else { return (0, 0) }
        // One engine per journey version among the due customers.
        var engines: [String: JourneyEngine] = [:]
        for e in due where engines[Self.versionKey(e)] == nil {
            if let definition = try await store.journeyDefinition(id: e.journeyId, version: e.version) { engines[Self.versionKey(e)] = JourneyEngine(definition) }
        }
        let branchMembers = try await branchConditions(for: engines, at: now)
        var commits: [JourneyStepCommit] = []
        commits.reserveCapacity(due.count)
        for e in due {
            let key = Self.versionKey(e)
            guard let engine = engines[key] else { continue }
            let timeZone = e.traits["timezone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? configuration.defaultTimeZone
            let context = JourneyEngine.Context(
                now: now, timeZone: timeZone, enrolmentKey: "\(e.id)", eventArrived: e.eventArrived,
                condition: { step in branchMembers["\(key)#\(step)"]?.contains(e.customerId) ?? false })
            commits.append(JourneyStepCommit(enrolment: e, journey: engine.journey, advance: engine.advance(e.progress, context: context)))
        }
        return (due.count, try await store.commitSteps(commits, at: now))
    }

    /// The journey version an enrolment runs, as the engines and branch conditions are keyed.
    static func versionKey(_ e: JourneyEnrolment) -> String { "\(e.journeyId)/\(e.version)" }

    /// The members (store ids) of the branch conditions of the due customers' journey versions
    /// (a run may pass several branches: every branch of the version), evaluated over the
    /// current snapshot; cached while the snapshot, the segments and the hour stay.
    private func branchConditions(for engines: [String: JourneyEngine], at now: Date) async throws -> [String: Set<Int64>] {
        var wanted: [String: SegmentExpression] = [:]
        for (key, engine) in engines {
            for (i, step) in engine.journey.steps.enumerated() {
                if case .branch(let condition, _, _) = step.action { wanted["\(key)#\(i)"] = condition }
            }
        }
        guard !wanted.isEmpty else { return [:] }
        let snapshot = try await cache.current()
        let saved = try await store.segments()
        let ranking = await scores?.latest
        let cacheKey = ConditionCache.Key(
            events: snapshot.activity.eventCount, merges: snapshot.mergeGeneration, hour: Int64(now.timeIntervalSince1970 / 3600),
            segments: saved.map { "\($0.name)\u{1F}\($0.definition)" }, scoredAt: ranking?.scoredAt)
        if let conditions, conditions.key == cacheKey, wanted.keys.allSatisfy({ conditions.members[$0] != nil }) { return conditions.members }
        var definitionsToEvaluate = try SegmentMembership.expressions(of: saved)
        for (key, condition) in wanted { definitionsToEvaluate["\u{0}branch:" + key] = condition }
        let (members, _) = try await SegmentMembership.evaluate(
            definitionsToEvaluate, source: store, snapshot: snapshot, asOf: DayNumber.day(of: now), scores: ranking?.customerScores(for: snapshot))
        var out: [String: Set<Int64>] = [:]
        for key in wanted.keys {
            out[key] = Set(members["\u{0}branch:" + key].map { SegmentMembership.storeIds($0, in: snapshot) } ?? [])
        }
        conditions = ConditionCache(key: cacheKey, members: out)
        return out
    }

    struct ConditionCache {
        struct Key: Equatable {
            var events: Int
            var merges: Int
            var hour: Int64
            var segments: [String]
            var scoredAt: Date?
        }
        var key: Key
        var members: [String: Set<Int64>]
    }
}
