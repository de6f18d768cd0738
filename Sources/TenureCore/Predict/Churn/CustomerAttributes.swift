import Foundation

/// What a churn model needs about customers that the ``ActivitySnapshot`` does not hold (it keeps
/// only day, type and value per event): survey scores such as NPS, which orders used a discount,
/// and the traits customers were `identify`-ed with. Indexed, like the snapshot, by dense customer
/// index; fed by the store beside the snapshot, or built by hand in tests.
///
/// Dated facts (scores, discounted orders) are kept as flat rows and read as of a cutoff, so
/// features at a past cutoff never see later answers. Traits are the customer's **current** values
/// (the store keeps no history of them): use traits that do not follow churn itself (country,
/// acquisition channel, plan at signup), or they leak the outcome into training.
///
/// Memory: 12 bytes per survey score, 8 per discounted order, 4 per customer per trait.
public struct CustomerAttributes: Sendable, Equatable {
    /// Customers `0..<customerCount` (the snapshot's customer count).
    public private(set) var customerCount: Int
    var scoreCustomers: [Int32] = [], scoreDays: [Int32] = [], scores: [Float] = []
    var discountCustomers: [Int32] = [], discountDays: [Int32] = []
    /// Trait columns in the order they were first set.
    public private(set) var traits: [Trait] = []

    /// One trait over all customers.
    public struct Trait: Sendable, Equatable {
        public var name: String
        /// `nil` for a numeric trait; the level names of a categorical one.
        public var levels: [String]?
        /// Numeric value, or level code as a float; NaN when the customer does not have the trait.
        public var values: [Float]

        public init(name: String, levels: [String]?, values: [Float]) {
            self.name = name
            self.levels = levels
            self.values = values
        }
    }

    public init(customerCount: Int) {
        self.customerCount = customerCount
    }

    /// Records a survey answer (for NPS, a 0–10 score) given on `day` (days since 1970-01-01 UTC).
    public mutating func addSurveyScore(customer: Int, day: Int32, score: Float) {
        precondition(customer >= 0 && customer < customerCount, "customer \(customer) is outside 0..<\(customerCount)")
        scoreCustomers.append(Int32(customer))
        scoreDays.append(day)
        scores.append(score)
    }

    /// Records an order on `day` that used a discount or coupon.
    public mutating func addDiscountedOrder(customer: Int, day: Int32) {
        precondition(customer >= 0 && customer < customerCount, "customer \(customer) is outside 0..<\(customerCount)")
        discountCustomers.append(Int32(customer))
        discountDays.append(day)
    }

    /// Sets a numeric trait (e.g. `age`, `employees`); NaN or never set means missing.
    public mutating func setTrait(customer: Int, name: String, number: Double) {
        let j = traitIndex(name, categorical: false)
        traits[j].values[customer] = Float(number)
    }

    /// Sets a categorical trait (e.g. `plan`, `country`).
    public mutating func setTrait(customer: Int, name: String, category: String) {
        let j = traitIndex(name, categorical: true)
        var levels = traits[j].levels ?? []
        let code = levels.firstIndex(of: category) ?? {
            levels.append(category)
            return levels.count - 1
        }()
        traits[j].levels = levels
        traits[j].values[customer] = Float(code)
    }

    /// Adds a whole trait column (`values.count` must be the customer count; the name must be new).
    public mutating func addTrait(_ trait: Trait) {
        precondition(trait.values.count == customerCount, "trait \(trait.name) has \(trait.values.count) values, expected \(customerCount)")
        precondition(!traits.contains { $0.name == trait.name }, "trait \(trait.name) was added twice")
        traits.append(trait)
    }

    /// Every survey score recorded, in the order added (for checks and reports; features read them as of a cutoff).
    public var surveyScores: [(customer: Int, day: Int32, score: Float)] {
        scores.indices.map { (Int(scoreCustomers[$0]), scoreDays[$0], scores[$0]) }
    }

    /// Every discounted order recorded, in the order added.
    public var discountedOrders: [(customer: Int, day: Int32)] {
        discountDays.indices.map { (Int(discountCustomers[$0]), discountDays[$0]) }
    }

    /// The trait called `name`, if any.
    public func trait(named name: String) -> Trait? {
        traits.first { $0.name == name }
    }

    private mutating func traitIndex(_ name: String, categorical: Bool) -> Int {
        if let j = traits.firstIndex(where: { $0.name == name }) {
            precondition((traits[j].levels != nil) == categorical, "trait \(name) was set both as a number and as a category")
            return j
        }
        traits.append(Trait(name: name, levels: categorical ? [] : nil, values: [Float](repeating: .nan, count: customerCount)))
        return traits.count - 1
    }

    /// Per customer, the latest survey score on or before `cutoffDay` and its day (NaN / −1 when none).
    func latestScores(cutoffDay: Int32) -> (score: [Float], day: [Int32]) {
        var score = [Float](repeating: .nan, count: customerCount), day = [Int32](repeating: -1, count: customerCount)
        for i in scores.indices where scoreDays[i] <= cutoffDay {
            let c = Int(scoreCustomers[i])
            if scoreDays[i] >= day[c] {
                day[c] = scoreDays[i]
                score[c] = scores[i]
            }
        }
        return (score, day)
    }

    /// Per customer, discounted orders on or before `cutoffDay`.
    func discountedOrders(cutoffDay: Int32) -> [Int32] {
        var count = [Int32](repeating: 0, count: customerCount)
        for i in discountDays.indices where discountDays[i] <= cutoffDay { count[Int(discountCustomers[i])] += 1 }
        return count
    }
}
