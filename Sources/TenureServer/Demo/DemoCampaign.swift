import Foundation
import Logging
import TenureChannels
import TenureCore
import TenureStore

/// The demo's win-back campaign, run through the real machinery on a simulated clock: a saved
/// segment of valuable lapsed customers, a journey triggered by entering it (a win-back email
/// with a 30 % holdout and an order within 14 days as its goal), the ``SegmentService`` that
/// records the entries, the ``JourneyScheduler`` that enrols and runs them, and the
/// ``OutboxDispatcher`` handing the emails to a ``RecordingChannel``. The simulator turns the
/// deliveries into orders by each customer's hidden response type (``CampaignResponse``), the
/// store ingests them like any event, and the journey's report is set against the truth.
///
/// The campaign starts at the end of the simulated history and lasts ``days``; simulate up to
/// ``historyEnd(campaignEnd:)`` so its goal windows close by the day the demo is run. The journey
/// is paused afterwards and stays in the store, so the dashboard shows it.
public struct DemoCampaign: Sendable {
    public static let journeyName = "Win-back (demo)"
    public static let segmentName = "Valuable lapsed"
    /// Repeat buyers with 100 or more in revenue, no order for 60 days, still reachable by email.
    public static let segmentDefinition =
        #"count("Order Completed", ever) >= 2 and count("Order Completed", last 60 days) = 0 and sum("Order Completed", revenue, ever) >= 100 and count("Unsubscribed", ever) = 0"#
    public static let holdout = 0.3
    /// The goal window, in days.
    public static let goalDays = 14
    /// The campaign's length: the goal window and a day for the last windows to close.
    public static let days = goalDays + 1

    /// Where the simulated history must end for the campaign to end (its report day) at `campaignEnd`.
    public static func historyEnd(campaignEnd: Date) -> Date { campaignEnd.addingTimeInterval(-Double(days) * 86_400) }

    static var journeyDocument: String {
        """
        {"format_version": 1, "name": "\(journeyName)",
         "description": "Demo: a win-back email to valuable lapsed customers; 30% held out to measure it.",
         "group": "reactivation", "trigger": {"segment_entered": "\(segmentName)"}, "entry": "once", "holdout": \(holdout),
         "goal": {"event": "Order Completed", "within_days": \(goalDays)},
         "steps": [{"id": "offer", "send": {"channel": "email", "template": "win-back-offer"}}]}
        """
    }

    public let store: SQLiteStore
    public let simulator: BusinessSimulator
    public let response: CampaignResponse
    public let logger: Logger

    public init(store: SQLiteStore, simulator: BusinessSimulator, logger: Logger) {
        self.store = store
        self.simulator = simulator
        self.response = CampaignResponse(windowDays: Double(Self.goalDays))
        self.logger = logger
    }

