import Foundation
import TenureCore
import Yams

/// A YAML document read as the JSON value it stands for, so that a journey file in YAML is
/// validated by exactly the rules of its JSON form.
///
/// Plain scalars are typed as in JSON and YAML 1.2's core schema, never by YAML 1.1's wider
/// rules: `null`, `~` and an empty value are null; `true` and `false` are booleans (not `yes`,
/// `no`, `on` or `off`); a decimal number is a number; everything else, `10:30` and
/// `2026-12-01` included, is a string. Quoted scalars are always strings. Anchors and aliases are
/// allowed, but the value they expand to is bounded (``maximumValues``), so a small hostile file
/// cannot make a huge one.
public enum YAMLDocument {
    /// The largest document read, in bytes.
    public static let maximumBytes = 1 << 20
    /// The most values (scalars, lists and mappings) a document may expand to, aliases counted
    /// each time they are used.
    public static let maximumValues = 100_000
    /// The deepest nesting of lists and mappings.
    public static let maximumDepth = 64

    /// Reads YAML text as a JSON value.
    public static func parse(_ text: String) throws(YAMLDocumentError) -> JSONValue {
        guard text.utf8.count <= maximumBytes else {
            throw YAMLDocumentError(line: nil, column: nil, "the document is larger than \(maximumBytes / 1024) KiB")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw YAMLDocumentError(error)
        } catch {
            throw YAMLDocumentError(line: nil, column: nil, "\(error)")
        }
        guard let root else { throw YAMLDocumentError(line: nil, column: nil, "the document is empty") }
        var budget = maximumValues
        return try value(of: root, depth: 0, budget: &budget)
    }

    /// Reads YAML bytes (UTF-8) as a JSON value.
    public static func parse(_ data: Data) throws(YAMLDocumentError) -> JSONValue {
        guard data.count <= maximumBytes else {
            throw YAMLDocumentError(line: nil, column: nil, "the document is larger than \(maximumBytes / 1024) KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw YAMLDocumentError(line: nil, column: nil, "the document is not valid UTF-8")
        }
        return try parse(text)
    }

    private static func value(of node: Node, depth: Int, budget: inout Int) throws(YAMLDocumentError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw YAMLDocumentError(at: node.mark, "the document expands to more than \(maximumValues) values (check its aliases)")
        }
        guard depth <= maximumDepth else { throw YAMLDocumentError(at: node.mark, "lists and mappings nest deeper than \(maximumDepth) levels") }
        switch node {
        case .scalar(let scalar):
            return try value(of: scalar)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            items.reserveCapacity(min(sequence.count, budget))
            for item in sequence { items.append(try value(of: item, depth: depth + 1, budget: &budget)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let k) = key else { throw YAMLDocumentError(at: key.mark, "a key must be a plain word or a quoted string, not a list or a mapping") }
                guard k.tag.rawValue != Tag.Name.merge.rawValue, !(k.string == "<<" && k.style == .plain) else {
                    throw YAMLDocumentError(at: key.mark, "merge keys (<<) are not supported: write the values out")
                }
                guard members[k.string] == nil else { throw YAMLDocumentError(at: key.mark, "the key \"\(k.string)\" appears twice in this mapping") }
                members[k.string] = try value(of: item, depth: depth + 1, budget: &budget)
            }
            return .object(members)
        case .alias(let alias):
            throw YAMLDocumentError(at: alias.mark, "the alias *\(alias.anchor.rawValue) names no anchor")
        }
    }

    private static func value(of scalar: Node.Scalar) throws(YAMLDocumentError) -> JSONValue {
        let text = scalar.string
        switch scalar.tag.rawValue {
        case "":
            return scalar.style == .plain ? plain(text) : .string(text)
        case Tag.Name.str.rawValue:
            return .string(text)
        case Tag.Name.null.rawValue:
            guard case .null = plain(text) else { throw YAMLDocumentError(at: scalar.mark, "\"\(text)\" is not null") }
            return .null
        case Tag.Name.bool.rawValue:
            guard case .bool(let b) = plain(text) else { throw YAMLDocumentError(at: scalar.mark, "\"\(text)\" is not true or false") }
            return .bool(b)
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
            guard case .number(let n) = plain(text) else { throw YAMLDocumentError(at: scalar.mark, "\"\(text)\" is not a number") }
            return .number(n)
        case let tag:
            throw YAMLDocumentError(at: scalar.mark, "the tag \(tag) is not supported (use plain or quoted values)")
        }
    }

    /// A plain scalar's JSON value: null, a boolean, a finite decimal number, else a string.
    static func plain(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if isDecimal(text), let n = Double(text), n.isFinite { return .number(n) }
        return .string(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`: YAML 1.2's core number, without
    /// the infinities and NaN, which JSON has no way to write.
    static func isDecimal(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            var n = 0
            while let b = bytes.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                bytes = bytes.dropFirst()
                n += 1
            }
            return n
        }
        let whole = digits()
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digits()
            if whole == 0 && fraction == 0 { return false }
        } else if whole == 0 {
            return false
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }
}

/// Why a YAML document could not be read, with the line and column (from 1) where known.
public struct YAMLDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(line: Int?, column: Int?, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(at mark: Mark?, _ message: String) {
        self.init(line: mark?.line, column: mark?.column, message)
    }

    init(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let about = context.map { " \($0.text)" } ?? ""
            self.init(line: mark.line, column: mark.column, problem + about)
        case .reader(let problem, _, _, _):
            self.init(line: nil, column: nil, "the document cannot be read: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            self.init(at: context.mark, "the key \"\(duplicates.sorted().joined(separator: "\", \""))\" appears twice in the mapping that starts here")
        default:
            self.init(line: nil, column: nil, "\(error)")
        }
    }

    public var description: String {
        guard let line else { return message }
        return "line \(line)\(column.map { ", column \($0)" } ?? ""): \(message)"
    }
}
