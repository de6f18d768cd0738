import Foundation
import TenureCore

/// Whether a journey enrols and runs customers.
public enum JourneyStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Enrols customers on its trigger and runs their steps.
    case active
    /// Enrols no one and runs no step; customers keep their place and go on when resumed.
    case paused
    /// Ended for good: enrols no one, runs no step, and is left out of lists unless asked for.
    case archived
}

/// A saved journey: its current version's definition and its status.
public struct SavedJourney: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var status: JourneyStatus
    /// The current version (1 for a new journey; each save adds one).
    public var version: Int
    public var definition: JourneyDefinition
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        id: Int64, name: String, status: JourneyStatus, version: Int, definition: JourneyDefinition, createdBy: String, createdAt: Date,
        updatedBy: String, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.version = version
        self.definition = definition
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// Which group an enrolled customer is in, fixed at entry.
public enum JourneyArm: Int, Sendable, Hashable, Codable {
    /// Receives the journey's messages.
    case treatment = 0
    /// The journey's holdout: goes through the steps, receives nothing.
    case holdout = 1
    /// The global control group: receives no campaign at all.
    case globalControl = 2

    /// Whether the customer's messages, trait updates and webhooks are carried out.
    public var receives: Bool { self == .treatment }
}

/// One customer's place in one journey, as the scheduler runs it.
public struct JourneyEnrolment: Sendable, Hashable {
    public var id: Int64
    public var journeyId: Int64
    /// The journey version entered, which the customer finishes.
    public var version: Int
    public var customerId: Int64
    public var userId: String
    public var enteredAt: Date
    public var arm: JourneyArm
    public var progress: JourneyProgress
    /// The event a wait step waits for has arrived.
    public var eventArrived: Bool
    /// The customer's traits now (for the time zone and the message).
    public var traits: [String: JSONValue]
    /// The triggering event's name and properties, for the message.
    public var trigger: JSONValue

    public init(
        id: Int64, journeyId: Int64, version: Int, customerId: Int64, userId: String, enteredAt: Date, arm: JourneyArm, progress: JourneyProgress,
        eventArrived: Bool, traits: [String: JSONValue], trigger: JSONValue
    ) {
        self.id = id
        self.journeyId = journeyId
        self.version = version
        self.customerId = customerId
        self.userId = userId
        self.enteredAt = enteredAt
        self.arm = arm
        self.progress = progress
        self.eventArrived = eventArrived
        self.traits = traits
        self.trigger = trigger
    }
}

/// One run of an enrolment's due steps, to commit: its new position and its effects, kept only
/// if the enrolment is still where the run started (`from`).
public struct JourneyStepCommit: Sendable {
    public var enrolment: JourneyEnrolment
    /// The version of the journey the enrolment runs.
    public var journey: JourneyDefinition
    public var advance: JourneyAdvance

    public init(enrolment: JourneyEnrolment, journey: JourneyDefinition, advance: JourneyAdvance) {
        self.enrolment = enrolment
        self.journey = journey
        self.advance = advance
    }
}

/// What one pass over new events did.
public struct JourneyEventPass: Sendable, Hashable {
    /// Events read.
    public var events = 0
    /// Enrolments made, by journey id.
    public var entered: [Int64: Int] = [:]
    /// Triggers that fired but whose customer could not enter (the entry rule, the group, no user id).
    public var refused = 0
    /// Goal conversions recorded.
    public var converted = 0
    /// Waits woken by the event they waited for.
    public var woken = 0
    /// Whether events remain after this pass's limit.
    public var more = false
    /// Promo codes redeemed in time by an `Order Completed` event's `coupon`.
    public var promoCodesRedeemed = 0

    public init() {}
}

/// Counts for a journey's report, by arm.
public struct JourneyCounts: Sendable, Hashable {
    public struct Arm: Sendable, Hashable {
        public var entered = 0
        public var active = 0
        public var converted = 0
        /// Customers whose goal window has closed (converted or not): the conversion rate's denominator.
        public var decided = 0
        public init() {}
    }

