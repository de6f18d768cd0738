/// The canonical text form: the parser reads it back to the same expression.
///
/// `and` binds tighter than `or`, `not` tighter than both; an `and` or `or` inside another `and`
/// or `or` — or under `not` — is parenthesised, and nothing else is, so grouping written by the
/// user survives (`(a and b) and c` stays two nested `and`s) and the text stays minimal.
extension SegmentExpression: CustomStringConvertible {
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The canonical text form (the same as ``description``).
    public func formatted() -> String { description }

    private func write(to out: inout String) {
        switch self {
        case .and(let items):
            for (i, item) in items.enumerated() {
                if i > 0 { out += " and " }
                item.write(to: &out, parenthesised: item.isAndOr)
            }
        case .or(let items):
            for (i, item) in items.enumerated() {
                if i > 0 { out += " or " }
                if case .or = item { item.write(to: &out, parenthesised: true) } else { item.write(to: &out) }
            }
        case .not(let inner):
            out += "not "
            inner.write(to: &out, parenthesised: inner.isAndOr)
        case .condition(let c):
            out += c.description
        case .inSegment(let name):
            out += "in segment \(SegmentTextForm.quoted(name))"
        }
    }

    private func write(to out: inout String, parenthesised: Bool) {
        if parenthesised { out += "(" }
        write(to: &out)
        if parenthesised { out += ")" }
    }

    private var isAndOr: Bool {
        switch self {
        case .and, .or: true
        default: false
        }
    }
}
