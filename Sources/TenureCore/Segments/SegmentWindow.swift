/// The days an event aggregate looks at, always ending no later than the evaluation day.
/// Written `last 90 days`, `between 2026-01-01 and 2026-03-31`, `ever`.
public enum SegmentWindow: Sendable, Hashable, CustomStringConvertible {
    /// The `n` days (1…3650) ending on the evaluation day, both included: `asOf − n + 1 … asOf`
    /// (as ``RFMQuery/lookbackDays``).
    case lastDays(Int)
    /// From the first date to the second, both included (relative dates count back from the
    /// evaluation day). The start is never after the end when both are calendar days or both
    /// relative; a mixed window that ends before it starts is empty.
    case between(SegmentDate, SegmentDate)
    /// Every event up to the evaluation day.
    case ever

    /// The longest `last N days` window (about ten years).
    public static let maximumDays = 3650

    /// The days covered when the segment is evaluated on `asOf` (days since 1970-01-01 UTC),
    /// `nil` when the window is empty. Never reaches past `asOf`; never traps.
    public func dayRange(asOf: Int32) -> ClosedRange<Int32>? {
        switch self {
        case .lastDays(let n):
            let first = Int32(clamping: Int64(asOf) - SegmentDate.clampedDays(n) + 1)
            return first <= asOf ? first...asOf : nil
        case .between(let a, let b):
            let first = a.resolved(asOf: asOf)
            let last = min(b.resolved(asOf: asOf), asOf)
            return first <= last ? first...last : nil
        case .ever:
            return Int32.min...asOf
        }
    }

    public var description: String {
        switch self {
        case .lastDays(1): "last 1 day"
        case .lastDays(let n): "last \(n) days"
        case .between(let a, let b): "between \(a) and \(b)"
        case .ever: "ever"
        }
    }
}

/// JSON: `"ever"`, `{"last_days": 90}` or `{"between": [{"date": "2026-01-01"}, {"days_ago": 30}]}`.
extension SegmentWindow: Codable {
    public init(from decoder: any Decoder) throws {
        let path = SegmentJSONPath(decoder.codingPath)
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "ever" else {
                throw SegmentJSONObject.error(
                    .invalidWindow, at: path, token: text, "unknown window \(SegmentTextForm.quoted(text))",
                    #"; expected "ever", {"last_days": 90} or {"between": [start, end]}"#)
            }
            self = .ever
            return
        }
        let object = try SegmentJSONObject(decoder, what: #"a window: "ever", {"last_days": 90} or {"between": [start, end]}"#)
        try object.allowOnly(["last_days", "between"])
        if object.has("last_days") {
            guard !object.has("between") else {
                throw SegmentJSONObject.error(.invalidJSON, at: path, token: "between", #"a window has "last_days" or "between", not both"#)
            }
            self = .lastDays(try object.wholeNumber("last_days"))
        } else if object.has("between") {
            var list = try object.array("between")
            let listPath = path.appending(["between"])
            guard list.count == 2 else {
                throw SegmentJSONObject.error(.invalidJSON, at: listPath, token: "between", "expected [start, end], two dates")
            }
            let start = try SegmentDate(object: SegmentJSONObject(list.nextElement(in: listPath), what: "a date"))
            let end = try SegmentDate(object: SegmentJSONObject(list.nextElement(in: listPath), what: "a date"))
            self = .between(start, end)
        } else {
            throw SegmentJSONObject.error(.invalidJSON, at: path, token: "", #"a window needs "last_days" or "between""#)
        }
        if let v = violation() { throw v.error(atJSON: path) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .ever:
            var c = encoder.singleValueContainer()
            try c.encode("ever")
        case .lastDays(let n):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode(n, forKey: SegmentJSONKey("last_days"))
        case .between(let a, let b):
            var c = encoder.container(keyedBy: SegmentJSONKey.self)
            try c.encode([a, b], forKey: SegmentJSONKey("between"))
        }
    }
}
