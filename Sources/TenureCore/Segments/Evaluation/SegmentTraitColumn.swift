/// One trait of every customer, typed for fast tests: strings are dictionary-coded (each
/// distinct text is tested once per evaluation, then looked up per customer), numbers kept as
/// `Double`. About 4 bytes a customer, plus 8 when any customer has a number.
public struct SegmentTraitColumn: Sendable {
    /// Per customer: ≥ 0 a string (index into ``levels``), or one of the negative codes below.
    public private(set) var codes: [Int32]
    /// The distinct strings.
    public private(set) var levels: [String] = []
    /// Keyed by the UTF-8 bytes: texts differing only in Unicode normalization are different values.
    private var levelIndex: [[UInt8]: Int32] = [:]
    /// Per customer, the JSON number when ``codes`` is ``number``; empty until one is seen.
    public private(set) var numbers: [Double] = []

    public static let missing: Int32 = -1
    public static let null: Int32 = -2
    public static let isTrue: Int32 = -3
    public static let isFalse: Int32 = -4
    public static let number: Int32 = -5
    /// An array or object: it exists, and no comparison holds.
    public static let other: Int32 = -6

    public init(customerCount: Int) {
        codes = [Int32](repeating: Self.missing, count: customerCount)
    }

    public var customerCount: Int { codes.count }

    /// Sets customer `customer`'s value (`nil`: the trait is not set).
    public mutating func set(customer: Int, _ value: JSONValue?) {
        guard customer >= 0, customer < codes.count else { return }
        switch value {
        case nil: codes[customer] = Self.missing
        case .null?: codes[customer] = Self.null
        case .bool(let b)?: codes[customer] = b ? Self.isTrue : Self.isFalse
        case .number(let x)?:
            if numbers.isEmpty { numbers = [Double](repeating: .nan, count: codes.count) }
            numbers[customer] = x
            codes[customer] = Self.number
        case .string(let s)?:
            let key = Array(s.utf8)
            if let code = levelIndex[key] {
                codes[customer] = code
            } else {
                let code = Int32(levels.count)
                levels.append(s)
                levelIndex[key] = code
                codes[customer] = code
            }
        case .array?, .object?: codes[customer] = Self.other
        }
    }

    /// Customer `customer`'s value as JSON (`nil` when not set).
    public func value(of customer: Int) -> JSONValue? {
        guard customer >= 0, customer < codes.count else { return nil }
        let c = codes[customer]
        switch c {
        case Self.missing: return nil
        case Self.null: return .null
        case Self.isTrue: return .bool(true)
        case Self.isFalse: return .bool(false)
        case Self.number: return .number(numbers[customer])
        case Self.other: return .array([])
        default: return .string(levels[Int(c)])
        }
    }

    /// More customers (the new ones without the trait).
    public mutating func grow(to customerCount: Int) {
        guard customerCount > codes.count else { return }
        codes += [Int32](repeating: Self.missing, count: customerCount - codes.count)
        if !numbers.isEmpty { numbers += [Double](repeating: .nan, count: customerCount - numbers.count) }
    }

    /// The customers passing `predicate` on day `asOf`.
    public func members(_ predicate: SegmentPredicate, asOf: Int32) -> SegmentMembers {
        let test = Verdicts(predicate, asOf: asOf, levels: levels)
        return codes.withUnsafeBufferPointer { codes in
            SegmentMembers(customerCount: codes.count) { i in test.holds(code: codes[i], number: numbers, at: i) }
        }
    }

    /// The customers among `customers` passing `predicate`: bit `i` is `customers[i]`.
    public func members(_ predicate: SegmentPredicate, asOf: Int32, of customers: [Int]) -> SegmentMembers {
        let test = Verdicts(predicate, asOf: asOf, levels: levels)
        return SegmentMembers(customerCount: customers.count) { i in
            let c = customers[i]
            return test.holds(code: c >= 0 && c < codes.count ? codes[c] : Self.missing, number: numbers, at: c)
        }
    }

    /// A predicate's verdict on each distinct value, tested once per evaluation.
    private struct Verdicts {
        let levelPass: [Bool]
        let fixed: [Bool]
        let numberTest: (Double) -> Bool

        init(_ predicate: SegmentPredicate, asOf: Int32, levels: [String]) {
            fixed = [SegmentTraitColumn.other, SegmentTraitColumn.number, SegmentTraitColumn.isFalse, SegmentTraitColumn.isTrue,
                     SegmentTraitColumn.null, SegmentTraitColumn.missing].map { code in
                switch code {
                case SegmentTraitColumn.missing: predicate.holds(json: nil, asOf: asOf)
                case SegmentTraitColumn.null: predicate.holds(json: .null, asOf: asOf)
                case SegmentTraitColumn.isTrue: predicate.holds(json: .bool(true), asOf: asOf)
                case SegmentTraitColumn.isFalse: predicate.holds(json: .bool(false), asOf: asOf)
                case SegmentTraitColumn.other: predicate.holds(json: .array([]), asOf: asOf)
                default: false
                }
            }
            switch predicate {
            case .exists: numberTest = { _ in true }
            case .missing: numberTest = { _ in false }
            default: numberTest = { predicate.holds(number: $0) }
            }
            levelPass = levels.map { predicate.holds(json: .string($0), asOf: asOf) }
        }

        func holds(code c: Int32, number numbers: [Double], at i: Int) -> Bool {
            if c >= 0 { return levelPass[Int(c)] }
            if c == SegmentTraitColumn.number { return numberTest(numbers[i]) }
            return fixed[Int(c + 6)]
        }
    }
}

/// The traits a set of segments tests, by exact name, each a ``SegmentTraitColumn``.
public struct SegmentTraitTable: Sendable {
    public private(set) var columns: [String: SegmentTraitColumn] = [:]
    public private(set) var customerCount: Int

    /// A table of the traits `names`, none set yet.
    public init(customerCount: Int, names: Set<String>) {
        self.customerCount = customerCount
        for name in names { columns[name] = SegmentTraitColumn(customerCount: customerCount) }
    }

    /// The names held.
    public var names: Set<String> { Set(columns.keys) }

    /// Records customer `customer`'s traits (an `identify`'s full set): held names it lacks are unset.
    public mutating func set(customer: Int, traits: [String: JSONValue]) {
        // The names copied first: iterating `columns.keys` would keep a second reference to the
        // columns, and every write would then copy a whole column (4 bytes × every customer).
        for name in Array(columns.keys) { columns[name]!.set(customer: customer, traits[name]) }
    }

    /// Sets one trait, when it is held.
    public mutating func set(customer: Int, name: String, _ value: JSONValue?) {
        guard columns[name] != nil else { return }
        columns[name]!.set(customer: customer, value)
    }

    public mutating func grow(to customerCount: Int) {
        guard customerCount > self.customerCount else { return }
        self.customerCount = customerCount
        for name in Array(columns.keys) { columns[name]!.grow(to: customerCount) }
    }
}