    public var arms: [JourneyArm: Arm] = [:]
    /// Per step id: how many times it ran, treatment and held-out customers together.
    public var steps: [String: Int] = [:]
    /// Per step id: how many of ``steps``' runs were by held-out customers (the journey's holdout
    /// and the global control group), whose sends and other effects were only counted.
    public var heldOutSteps: [String: Int] = [:]
    /// Messages by outbox state (`pending`, `sent`, `failed`, `suppressed`).
    public var messages: [String: Int] = [:]
    /// Held-out customers' messages that were withheld.
    public var withheld = 0
    /// The journey's promo codes: given, redeemed, used late or by another customer, and steps
    /// that gave none because their pool was exhausted.
    public var promoCodes = JourneyReport.PromoCodes()

    public init() {}
}

/// Where journeys, their customers' places and their timers are kept. A step's effects and the
/// customer's next position commit in one transaction (``commitSteps(_:at:)``); entering,
/// converting and waking on events commit with the event cursor (``processEvents(journeys:limit:at:globalControlShare:)``),
/// so a crash at any point repeats no step and loses none.
///
/// The SQLite store serves one scheduler; a multi-instance store (PostgreSQL) leases due
/// enrolments with `FOR UPDATE SKIP LOCKED` in ``dueEnrolments(at:limit:)`` and keeps the same
/// contract: a commit whose enrolment moved since it was read is dropped.
public protocol JourneyStore: Sendable {
    /// Saves a new journey (version 1, active) or a new version of an existing one.
    func saveJourney(_ definition: JourneyDefinition, by: String) async throws -> SavedJourney
    /// Every journey, archived ones only when asked.
    func journeys(includingArchived: Bool) async throws -> [SavedJourney]
    func journey(named name: String) async throws -> SavedJourney?
    /// One version of a journey's definition (customers finish the version they entered).
    func journeyDefinition(id: Int64, version: Int) async throws -> JourneyDefinition?
    func setJourneyStatus(named name: String, to status: JourneyStatus, by: String) async throws -> SavedJourney

    /// Reads events after the journeys' cursor (at most `limit`) and, in one transaction with
    /// the cursor's move: enrols customers whose event fires an active journey's trigger (once
    /// per triggering event, under the entry rule and the group's exclusion, held out by
    /// ``JourneyHoldout``), records goal conversions, and wakes waits for an event.
    func processEvents(journeys: [SavedJourney], limit: Int, at time: Date, globalControlShare: Double) async throws -> JourneyEventPass
    /// The same, with the customers (store ids) each targeted journey (``JourneyTarget``) may
    /// take in; a targeted journey missing from `targets` takes nobody.
    func processEvents(
        journeys: [SavedJourney], limit: Int, at time: Date, globalControlShare: Double, targets: [Int64: Set<Int64>]
    ) async throws -> JourneyEventPass

    /// Enrols the customers a scheduled trigger (inactivity, a date, replenishment, a churn-risk
    /// crossing) fires for, under the same entry rule, group exclusion, holdout and global
    /// control as ``processEvents(journeys:limit:at:globalControlShare:)``. Exactly-once per
    /// customer and firing key: the key is part of the enrolment's unique key, so evaluating
    /// again (a second pass, a restart between evaluation and commit) enrols no one twice.
    /// Commits in transactions of at most ``ScheduledEnrolmentCandidate/transactionSize``.
    func enrolScheduled(journey: SavedJourney, candidates: [ScheduledEnrolmentCandidate], at time: Date, globalControlShare: Double) async throws -> JourneyScheduledPass
    /// The same, with the customers a targeted journey may take in (nil: none, when targeted).
    func enrolScheduled(
        journey: SavedJourney, candidates: [ScheduledEnrolmentCandidate], at time: Date, globalControlShare: Double, target: Set<Int64>?
    ) async throws -> JourneyScheduledPass

    /// Active enrolments of active journeys due at `time`, earliest first.
    func dueEnrolments(at time: Date, limit: Int) async throws -> [JourneyEnrolment]

