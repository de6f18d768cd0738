import Foundation

/// The rules a journey must follow beyond its document's shape: unique step ids, references to
/// steps that exist, shares that sum to one, no loop a customer could go round without waiting.
struct JourneyDefinitionRules {
    let journey: JourneyDefinition

    init(_ journey: JourneyDefinition) { self.journey = journey }

    static let maximumSteps = 200
    static let maximumNameLength = 200

    func stepPath(_ i: Int) -> String { "steps[\(i)] \"\(journey.steps[i].id)\"" }

    func check() throws(JourneyDefinitionError) {
        let name = journey.name
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= Self.maximumNameLength,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw JourneyDefinitionError(at: "name", "a journey needs a name of 1 to \(Self.maximumNameLength) characters, without control characters") }
        guard journey.holdout.isFinite, (0...0.9).contains(journey.holdout) else {
            throw JourneyDefinitionError(at: "holdout", "the held-out share must be between 0 and 0.9 (0.1 holds out 10%)")
        }
        if case .oncePerDays(let days) = journey.entry, !(1...3650).contains(days) {
            throw JourneyDefinitionError(at: "entry.once_per_days", "must be 1 to 3650 days")
        }
        if let goal = journey.goal {
            guard !goal.event.isEmpty else { throw JourneyDefinitionError(at: "goal.event", "the goal needs an event name") }
            guard (1...3650).contains(goal.withinDays) else { throw JourneyDefinitionError(at: "goal.within_days", "must be 1 to 3650 days") }
        }
        try journey.trigger.validate()
        guard !journey.steps.isEmpty else { throw JourneyDefinitionError(at: "steps", "a journey needs at least one step") }
        guard journey.steps.count <= Self.maximumSteps else { throw JourneyDefinitionError(at: "steps", "at most \(Self.maximumSteps) steps") }
        var seen: [String: Int] = [:]
        for (i, step) in journey.steps.enumerated() {
            guard !step.id.isEmpty, step.id.count <= 100 else { throw JourneyDefinitionError(at: "steps[\(i)].id", "a step needs an id of 1 to 100 characters") }
            if let first = seen[step.id] { throw JourneyDefinitionError(at: stepPath(i) + ".id", "the id is already used by steps[\(first)]") }
            seen[step.id] = i
        }
        for (i, step) in journey.steps.enumerated() {
            try check(step, path: stepPath(i))
            for target in step.branches + (step.next.map { [$0] } ?? []) where seen[target] == nil {
                throw JourneyDefinitionError(at: stepPath(i), "goes to \"\(target)\", which is not a step of this journey")
            }
        }
        try checkLoops()
    }

    private func check(_ step: JourneyStep, path: String) throws(JourneyDefinitionError) {
        switch step.action {
        case .wait(let wait):
            guard wait.seconds.isFinite, (0...(3650 * 86_400)).contains(wait.seconds) else {
                throw JourneyDefinitionError(at: path + ".wait", "a wait lasts 0 to 3650 days")
            }
            if let minute = wait.untilMinuteOfDay, !(0..<1440).contains(minute) {
                throw JourneyDefinitionError(at: path + ".wait.until", "a time of day is 00:00 to 23:59")
            }
            if let event = wait.event {
                guard !event.name.isEmpty else { throw JourneyDefinitionError(at: path + ".wait.event", "needs an event name") }
                guard wait.seconds > 0 else { throw JourneyDefinitionError(at: path + ".wait", "a wait for an event needs a timeout (days, hours or minutes)") }
            }
            if wait.seconds == 0, wait.untilMinuteOfDay == nil { throw JourneyDefinitionError(at: path + ".wait", "a wait needs a duration or a time of day") }
        case .split(let paths):
            guard paths.count >= 2 else { throw JourneyDefinitionError(at: path + ".split", "a split needs at least two paths") }
            for (j, p) in paths.enumerated() where !(p.share.isFinite && p.share > 0 && p.share <= 1) {
                throw JourneyDefinitionError(at: path + ".split[\(j)].share", "a share is more than 0 and at most 1")
            }
            let total = paths.reduce(0) { $0 + $1.share }
            guard abs(total - 1) < 1e-9 else { throw JourneyDefinitionError(at: path + ".split", "the shares add up to \(total), not 1") }
        case .send(let send):
            guard !send.channel.isEmpty else { throw JourneyDefinitionError(at: path + ".send.channel", "needs a channel name") }
            guard !send.template.isEmpty else { throw JourneyDefinitionError(at: path + ".send.template", "needs a template name") }
            guard !send.topic.isEmpty else { throw JourneyDefinitionError(at: path + ".send.topic", "a topic cannot be empty") }
        case .updateTraits(let traits):
            guard !traits.isEmpty, traits.count <= 100 else { throw JourneyDefinitionError(at: path + ".update_traits", "sets 1 to 100 traits") }
            if traits.keys.contains(where: \.isEmpty) { throw JourneyDefinitionError(at: path + ".update_traits", "a trait needs a name") }
        case .webhook(let url):
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host?.isEmpty == false else {
                throw JourneyDefinitionError(at: path + ".webhook.url", "needs an http or https URL with a host")
            }
        case .promoCode(let promo):
            try check(promo, path: path + ".promo_code")
        case .branch, .exit:
            break
        }
    }

    /// A customer may only come back to a step after waiting: a cycle of steps without a wait
    /// would run forever within one scheduler pass.
    private func checkLoops() throws(JourneyDefinitionError) {
        let steps = journey.steps
        var index: [String: Int] = [:]
        for (i, s) in steps.enumerated() { index[s.id] = i }
        func successors(_ i: Int) -> [Int] {
            let step = steps[i]
            if case .exit = step.action { return [] }
            var out = step.branches.compactMap { index[$0] }
            let hasOwnPaths: Bool = switch step.action {
            case .branch, .split: true
            case .wait(let w): w.event != nil
            default: false
            }
            if !hasOwnPaths {
                if let next = step.next { out.append(index[next]!) } else if i + 1 < steps.count { out.append(i + 1) }
            }
            return out
        }
        func isWait(_ i: Int) -> Bool { if case .wait = steps[i].action { true } else { false } }
        // Depth-first search over the steps that are not waits.
        var state = [UInt8](repeating: 0, count: steps.count)  // 0 new, 1 on the path, 2 done
        func visit(_ i: Int) -> Int? {
            state[i] = 1
            for j in successors(i) where !isWait(j) {
                if state[j] == 1 { return j }
                if state[j] == 0, let found = visit(j) { return found }
            }
            state[i] = 2
            return nil
        }
        for i in steps.indices where state[i] == 0 && !isWait(i) {
            if let j = visit(i) { throw JourneyDefinitionError(at: stepPath(j), "the steps loop back here without a wait") }
        }
    }
}
