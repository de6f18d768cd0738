import Foundation

/// A JSON object of a journey document being read, with its path for error messages; refuses
/// unknown keys (a typo must not silently drop a step's setting).
struct JourneyDocumentObject {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue?, at path: String, what: String) throws(JourneyDefinitionError) {
        guard case .object(let members) = value else { throw JourneyDefinitionError(at: path, "must be \(what)") }
        self.members = members
        self.path = path
    }

    init(members: [String: JSONValue], path: String) {
        self.members = members
        self.path = path
    }

    func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { members[key] != nil && members[key] != .null }

    func allowOnly(_ keys: Set<String>) throws(JourneyDefinitionError) {
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw JourneyDefinitionError(at: sub(unknown), "unknown field; expected one of \(keys.sorted().joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws(JourneyDefinitionError) -> String {
        guard case .string(let s) = members[key] else { throw JourneyDefinitionError(at: sub(key), "must be a string") }
        return s
    }

    func optionalString(_ key: String) throws(JourneyDefinitionError) -> String? {
        has(key) ? try string(key) : nil
    }

    func number(_ key: String) throws(JourneyDefinitionError) -> Double {
        guard case .number(let x) = members[key], x.isFinite else { throw JourneyDefinitionError(at: sub(key), "must be a number") }
        return x
    }

    func optionalNumber(_ key: String) throws(JourneyDefinitionError) -> Double? {
        has(key) ? try number(key) : nil
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(JourneyDefinitionError) -> Int {
        let x = try number(key)
        guard x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
            throw JourneyDefinitionError(at: sub(key), "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(x)
    }

    func bool(_ key: String) throws(JourneyDefinitionError) -> Bool {
        guard case .bool(let b) = members[key] else { throw JourneyDefinitionError(at: sub(key), "must be true or false") }
        return b
    }

    /// A `where` filter: the segment language's property tests as text (`category = "tea" and
    /// price > 5`) or in their JSON form (`[{"property": "category", "op": "=", "value": "tea"}]`).
    func filter(_ key: String) throws(JourneyDefinitionError) -> [SegmentPropertyCondition] {
        guard let value = members[key], value != .null else { return [] }
        switch value {
        case .string(let text):
            // Read as the filter of an aggregate, so the segment language's parser and its
            // errors (by column, shifted back to the filter's own text) apply unchanged.
            let prefix = #"count("e", ever, where "#
            let parsed = Result { () throws(SegmentExpressionError) in try SegmentExpression(parsing: prefix + text + ") >= 1") }
            switch parsed {
            case .failure(let error):
                let column = error.column.map { max(1, $0 - prefix.count) }
                throw JourneyDefinitionError(at: sub(key), error.message + (column.map { " (column \($0))" } ?? ""))
            case .success(let expression):
                guard case .condition(let c) = expression, case .event(let aggregate) = c.operand else {
                    throw JourneyDefinitionError(at: sub(key), "must be property tests such as category = \"tea\"")
                }
                return aggregate.filter
            }
        case .array:
            switch Result(catching: { try JSONDecoder().decode([SegmentPropertyCondition].self, from: JSONEncoder().encode(value)) }) {
            case .success(let filter): return filter
            case .failure(let error):
                throw JourneyDefinitionError(at: sub(key), "must be property tests such as [{\"property\": \"category\", \"op\": \"=\", \"value\": \"tea\"}]: \(error)")
            }
        default:
            throw JourneyDefinitionError(at: sub(key), "must be property tests, as text (category = \"tea\") or a JSON list")
        }
    }
}
