import Foundation

/// The response events a campaign's deliveries led to (``BusinessSimulator/campaignResponses(to:model:truths:)``):
/// one outcome per delivery, in delivery order, the `Order Completed` messages to ingest, and the
/// true average uplift over the customers.
public struct SimulatedCampaignResponses: Sendable {
    /// One per known delivery, in the order given (deliveries to unknown user ids are skipped).
    public var outcomes: [CampaignOutcome]
    /// The orders, one per customer who ordered, in delivery order; each inside its window.
    public var messages: [Message]
    /// Deliveries whose user id the simulation does not know.
    public var unknownCustomers: Int

    public init(outcomes: [CampaignOutcome], messages: [Message], unknownCustomers: Int) {
        self.outcomes = outcomes
        self.messages = messages
        self.unknownCustomers = unknownCustomers
    }

    /// The true average uplift over every customer with an outcome, treated and held out (the
    /// exact expected value; see ``CampaignResponse/averageUplift(_:)``); 0 without outcomes.
    public var trueUplift: Double {
        outcomes.isEmpty ? 0 : outcomes.reduce(0) { $0 + $1.trueUplift } / Double(outcomes.count)
    }

    /// Treated and control conversion counts (customers who ordered in their window).
    public var treatedCounts: BinaryOutcomeCounts { BinaryOutcomeCounts(outcomes: outcomes.lazy.filter(\.delivery.treated).map(\.ordered)) }
    public var controlCounts: BinaryOutcomeCounts { BinaryOutcomeCounts(outcomes: outcomes.lazy.filter { !$0.delivery.treated }.map(\.ordered)) }
}
