import Foundation

/// A journey: who enters (the trigger and the entry rule), what happens to them (the steps),
/// what counts as success (the goal), and the share held out to measure it (the holdout).
///
/// Written as a JSON document (``init(json:knownSegments:)``, or YAML that reads as the same
/// JSON); every refusal names the step and the field. The store keeps each saved document as a
/// new version; customers already in the journey finish the version they entered.
public struct JourneyDefinition: Sendable, Hashable {
    /// The document format this build reads and writes.
    public static let formatVersion = 1

    /// Unique among journeys, 1 to 200 characters; also what holdout assignment hashes, so a
    /// journey keeps its control group across versions.
    public var name: String
    public var description: String
    /// Journeys of one group exclude each other: a customer in one does not enter another.
    public var group: String?
    public var trigger: JourneyTrigger
    public var entry: JourneyEntryRule
    /// The share of entering customers held out (they go through the journey and receive
    /// nothing), in 0 ... 0.9; 10% unless given.
    public var holdout: Double
    public var goal: JourneyGoal?
    public var steps: [JourneyStep]
    /// Only the top customers of a ranking may enter (nil: everyone the trigger picks).
    public var target: JourneyTarget?

    public init(
        name: String, description: String = "", group: String? = nil, trigger: JourneyTrigger, entry: JourneyEntryRule = .onceEver,
        holdout: Double = 0.1, goal: JourneyGoal? = nil, steps: [JourneyStep], target: JourneyTarget? = nil
    ) {
        self.target = target
        self.name = name
        self.description = description
        self.group = group
        self.trigger = trigger
        self.entry = entry
        self.holdout = holdout
        self.goal = goal
        self.steps = steps
    }

    /// The index of the step with this id.
    public func index(of id: String) -> Int? { steps.firstIndex { $0.id == id } }

    /// The saved segments the journey refers to (its trigger and its branches).
    public var segments: Set<String> {
        var names = Set(trigger.segment.map { [$0] } ?? [])
        for step in steps {
            if case .branch(let condition, _, _) = step.action { names.formUnion(SegmentRequirements(condition).segments) }
        }
        return names
    }

    /// The branch conditions, in step order: the scheduler evaluates each over the population.
    public var branchConditions: [SegmentExpression] {
        steps.compactMap { if case .branch(let condition, _, _) = $0.action { condition } else { nil } }
    }

    /// Checks what the document reader checks, for a definition built in code.
    public func validate() throws(JourneyDefinitionError) {
        try JourneyDefinitionRules(self).check()
    }
}