    /// Commits runs in one transaction: each enrolment's new position and, for the treatment
    /// arm, its messages into the outbox (idempotency key `tenure-j<enrolment>-<sequence>`) and
    /// its trait updates into the event log. Returns the runs committed (a run whose enrolment
    /// moved since it was read is dropped).
    func commitSteps(_ commits: [JourneyStepCommit], at time: Date) async throws -> Int

    /// A journey's counts for its report.
    func journeyCounts(id: Int64, at time: Date) async throws -> JourneyCounts

    /// Every entry into a journey: who, when, which arm, and the goal's outcome at `time`.
    func journeyEntries(id: Int64, at time: Date) async throws -> [JourneyEntry]
}

/// One entry into a journey, for its report.
public struct JourneyEntry: Sendable, Hashable {
    public var customerId: Int64
    public var enteredAt: Date
    public var arm: JourneyArm
    public var converted: Bool
    /// The goal was reached or its window has closed.
    public var decided: Bool

    public init(customerId: Int64, enteredAt: Date, arm: JourneyArm, converted: Bool, decided: Bool) {
        self.customerId = customerId
        self.enteredAt = enteredAt
        self.arm = arm
        self.converted = converted
        self.decided = decided
    }
}

extension JourneyStore where Self: SnapshotSource {
    /// A journey's treatment-against-control report on `time`'s day, over `snapshot`.
    public func journeyReport(_ journey: SavedJourney, snapshot: StoreSnapshot, at time: Date) async throws -> JourneyReport {
        journeyReport(
            journey, snapshot: snapshot, at: time, entries: try await journeyEntries(id: journey.id, at: time),
            promoCodes: try await journeyCounts(id: journey.id, at: time).promoCodes)
    }

    /// The report from entries and promo-code counts already read (a caller that needs them too).
    public func journeyReport(
        _ journey: SavedJourney, snapshot: StoreSnapshot, at time: Date, entries: [JourneyEntry], promoCodes: JourneyReport.PromoCodes
    ) -> JourneyReport {
        let records = entries.map {
            JourneyEntryRecord(
                customer: snapshot.index(ofCustomer: $0.customerId), enteredDay: DayNumber.day(of: $0.enteredAt), treated: $0.arm.receives,
                converted: $0.converted, decided: $0.decided)
        }
        return JourneyReport.make(
            records, activity: snapshot.activity, asOf: DayNumber.day(of: time), hasGoal: journey.definition.goal != nil, promoCodes: promoCodes)
    }
}

/// One customer a scheduled trigger fired for, as the store enrols them.
public struct ScheduledEnrolmentCandidate: Sendable, Hashable {
    /// Candidates committed per transaction, so a million firings do not hold the writer at once.
    public static let transactionSize = 5_000

    /// The store's customer id.
    public var customerId: Int64
    /// The firing's key (`inactive:2026-11-02`, `date:…`, `replenish:…`, `risk:…`): one
    /// enrolment per customer, journey and key.
    public var key: String
    /// What the enrolment keeps as its trigger, and messages show as `trigger` (with
    /// `replenishment` for a replenishment trigger).
    public var trigger: JSONValue

    public init(customerId: Int64, key: String, trigger: JSONValue) {
        self.customerId = customerId
        self.key = key
        self.trigger = trigger
    }
}

/// What one enrolment of a scheduled trigger's firings did.
public struct JourneyScheduledPass: Sendable, Hashable {
    /// Customers enrolled.
    public var entered = 0
    /// Firings whose customer could not enter (the entry rule, the group, no user id).
    public var refused = 0
    /// Firings already enrolled under the same key (an earlier pass or a run before a restart).
    public var already = 0

    public init() {}
}

extension JourneyStore {
    public func processEvents(journeys: [SavedJourney], limit: Int, at time: Date, globalControlShare: Double) async throws -> JourneyEventPass {
        try await processEvents(journeys: journeys, limit: limit, at: time, globalControlShare: globalControlShare, targets: [:])
    }

    public func enrolScheduled(
        journey: SavedJourney, candidates: [ScheduledEnrolmentCandidate], at time: Date, globalControlShare: Double
    ) async throws -> JourneyScheduledPass {
        try await enrolScheduled(journey: journey, candidates: candidates, at: time, globalControlShare: globalControlShare, target: nil)
    }
}
