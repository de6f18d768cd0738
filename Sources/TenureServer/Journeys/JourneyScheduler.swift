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
        /// The least time between two evaluations of the scheduled triggers when only new events
        /// changed the snapshot (a new hour, a new scoring or a saved journey evaluate at once).
        public var scheduledTriggerInterval: TimeInterval

        public init(
            interval: Duration = .milliseconds(250), eventBatch: Int = 20_000, stepBatch: Int = 2_000, globalControlShare: Double = 0,
            defaultTimeZone: TimeZone = TimeZone(identifier: "UTC")!, scheduledTriggerInterval: TimeInterval = 60
        ) {
            self.interval = interval
            self.eventBatch = eventBatch
            self.stepBatch = stepBatch
            self.globalControlShare = globalControlShare
            self.defaultTimeZone = defaultTimeZone
            self.scheduledTriggerInterval = scheduledTriggerInterval
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var events = JourneyEventPass()
        /// Whether the scheduled triggers were evaluated in this pass.
        public var evaluatedScheduled = false
        /// Enrolments by the scheduled triggers (inactivity, dates, replenishment, churn risk).
        public var scheduled = JourneyScheduledPass()
        /// Customer runs committed.
        public var runs = 0
        /// For each run committed: seconds from the time it was due (its wait's end, or its
        /// entry) to the end of the commit, on the scheduler's clock.
        public var lateness: [Double] = []
        public init() {}
    }

    let configuration: Configuration
    let store: any JourneyStore & SegmentStore & SegmentPopulationSource
    let cache: SnapshotCache
    let scores: RiskScores?
    let clock: any WallClock
    let logger: Logger
    private var conditions: ConditionCache?
    /// The targeted journeys' allowed customers (see ``targets(for:at:)``).
    var targetCache: TargetCache?
    /// This pass's allowed customers per targeted journey, for the scheduled triggers too.
    var targetSets: [Int64: Set<Int64>] = [:]
    /// What the scheduled triggers were last evaluated on, and when (the scheduler's clock).
    var scheduledEvaluation: (key: ScheduledEvaluationKey, at: Date)?
    /// The churn risk of the latest scoring seen and of the one before (for crossings).
    var riskSeen: (scoredAt: Date, generation: Int, latest: [Double], previous: [Double]?)?
    /// Per journey id, the firings (hashes of customer and key) the last evaluation committed:
    /// evaluating again the same day finds them again, and they are not sent to the store twice.
    var committedFirings: [Int64: Set<Int>] = [:]

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
        targetSets = try await targets(for: journeys, at: clock.now())
        repeat {
            let events = try await store.processEvents(
                journeys: journeys, limit: configuration.eventBatch, at: clock.now(), globalControlShare: configuration.globalControlShare,
                targets: targetSets)
            pass.events.events += events.events
            pass.events.refused += events.refused
            pass.events.converted += events.converted
            pass.events.woken += events.woken
            pass.events.entered.merge(events.entered, uniquingKeysWith: +)
            pass.events.more = events.more
        } while pass.events.more && !Task.isCancelled
        if journeys.contains(where: { $0.status == .active && $0.definition.trigger.isScheduled }) {
            if let scheduled = try await evaluateScheduledTriggers(journeys.filter { $0.status == .active && $0.definition.trigger.isScheduled }) {
                pass.evaluatedScheduled = true
                pass.scheduled = scheduled
            }
        }
        while !Task.isCancelled {
            let runs = try await runDue()
            pass.runs += runs.count
            pass.lateness += runs.lateness
            if runs.due < configuration.stepBatch { break }
        }
        if pass.runs > 0 || !pass.events.entered.isEmpty || pass.scheduled.entered > 0 {
            logger.info("journeys ran", metadata: [
                "events": "\(pass.events.events)", "entered": "\(pass.events.entered.values.reduce(0, +))", "runs": "\(pass.runs)",
                "converted": "\(pass.events.converted)", "scheduled_entered": "\(pass.scheduled.entered)",
            ])
        }
        return pass
    }

    /// Runs one batch of due customers; returns how many were due, how many runs committed and
    /// each run's lateness (seconds from due to committed).
    private func runDue() async throws -> (due: Int, count: Int, lateness: [Double]) {
        let now = clock.now()
        let due = try await store.dueEnrolments(at: now, limit: configuration.stepBatch)
        guard !due.isEmpty else { return (0, 0, []) }
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
        let committed = try await store.commitSteps(commits, at: now)
        let done = clock.now()
        return (due.count, committed, commits.map { done.timeIntervalSince($0.enrolment.progress.wakeAt) })
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
