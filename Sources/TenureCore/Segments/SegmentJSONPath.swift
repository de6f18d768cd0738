/// A path into the JSON form of a segment expression, printed as `$.and[1].event.window`.
struct SegmentJSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Component: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)

        init(stringLiteral value: String) { self = .key(value) }
        init(integerLiteral value: Int) { self = .index(value) }
    }

    var components: [Component]

    init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path of a decoder's position (JSONDecoder's unkeyed keys carry an `intValue`).
    init(_ codingPath: [any CodingKey]) {
        components = codingPath.map { key in key.intValue.map(Component.index) ?? .key(key.stringValue) }
    }

    func appending(_ more: [Component]) -> SegmentJSONPath {
        SegmentJSONPath(components + more)
    }

    var description: String {
        var out = "$"
        for c in components {
            switch c {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                if !k.isEmpty, k.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
                    out += ".\(k)"
                } else {
                    out += "[\(SegmentTextForm.quoted(k))]"
                }
            }
        }
        return out
    }
}
