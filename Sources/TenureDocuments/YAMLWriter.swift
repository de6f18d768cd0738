import TenureCore

/// YAML text for a JSON value, in block style, that ``YAMLDocument/parse(_:)-(String)`` reads
/// back as the same value: what `tenure journeys show --format yaml` prints for a marketer to
/// edit. Strings stay plain where that cannot change their meaning, else they are written in
/// JSON's double quotes (which YAML reads the same way).
public enum YAMLWriter {
    /// The text of `value`; mapping keys come in `keyOrder` first (in that order), then the
    /// rest in alphabetical order.
    public static func string(_ value: JSONValue, keyOrder: [String] = []) -> String {
        let rank = Dictionary(keyOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var out = ""
        switch value {
        case .object(let members) where !members.isEmpty:
            writeMembers(members, indent: 0, rank: rank, into: &out)
        case .array(let items) where !items.isEmpty:
            writeItems(items, indent: 0, rank: rank, into: &out)
        default:
            out = scalar(value) + "\n"
        }
        return out
    }

    private static func ordered(_ members: [String: JSONValue], rank: [String: Int]) -> [(String, JSONValue)] {
        members.sorted { a, b in
            switch (rank[a.key], rank[b.key]) {
            case (let x?, let y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.key < b.key
            }
        }
    }

    private static func writeMembers(_ members: [String: JSONValue], indent: Int, rank: [String: Int], into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in ordered(members, rank: rank) {
            out += pad + text(key) + ":"
            writeValue(value, indent: indent, rank: rank, into: &out)
        }
    }

    private static func writeItems(_ items: [JSONValue], indent: Int, rank: [String: Int], into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .object(let members) where !members.isEmpty:
                // The first member on the dash's line, the rest beneath it.
                var first = true
                for (key, value) in ordered(members, rank: rank) {
                    out += (first ? pad + "- " : pad + "  ") + text(key) + ":"
                    writeValue(value, indent: indent + 2, rank: rank, into: &out)
                    first = false
                }
            case .array(let inner) where !inner.isEmpty:
                out += pad + "-\n"
                writeItems(inner, indent: indent + 2, rank: rank, into: &out)
            default:
                out += pad + "- " + scalar(item) + "\n"
            }
        }
    }

    /// After `key:`: a scalar on the same line, a collection on the next lines.
    private static func writeValue(_ value: JSONValue, indent: Int, rank: [String: Int], into out: inout String) {
        switch value {
        case .object(let members) where !members.isEmpty:
            out += "\n"
            writeMembers(members, indent: indent + 2, rank: rank, into: &out)
        case .array(let items) where !items.isEmpty:
            out += "\n"
            writeItems(items, indent: indent + 2, rank: rank, into: &out)
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number: JSONWriter.string(value)
        case .string(let s): text(s)
        case .array: "[]"
        case .object: "{}"
        }
    }

    /// A string plain when it reads back as itself, else double-quoted.
    static func text(_ s: String) -> String {
        isPlainSafe(s) ? s : quoted(s)
    }

    /// In double quotes, with `"` and `\` escaped and every character YAML does not allow raw
    /// (C0 and C1 controls, DEL, the byte-order mark, the line and paragraph separators) written
    /// as `\uXXXX`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0xFEFF, 0x2028, 0x2029].contains(scalar.value):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Letters, digits, spaces and `_ . / -` inside, starting with a letter, digit or `_` and
    /// ending without a space; not a word YAML or JSON reads as something else.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, last != " " else { return false }
        guard first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "_" else { return false }
        guard s.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || " _./-'".unicodeScalars.contains($0) }) else {
            return false
        }
        if case .string = YAMLDocument.plain(s) {} else { return false }
        // YAML 1.1 readers take these as booleans; quote them for anyone else's tools too.
        return !["yes", "no", "on", "off", "y", "n"].contains(s.lowercased())
    }
}
