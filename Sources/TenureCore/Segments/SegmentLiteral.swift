/// A value written in an expression: `"free"`, `0.6`, `true`, `2026-01-01`, `30 days ago`.
public enum SegmentLiteral: Sendable, Hashable, CustomStringConvertible {
    /// Text, compared exactly.
    case string(String)
    /// A number; always finite.
    case number(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// A calendar day or a relative date.
    case date(SegmentDate)

    /// The literal's type, which types a trait or property it is compared with.
    public var valueType: SegmentValueType {
        switch self {
        case .string: .string
        case .number: .number
        case .boolean: .boolean
        case .date: .date
        }
    }

    /// The text form: a quoted and escaped string, a number that reads back exactly, `true` /
    /// `false`, a date.
    public var description: String {
        switch self {
        case .string(let s): SegmentTextForm.quoted(s)
        case .number(let x): SegmentTextForm.number(x)
        case .boolean(let b): b ? "true" : "false"
        case .date(let d): d.description
        }
    }
}

/// JSON: a JSON string, number or boolean, or a date object (`{"date": "2026-01-01"}`,
/// `{"days_ago": 30}`), so a date is never mistaken for a string that looks like one.
extension SegmentLiteral: Codable {
    public init(from decoder: any Decoder) throws {
        let path = SegmentJSONPath(decoder.codingPath)
        let single = try? decoder.singleValueContainer()
        if let b = try? single?.decode(Bool.self) {
            self = .boolean(b)
        } else if let x = try? single?.decode(Double.self) {
            self = .number(x)
        } else if let s = try? single?.decode(String.self) {
            self = .string(s)
        } else if (try? decoder.container(keyedBy: SegmentJSONKey.self)) != nil {
            self = .date(try SegmentDate(object: SegmentJSONObject(decoder, what: "a date")))
        } else {
            throw SegmentJSONObject.error(
                .invalidJSON, at: path, token: "", "expected a value",
                #": a string, a number, true or false, or a date such as {"date": "2026-01-01"}"#)
        }
        if let v = violation() { throw v.error(atJSON: path) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let x):
            var c = encoder.singleValueContainer()
            try c.encode(x)
        case .boolean(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .date(let d):
            try d.encode(to: encoder)
        }
    }
}
