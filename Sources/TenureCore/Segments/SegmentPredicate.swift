/// What a condition tests about its operand (a trait, a metric, an event aggregate or an event
/// property): `= "free"`, `>= 0.6`, `in ["At risk", "Lost"]`, `contains "@"`, `starts with "ann"`,
/// `exists`, `missing`. String tests are exact and case-sensitive.
public enum SegmentPredicate: Sendable, Hashable, CustomStringConvertible {
    /// A comparison with one value of the operand's type.
    case compare(SegmentComparison, SegmentLiteral)
    /// Equal to one of 1…1,000 values, all strings or all numbers.
    case isIn([SegmentLiteral])
    /// A string holding this text.
    case contains(String)
    /// A string beginning with this text.
    case startsWith(String)
    /// The trait or property is set (to anything but JSON `null`). Traits and properties only.
    case exists
    /// The trait or property is not set, or is `null`. Traits and properties only.
    case missing

    /// The type the operand is compared as: the literal's, `string` for `contains` and
    /// `starts with`, `nil` for `exists` and `missing`.
    public var valueType: SegmentValueType? {
        switch self {
        case .compare(_, let value): value.valueType
        case .isIn(let values): values.first?.valueType
        case .contains, .startsWith: .string
        case .exists, .missing: nil
        }
    }

    /// The operator in the text form (`>=`, `in`, `starts with`, …).
    var operatorText: String {
        switch self {
        case .compare(let op, _): op.rawValue
        case .isIn: "in"
        case .contains: "contains"
        case .startsWith: "starts with"
        case .exists: "exists"
        case .missing: "missing"
        }
    }

    /// The operator in the JSON form (`>=`, `in`, `starts_with`, …).
    var operatorJSON: String {
        switch self {
        case .startsWith: "starts_with"
        default: operatorText
        }
    }

    /// The operators of the JSON form.
    static let jsonOperators = SegmentComparison.allCases.map(\.rawValue) + ["in", "contains", "starts_with", "exists", "missing"]

    public var description: String {
        switch self {
        case .compare(let op, let value): "\(op.rawValue) \(value)"
        case .isIn(let values): "in [\(values.map(\.description).joined(separator: ", "))]"
        case .contains(let s): "contains \(SegmentTextForm.quoted(s))"
        case .startsWith(let s): "starts with \(SegmentTextForm.quoted(s))"
        case .exists: "exists"
        case .missing: "missing"
        }
    }
}

/// JSON: the keys `"op"` (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `contains`, `starts_with`,
/// `exists`, `missing`) and `"value"` (a literal; a list for `in`; absent for `exists` and
/// `missing`), inside the object of the condition they belong to.
extension SegmentPredicate: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: "a test")
        try object.allowOnly(["op", "value"])
        try self.init(object: object)
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    /// Reads `"op"` and `"value"` of `object` (other keys are the caller's).
    init(object: SegmentJSONObject) throws(SegmentExpressionError) {
        let op = try object.string("op")
        let valuePath = object.path.appending(["value"])
        switch op {
        case "exists", "missing":
            guard !object.has("value") else {
                throw SegmentJSONObject.error(.invalidJSON, at: valuePath, token: "value", "\(SegmentTextForm.quoted(op)) takes no value")
            }
            self = op == "exists" ? .exists : .missing
        case "in":
            var list = try object.array("value")
            var values: [SegmentLiteral] = []
            while !list.isAtEnd {
                guard values.count < SegmentExpressionLimits.maximumListLength else {
                    throw SegmentJSONObject.error(
                        .limitExceeded, at: valuePath, token: "value", "a list of more than \(SegmentExpressionLimits.maximumListLength) values")
                }
                let element = try list.nextElement(in: valuePath)
                do {
                    values.append(try SegmentLiteral(from: element))
                } catch let error as SegmentExpressionError {
                    throw error
                } catch {
                    throw SegmentJSONObject.error(.invalidJSON, at: SegmentJSONPath(element.codingPath), token: "", "expected a value")
                }
            }
            self = .isIn(values)
        case "contains", "starts_with":
            let s = try object.string("value")
            self = op == "contains" ? .contains(s) : .startsWith(s)
        default:
            guard let comparison = SegmentComparison(rawValue: op) else {
                throw SegmentJSONObject.error(
                    .invalidOperator, at: object.path.appending(["op"]), token: op, "unknown operator \(SegmentTextForm.quoted(op))",
                    "; expected \(SegmentTextForm.list(Self.jsonOperators))")
            }
            let decoder = try object.decoder("value")
            do {
                self = .compare(comparison, try SegmentLiteral(from: decoder))
            } catch let error as SegmentExpressionError {
                throw error
            } catch {
                throw SegmentJSONObject.error(.invalidJSON, at: valuePath, token: "", "expected a value")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SegmentJSONKey.self)
        try c.encode(operatorJSON, forKey: SegmentJSONKey("op"))
        let value = SegmentJSONKey("value")
        switch self {
        case .compare(_, let literal): try c.encode(literal, forKey: value)
        case .isIn(let values): try c.encode(values, forKey: value)
        case .contains(let s), .startsWith(let s): try c.encode(s, forKey: value)
        case .exists, .missing: break
        }
    }
}
