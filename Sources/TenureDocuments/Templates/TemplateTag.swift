import Foundation

/// A tag of a Mustache template as the field check reads it: what it names, what kind of tag it
/// is, and where it is (line and column from 1).
struct TemplateTag: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case variable
        case section
        case invertedSection
        case close
        case partial
        case parent
        case block
        case other
    }

    var kind: Kind
    /// The field's dotted name (`customer.first_name`), `.` for the current item, or the
    /// partial's name.
    var name: String
    var line: Int
    var column: Int

    /// The tags of a template, in order. Delimiter changes (`{{=<% %>=}}`) are refused: the
    /// field check could not follow them.
    static func scan(_ text: String) throws(TemplateError) -> [TemplateTag] {
        var tags: [TemplateTag] = []
        let chars = Array(text.unicodeScalars)
        var i = 0, line = 1, column = 1
        func advance(_ n: Int) {
            for _ in 0..<n where i < chars.count {
                if chars[i] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                i += 1
            }
        }
        while i < chars.count {
            guard chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" else {
                advance(1)
                continue
            }
            let (tagLine, tagColumn) = (line, column)
            let triple = i + 2 < chars.count && chars[i + 2] == "{"
            let open = triple ? 3 : 2
            var j = i + open
            let close: [Unicode.Scalar] = triple ? ["}", "}", "}"] : ["}", "}"]
            var end: Int?
            while j + close.count <= chars.count {
                if Array(chars[j..<(j + close.count)]) == close {
                    end = j
                    break
                }
                j += 1
            }
            guard let end else { throw TemplateError(part: nil, line: tagLine, column: tagColumn, "a tag opened here is never closed with }}") }
            var inner = String(String.UnicodeScalarView(chars[(i + open)..<end])).trimmingCharacters(in: .whitespaces)
            var kind = TemplateTag.Kind.variable
            if !triple, let sigil = inner.unicodeScalars.first {
                switch sigil {
                case "#": kind = .section
                case "^": kind = .invertedSection
                case "/": kind = .close
                case ">": kind = .partial
                case "<": kind = .parent
                case "$": kind = .block
                case "&": kind = .variable
                case "!", "%": kind = .other
                case "=": throw TemplateError(part: nil, line: tagLine, column: tagColumn, "delimiter changes ({{=…=}}) are not supported")
                default: break
                }
                if "#^/><$&!%".unicodeScalars.contains(sigil) { inner = String(inner.dropFirst()).trimmingCharacters(in: .whitespaces) }
            }
            // A transform (`uppercased(name)`) names the field inside its parentheses.
            if let open = inner.firstIndex(of: "("), inner.hasSuffix(")") {
                inner = String(inner[inner.index(after: open)..<inner.index(before: inner.endIndex)]).trimmingCharacters(in: .whitespaces)
            }
            tags.append(TemplateTag(kind: kind, name: inner, line: tagLine, column: tagColumn))
            advance(end + close.count - i)
        }
        return tags
    }
}
