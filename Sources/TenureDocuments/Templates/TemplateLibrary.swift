import Foundation
import Mustache
import TenureCore

/// The saved templates and partials, checked together and rendered with the customer's data.
public struct TemplateLibrary: Sendable {
    public private(set) var templates: [String: MessageTemplate]
    /// The compiled parts: template name → locale → part.
    private var compiled: [String: [String: [MessageTemplate.Part: MustacheTemplate]]] = [:]
    /// Partials compiled per part kind, so an HTML body includes a layout's HTML.
    private var partials: [MessageTemplate.Part: MustacheLibrary] = [:]

    /// A library of templates; each is checked against `fields` and the partials among them.
    public init(_ templates: [MessageTemplate], fields: TemplateFields) throws(TemplateError) {
        var byName: [String: MessageTemplate] = [:]
        for t in templates {
            guard byName[t.name] == nil else { throw TemplateError(part: nil, "two templates are named \"\(t.name)\"") }
            byName[t.name] = t
        }
        self.templates = byName
        let partialNames = Set(templates.filter(\.isPartial).map(\.name))
        for t in templates { try Self.check(t, fields: fields, partials: partialNames) }
        for t in templates {
            var locales: [String: [MessageTemplate.Part: MustacheTemplate]] = [:]
            for (locale, parts) in t.locales {
                for (part, text) in parts {
                    locales[locale, default: [:]][part] = try Self.compile(text, part: part, name: MessageTemplate.partName(part, t.locales.count > 1 ? locale : nil))
                }
            }
            compiled[t.name] = locales
        }
        for part in MessageTemplate.Part.allCases {
            var library = MustacheLibrary()
            for name in partialNames {
                guard let t = byName[name], let parts = compiled[name]?[t.defaultLocale] else { continue }
                // A partial without this part falls back to its HTML or text one.
                if let m = parts[part] ?? parts[.html] ?? parts[.text] { library.register(m, named: name) }
            }
            partials[part] = library
        }
    }

    /// Checks one template's syntax and every field it names.
    public static func check(_ template: MessageTemplate, fields: TemplateFields, partials: Set<String>) throws(TemplateError) {
        for (locale, parts) in template.locales {
            for (part, text) in parts {
                let name = MessageTemplate.partName(part, template.locales.count > 1 ? locale : nil)
                _ = try compile(text, part: part, name: name)
                do {
                    try fields.check(try TemplateTag.scan(text), part: name, partials: partials)
                } catch {
                    var e = error
                    e.part = e.part ?? name
                    throw e
                }
            }
        }
    }

    private static func compile(_ text: String, part: MessageTemplate.Part, name: String) throws(TemplateError) -> MustacheTemplate {
        // Non-HTML parts are written without HTML escaping; the pragma goes on the first line
        // without a line break, so line numbers stay the template's own.
        let source = part.isHTML ? text : "{{%CONTENT_TYPE:TEXT}}" + text
        do {
            return try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            let shift = part.isHTML || error.context.lineNumber != 1 ? 0 : "{{%CONTENT_TYPE:TEXT}}".count
            throw TemplateError(part: name, line: error.context.lineNumber, column: max(1, error.context.columnNumber - shift), "\(error.error)")
        } catch {
            throw TemplateError(part: name, "\(error)")
        }
    }

    /// A message rendered for one customer.
    public struct Rendered: Sendable, Hashable, Codable {
        public var template: String
        public var locale: String
        public var subject: String?
        public var text: String?
        public var html: String?
        public var push: String?
        public var sms: String?
    }

    /// Renders a message template with the render data (see ``TemplateFields``); the customer's
    /// `locale` trait (in `data.customer.locale`) chooses the translation.
    public func render(_ name: String, data: JSONValue) throws(TemplateError) -> Rendered {
        guard let template = templates[name], !template.isPartial, let byLocale = compiled[name] else {
            throw TemplateError(part: nil, "there is no message template named \"\(name)\"")
        }
        let locale = template.locale(for: data["customer"]?["locale"]?.stringValue)
        let parts = byLocale[locale] ?? byLocale[template.defaultLocale] ?? [:]
        let object = Self.mustacheValue(data) ?? [String: Any]()
        var out = Rendered(template: name, locale: locale)
        for (part, compiled) in parts {
            var text = compiled.render(object, library: partials[part])
            if part.isSingleLine {
                text = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            }
            switch part {
            case .subject: out.subject = text
            case .text: out.text = text
            case .html: out.html = text
            case .push: out.push = text
            case .sms: out.sms = text
            }
        }
        return out
    }

    /// JSON as the values Mustache reads: objects as dictionaries, whole numbers without a
    /// decimal point, nulls left out (so a section on them is false).
    static func mustacheValue(_ value: JSONValue) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let b): return b
        case .string(let s): return s
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .array(let items): return items.compactMap(mustacheValue)
        case .object(let members):
            var out: [String: Any] = [:]
            for (k, v) in members { if let m = mustacheValue(v) { out[k] = m } }
            return out
        }
    }
}

extension TemplateLibrary.Rendered {
    init(template: String, locale: String) {
        self.init(template: template, locale: locale, subject: nil, text: nil, html: nil, push: nil, sms: nil)
    }
}
