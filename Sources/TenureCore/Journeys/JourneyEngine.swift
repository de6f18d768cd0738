import Foundation

/// Runs a customer through a journey's steps: from where they are, every step that is due now,
/// up to the next wait that lies ahead or the end. Pure: what it decides (the next position and
/// the effects) is committed by the store in one transaction, so a step either happened with
/// its message in the outbox or did not happen at all.
public struct JourneyEngine: Sendable {
    public let journey: JourneyDefinition
    private let indices: [String: Int]

    /// What a run may look at besides the customer's position.
    public struct Context {
        public var now: Date
        /// The customer's time zone (their `timezone` trait, else the business's), for waits
        /// until a time of day.
        public var timeZone: TimeZone
        /// What makes a split's choice stable for this customer in this journey (their
        /// enrolment's id).
        public var enrolmentKey: String
        /// Whether the event the current wait waits for has arrived.
        public var eventArrived: Bool
        /// Whether the customer matches the branch condition of the step at this index now.
        public var condition: (Int) -> Bool

        public init(now: Date, timeZone: TimeZone, enrolmentKey: String, eventArrived: Bool = false, condition: @escaping (Int) -> Bool) {
            self.now = now
            self.timeZone = timeZone
            self.enrolmentKey = enrolmentKey
            self.eventArrived = eventArrived
            self.condition = condition
        }
    }

    /// An engine for a validated journey.
    public init(_ journey: JourneyDefinition) {
        self.journey = journey
        var indices: [String: Int] = [:]
        for (i, step) in journey.steps.enumerated() { indices[step.id] = i }
        self.indices = indices
    }

    /// Runs the due steps of a customer at `progress`.
    public func advance(_ progress: JourneyProgress, context: Context) -> JourneyAdvance {
        var p = progress
        var reached: [Int] = []
        var effects: [JourneyEffect] = []
        var arrived = context.eventArrived
        let steps = journey.steps
        let now = context.now
        // The journey has no loop without a wait (validation), so a run ends within a few passes
        // over the steps; the bound is a guard for definitions built in code without validation.
        for _ in 0..<(steps.count * 2 + 2) {
            guard p.step >= 0, p.step < steps.count else { return .init(progress: p, state: .completed, reached: reached, effects: effects) }
            let step = steps[p.step]
            var target: String?
            if case .wait(let wait) = step.action {
                if p.waitStartedAt == nil {
                    reached.append(p.step)
                    p.stepsTaken += 1
                    p.waitStartedAt = now
                    p.wakeAt = wait.due(after: now, in: context.timeZone)
                    if wait.event != nil || p.wakeAt > now { return .init(progress: p, state: .waiting, reached: reached, effects: effects) }
                    target = step.next
                } else if let event = wait.event {
                    if arrived {
                        arrived = false
                        target = event.then
                    } else if now >= p.wakeAt {
                        target = event.timeout
                    } else {
                        return .init(progress: p, state: .waiting, reached: reached, effects: effects)
                    }
                } else if now >= p.wakeAt {
                    target = step.next
                } else {
                    return .init(progress: p, state: .waiting, reached: reached, effects: effects)
                }
            } else {
                reached.append(p.step)
                p.stepsTaken += 1
                switch step.action {
                case .wait:
                    break
                case .exit:
                    return .init(progress: p, state: .completed, reached: reached, effects: effects)
                case .send(let send):
                    effects.append(.send(step: p.step, sequence: p.stepsTaken, send))
                    target = step.next
                case .updateTraits(let traits):
                    effects.append(.updateTraits(step: p.step, sequence: p.stepsTaken, traits))
                    target = step.next
                case .webhook(let url):
                    effects.append(.webhook(step: p.step, sequence: p.stepsTaken, url: url))
                    target = step.next
                case .promoCode(let promo):
                    effects.append(.promoCode(step: p.step, sequence: p.stepsTaken, promo))
                    target = step.next
                case .branch(_, let then, let otherwise):
                    target = context.condition(p.step) ? then : otherwise
                case .split(let paths):
                    let u = JourneyHoldout.uniform("split:\(journey.name):\(step.id)", context.enrolmentKey)
                    var cumulative = 0.0
                    target = paths.last?.next
                    for path in paths {
                        cumulative += path.share
                        if u < cumulative {
                            target = path.next
                            break
                        }
                    }
                }
            }
            p.waitStartedAt = nil
            p.wakeAt = now
            p.step = target.flatMap { indices[$0] } ?? (p.step + 1)
        }
        return .init(progress: p, state: .completed, reached: reached, effects: effects)
    }
}
