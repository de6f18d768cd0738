import TenureCore

/// The fields a message template may name: what a message's render data holds. Validation
/// checks every `{{…}}` against them, so a misspelt or missing field is refused when the
/// template is saved, with its name, and never renders as a blank at send time.
///
/// The render data: `customer` (`user_id`, `email`, `first_name`, … every trait), `event` (the
/// triggering event: `name` and its properties, any name), `promo_code` (`code`, `expires_at`,
/// `offer`), `recommendations` (a list of `name`, `url`, `price`, `image_url`, `product_id`),
/// `replenishment` (`interval_days`, `runs_out_on`), `journey` (`name`, `step`), `message`
/// (`id`), `unsubscribe_url`, `preferences_url`.
public struct TemplateFields: Sendable, Hashable {
    /// The trait names customers have (from the store), besides `user_id` and `email`.
    public var traits: Set<String>

    public init(traits: Set<String>) {
        self.traits = traits
    }

    /// A field of the render data: a scalar, an object with fixed or open members, or a list.
    indirect enum Field: Sendable, Hashable {
        case scalar
        case object([String: Field])
        /// Any member name (an event's properties).
        case open
        case list(Field)
    }

    var root: Field {
        var customer: [String: Field] = ["user_id": .scalar, "email": .scalar]
        for t in traits { customer[t] = .scalar }
        let product: Field = .object(["name": .scalar, "url": .scalar, "price": .scalar, "image_url": .scalar, "product_id": .scalar])
        return .object([
            "customer": .object(customer),
            "event": .open,
            "promo_code": .object(["code": .scalar, "expires_at": .scalar, "offer": .scalar]),
            "recommendations": .list(product),
            "replenishment": .object(["interval_days": .scalar, "runs_out_on": .scalar]),
            "journey": .object(["name": .scalar, "step": .scalar]),
            "message": .object(["id": .scalar]),
            "unsubscribe_url": .scalar,
            "preferences_url": .scalar,
        ])
    }

    /// Checks a template's tags: every field it names resolves, in the scopes its sections
    /// open (inside `{{#recommendations}}`, `name` is a product's), as Mustache looks names up.
    func check(_ tags: [TemplateTag], part: String, partials: Set<String>) throws(TemplateError) {
        var scopes: [Field] = [root]
        var open: [String] = []
        for tag in tags {
            switch tag.kind {
            case .other:
                continue
            case .block:
                open.append("$" + tag.name)
            case .partial, .parent:
                guard partials.contains(tag.name) else {
                    throw TemplateError(part: part, line: tag.line, column: tag.column, "there is no partial named \"\(tag.name)\"" + Self.hint(tag.name, Array(partials)))
                }
                if tag.kind == .parent { open.append("<" + tag.name) }
            case .close:
                guard let last = open.popLast() else {
                    throw TemplateError(part: part, line: tag.line, column: tag.column, "{{/\(tag.name)}} closes no section")
                }
                if last.hasPrefix("<") || last.hasPrefix("$") { continue }
                guard last == tag.name else {
                    throw TemplateError(part: part, line: tag.line, column: tag.column, "{{/\(tag.name)}} closes {{#\(last)}}")
                }
                scopes.removeLast()
            case .variable, .section, .invertedSection:
                let field = try resolve(tag, in: scopes, part: part)
                if tag.kind == .section || tag.kind == .invertedSection {
                    open.append(tag.name)
                    // A list's section runs per item; an object's opens its members; a scalar's keeps the scope.
                    switch field {
                    case .list(let item) where tag.kind == .section: scopes.append(item)
                    case .object where tag.kind == .section: scopes.append(field)
                    case .open where tag.kind == .section: scopes.append(.open)
                    default: scopes.append(scopes.last ?? root)
                    }
                }
            }
        }
        if let unclosed = open.last {
            let tag = unclosed.hasPrefix("<") || unclosed.hasPrefix("$") ? unclosed : "#" + unclosed
            throw TemplateError(part: part, "{{\(tag)}} is never closed")
        }
    }

    private func resolve(_ tag: TemplateTag, in scopes: [Field], part: String) throws(TemplateError) -> Field {
        if tag.name == "." { return scopes.last ?? .scalar }
        let path = tag.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else {
            throw TemplateError(part: part, line: tag.line, column: tag.column, "\"\(tag.name)\" is not a field name")
        }
        // The first name is looked up from the innermost scope out; the rest descend.
        var current: Field?
        for scope in scopes.reversed() {
            if let f = Self.member(path[0], of: scope) {
                current = f
                break
            }
        }
        guard var field = current else {
            throw TemplateError(part: part, line: tag.line, column: tag.column, "{{\(tag.name)}} names no field" + Self.hint(path[0], Self.names(of: root)))
        }
        for (k, name) in path.enumerated().dropFirst() {
            guard let next = Self.member(name, of: field) else {
                let owner = path[..<k].joined(separator: ".")
                let what = owner == "customer" ? "the customer has no trait \"\(name)\"" : "\(owner) has no field \"\(name)\""
                throw TemplateError(part: part, line: tag.line, column: tag.column, "{{\(tag.name)}}: " + what + Self.hint(name, Self.names(of: field)))
            }
            field = next
        }
        return field
    }

    private static func member(_ name: String, of field: Field) -> Field? {
        switch field {
        case .object(let members): members[name]
        case .open: .open
        case .scalar, .list: nil
        }
    }

    private static func names(of field: Field) -> [String] {
        if case .object(let members) = field { return members.keys.sorted() }
        return []
    }

    private static func hint(_ name: String, _ candidates: [String]) -> String {
        SegmentNameSuggestion.closest(to: name, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }
}
