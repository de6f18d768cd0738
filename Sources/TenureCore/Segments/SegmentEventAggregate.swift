/// A per-customer aggregate of one event over a window, optionally only over events whose
/// properties pass a filter: `count("Order Completed", last 90 days)`,
/// `sum("Order Completed", revenue, ever, where category = "tea")`,
/// `last_time("Logged In", last 365 days)`.
///
/// Everything an evaluator needs is a plain value (the event name, the window, the filter), so
/// one pass over a customer's events can compute every aggregate of a segment.
public struct SegmentEventAggregate: Sendable, Hashable, CustomStringConvertible {
    /// What is computed over the matching events.
    public enum Function: Sendable, Hashable {
        /// How many (a number; 0 when none).
        case count
        /// The total of a numeric property (a number, in the property's unit; 0 when none;
        /// events whose property is missing or not a number add nothing).
        case sum(property: String)
        /// The day of the earliest (a date; missing when none).
        case firstTime
        /// The day of the latest (a date; missing when none).
        case lastTime

        /// The function's name in the text form and its key in the JSON form.
        public var name: String {
            switch self {
            case .count: "count"
            case .sum: "sum"
            case .firstTime: "first_time"
            case .lastTime: "last_time"
            }
        }

        /// What the function yields: a number for `count` and `sum`, a date for `first_time` and `last_time`.
        public var valueType: SegmentValueType {
            switch self {
            case .count, .sum: .number
            case .firstTime, .lastTime: .date
            }
        }

        static let names = ["count", "sum", "first_time", "last_time"]
    }

    /// What is computed.
    public var function: Function
    /// The event name, exact (case-sensitive): `"Order Completed"`.
    public var event: String
    /// The days whose events count.
    public var window: SegmentWindow
    /// Only events whose properties pass every test count; empty for all events.
    public var filter: [SegmentPropertyCondition]

    /// An aggregate; nothing is checked until ``SegmentExpression/validate(knownSegments:)``.
    public init(_ function: Function, of event: String, over window: SegmentWindow, where filter: [SegmentPropertyCondition] = []) {
        self.function = function
        self.event = event
        self.window = window
        self.filter = filter
    }

    /// What the aggregate yields (the function's type).
    public var valueType: SegmentValueType { function.valueType }

    /// `count("Order Completed", last 90 days, where category = "tea" and price > 5)`.
    public var description: String {
        var out = "\(function.name)(\(SegmentTextForm.quoted(event)), "
        if case .sum(let property) = function { out += "\(SegmentTextForm.name(property)), " }
        out += window.description
        if !filter.isEmpty { out += ", where " + filter.map(\.description).joined(separator: " and ") }
        return out + ")"
    }
}

/// JSON: `{"count": "Order Completed", "window": {"last_days": 90}, "where": [property tests]}`;
/// `{"sum": "Order Completed", "property": "revenue", "window": "ever"}`; `"first_time"` and
/// `"last_time"` like `"count"`. `"where"` may be left out.
extension SegmentEventAggregate: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try SegmentJSONObject(decoder, what: #"an event aggregate such as {"count": "Order Completed", "window": "ever"}"#)
        let present = Function.names.filter(object.has)
        guard present.count == 1, let name = present.first else {
            throw SegmentJSONObject.error(
                .invalidJSON, at: object.path, token: present.dropFirst().first ?? "",
                present.isEmpty ? "an event aggregate needs one of \(SegmentTextForm.list(Function.names))" : "an event aggregate has one function",
                present.isEmpty ? "" : ", not \(SegmentTextForm.list(present))")
        }
        try object.allowOnly([name, "window", "where"] + (name == "sum" ? ["property"] : []))
        let function: Function =
            switch name {
            case "count": .count
            case "sum": .sum(property: try object.string("property"))
            case "first_time": .firstTime
            default: .lastTime
            }
        let event = try object.string(name)
        let window: SegmentWindow
        do {
            window = try SegmentWindow(from: object.decoder("window"))
        } catch let error as SegmentExpressionError {
            throw error
        } catch {
            throw SegmentJSONObject.error(.invalidJSON, at: object.path.appending(["window"]), token: "window", "expected a window")
        }
        var filter: [SegmentPropertyCondition] = []
        if object.has("where") {
            let wherePath = object.path.appending(["where"])
            var list = try object.array("where")
            while !list.isAtEnd {
                guard filter.count < SegmentExpressionLimits.maximumFilterConditions else {
                    throw SegmentJSONObject.error(
                        .limitExceeded, at: wherePath, token: "where",
                        "a filter of more than \(SegmentExpressionLimits.maximumFilterConditions) tests")
                }
                let element = try list.nextElement(in: wherePath)
                do {
                    filter.append(try SegmentPropertyCondition(from: element))
                } catch let error as SegmentExpressionError {
                    throw error
                } catch {
                    throw SegmentJSONObject.error(.invalidJSON, at: SegmentJSONPath(element.codingPath), token: "", "expected a property test")
                }
            }
        }
        self.init(function, of: event, over: window, where: filter)
        if let v = violation() { throw v.error(atJSON: object.path) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SegmentJSONKey.self)
        try c.encode(event, forKey: SegmentJSONKey(function.name))
        if case .sum(let property) = function { try c.encode(property, forKey: SegmentJSONKey("property")) }
        try c.encode(window, forKey: SegmentJSONKey("window"))
        if !filter.isEmpty { try c.encode(filter, forKey: SegmentJSONKey("where")) }
    }
}
