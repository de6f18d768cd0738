/// One simulated customer: the messages their behaviour produced, in time order, and the truth
/// behind them.
public struct SimulatedCustomer: Sendable {
    public let truth: CustomerTruth
    /// The customer's messages, timestamps strictly increasing, all inside the simulated period.
    public let messages: [Message]
    let tally: EventTally

    init(truth: CustomerTruth, messages: [Message], tally: EventTally) {
        self.truth = truth
        self.messages = messages
        self.tally = tally
    }
}