    /// Runs the campaign over the simulated store, from the end of its history, and reports on it.
    public func run() async throws -> DemoCampaignReport {
        let start = simulator.configuration.end
        let clock = ManualWallClock(start)
        let cache = SnapshotCache(store: store)
        _ = try await store.createSegment(name: Self.segmentName, definition: Self.segmentDefinition, description: "Demo: the win-back journey's audience", by: "demo")
        let definition = try JourneyDefinition(jsonData: Data(Self.journeyDocument.utf8), knownSegments: [Self.segmentName])
        let journey = try await store.saveJourney(definition, by: "demo")

        // Entries: the segment service records who is in the segment now; the scheduler enrols
        // them and queues the treated customers' emails; the dispatcher hands them over.
        let segments = SegmentService(store: store, cache: cache, scores: nil, clock: clock, logger: logger)
        try await segments.refreshIfNeeded()
        let scheduler = JourneyScheduler(store: store, cache: cache, clock: clock, logger: logger)
        try await scheduler.runOnce()
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(store: store, channels: ["email": channel], webhookSteps: channel, clock: clock, logger: logger)
        while try await dispatcher.dispatchOnce() > 0 {}

        // Deliveries, at entry (the clock has not moved since): the treated customers the channel
        // received an email for, and the held-out ones. A treated customer whose email was not sent (suppressed)
        // is not contacted: the simulator answers as if held out, and their true effect is 0.
        var received = Set<String>()
        for message in channel.received {
            if let user = (try? JSONParser.parse(message.payload))?["customer"]?["user_id"]?.stringValue { received.insert(user) }
        }
        let entries = try await store.journeyEntries(id: journey.id, at: clock.now())
        let userIds = try await store.userIds(of: entries.map(\.customerId))
        var deliveries: [CampaignDelivery] = [], reachable = Set<String>()
        for (entry, user) in zip(entries, userIds) {
            guard let user else { continue }
            let sent = entry.arm.receives && received.contains(user)
            deliveries.append(CampaignDelivery(userId: user, time: entry.enteredAt, treated: sent))
            if !entry.arm.receives || sent { reachable.insert(user) }
        }
        let responses = simulator.campaignResponses(to: deliveries, model: response)
        if !responses.messages.isEmpty { _ = try await store.ingest([responses.messages]) }

        // The goal windows close; the scheduler records the conversions.
        clock.advance(by: Double(Self.days) * 86_400)
        try await scheduler.runOnce()
        _ = try await store.setJourneyStatus(named: Self.journeyName, to: .paused, by: "demo")

        // The snapshot the segment service built, brought up to date with the campaign's events.
        let snapshot = try await store.refreshed(try await cache.current())
        let saved = try await store.journey(named: Self.journeyName) ?? journey
        let decided = try await store.journeyEntries(id: journey.id, at: clock.now())
        let report = try await store.journeyReport(saved, snapshot: snapshot, at: clock.now())
        var trueUplift = 0.0, types: [CampaignResponseType: Int] = [:]
        for outcome in responses.outcomes {
            if reachable.contains(outcome.delivery.userId) { trueUplift += outcome.trueUplift }
            types[outcome.type, default: 0] += 1
        }
        trueUplift /= Double(max(1, responses.outcomes.count))
        let attributes = try await cache.attributes(of: snapshot)
        let decidedUsers = try await store.userIds(of: decided.map(\.customerId))
        let qini = Self.qini(entries: decided, snapshot: snapshot, attributes: attributes, truths: responses, userIds: decidedUsers)
        logger.info("demo campaign ran", metadata: ["entered": "\(entries.count)", "orders": "\(responses.messages.count)"])
        return DemoCampaignReport(
            journeyName: Self.journeyName, segmentName: Self.segmentName, segmentDefinition: Self.segmentDefinition, entered: entries.count,
            treated: report.treated, control: report.control, delivered: received.count, responseOrders: responses.messages.count, journey: report,
            trueUplift: trueUplift, types: types, qiniCoefficient: qini.model, qiniUnavailable: qini.error, oracleQiniCoefficient: qini.oracle)
    }

    /// The T-learner's cross-fitted Qini coefficient on the journey's entries, with the churn
    /// features as of the day before entry (so the campaign's own orders are not among them).
    static func qini(
        entries: [JourneyEntry], snapshot: StoreSnapshot, attributes: CustomerAttributes, truths: SimulatedCampaignResponses, userIds: [String?]
    ) -> (model: Double?, oracle: Double?, error: String?) {
        var uplift: [String: Double] = [:]
        for outcome in truths.outcomes { uplift[outcome.delivery.userId] = outcome.trueUplift }
        var rows: [(customer: Int, treated: Bool, converted: Bool, truth: Double)] = []
        for (entry, user) in zip(entries, userIds) {
            guard let customer = snapshot.index(ofCustomer: entry.customerId), let user, let truth = uplift[user] else { continue }
            rows.append((customer, entry.arm.receives, entry.converted, truth))
        }
        guard let day = entries.map({ DayNumber.day(of: $0.enteredAt) }).min() else { return (nil, nil, "nobody entered the journey") }
        rows.sort { $0.customer < $1.customer }
        let table = ChurnFeatures().table(from: snapshot.activity, cutoffDay: day - 1, attributes: attributes, only: rows.map(\.customer))
        let kept = rows.filter { table.row(ofCustomer: $0.customer) != nil }
        let x = table.matrix.rows(kept.compactMap { table.row(ofCustomer: $0.customer) })
        let treated = kept.map(\.treated), outcomes = kept.map(\.converted)
        do throws(UpliftModelError) {
            let scores = try TLearnerUpliftModel.crossFittedUplift(x, treated: treated, outcomes: outcomes, folds: 2, seed: 1)
            let model = try QiniCurve(scores: scores, treated: treated, outcomes: outcomes).coefficient
            let oracle = try QiniCurve(scores: kept.map(\.truth), treated: treated, outcomes: outcomes).coefficient
            return (model, oracle, model == nil ? "no conversions to rank" : nil)
        } catch {
            return (nil, nil, error.description)
        }
    }
}
