import Foundation

/// Where one customer is in one journey: the step to run when they are next woken, and how
/// many steps they have run (which also numbers their messages, for idempotency keys).
public struct JourneyProgress: Sendable, Hashable, Codable {
    /// The index of the step to run (or the wait being waited), in the journey version entered.
    public var step: Int
    /// Steps run so far.
    public var stepsTaken: Int
    /// When the current wait step started (nil: the step has not started waiting).
    public var waitStartedAt: Date?
    /// When the scheduler should next run this customer.
    public var wakeAt: Date

    /// At the first step, due `at` entry.
    public init(enteredAt: Date) {
        step = 0
        stepsTaken = 0
        waitStartedAt = nil
        wakeAt = enteredAt
    }

    public init(step: Int, stepsTaken: Int, waitStartedAt: Date?, wakeAt: Date) {
        self.step = step
        self.stepsTaken = stepsTaken
        self.waitStartedAt = waitStartedAt
        self.wakeAt = wakeAt
    }
}

/// What a step does that reaches outside the journey: each goes into the outbox (or, for a
/// held-out customer, is only counted) in the same transaction as the customer's next position.
public enum JourneyEffect: Sendable, Hashable {
    /// A message to a channel; `sequence` (the steps taken when it was sent) with the enrolment
    /// makes its idempotency key.
    case send(step: Int, sequence: Int, JourneySend)
    /// New trait values for the customer.
    case updateTraits(step: Int, sequence: Int, [String: JSONValue])
    /// A call to a webhook.
    case webhook(step: Int, sequence: Int, url: String)
    /// A promo code to give; `sequence` with the enrolment identifies it, so a retried commit
    /// gives the same code, never a second one.
    case promoCode(step: Int, sequence: Int, JourneyPromoCode)

    public var step: Int {
        switch self {
        case .send(let s, _, _), .updateTraits(let s, _, _), .webhook(let s, _, _), .promoCode(let s, _, _): s
        }
    }

    public var sequence: Int {
        switch self {
        case .send(_, let q, _), .updateTraits(_, let q, _), .webhook(_, let q, _), .promoCode(_, let q, _): q
        }
    }
}

/// The outcome of running a customer's due steps.
public struct JourneyAdvance: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Waiting at `progress.step` until `progress.wakeAt` (or an awaited event).
        case waiting
        /// Ran past the last step or reached an exit.
        case completed
    }

    public var progress: JourneyProgress
    public var state: State
    /// The steps run, in order (a step run twice is listed twice): per-step counts.
    public var reached: [Int]
    /// What the steps do outside the journey; a held-out customer's are counted, not done.
    public var effects: [JourneyEffect]
}
