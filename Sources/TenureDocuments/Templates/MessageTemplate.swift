import Foundation
import Mustache
import TenureCore

/// A message template: a subject, text and HTML bodies for email, and short texts for push and
/// SMS, in Mustache, in one or more locales. The customer's `locale` trait chooses the
/// translation (`de-AT` takes `de-AT`, else `de`, else the default locale).
///
/// The document (YAML or JSON):
///
/// ```yaml
/// name: win-back-offer
/// default_locale: en
/// locales:
///   en:
///     subject: "{{customer.first_name}}, here is 20% off"
///     text: "Hi {{customer.first_name}}, use {{promo_code.code}} by {{promo_code.expires_at}}."
///     html: "{{<layout}}{{$body}}<p>Hi {{customer.first_name}}</p>{{/body}}{{/layout}}"
///   de:
///     subject: "{{customer.first_name}}, 20 % Rabatt für dich"
///     text: "…"
/// ```
///
/// A single-locale template may put its parts at the top level instead of under `locales`.
/// A template named as a partial (`partial: true`) is a shared piece (a layout) others include
/// with `{{> name}}` or extend with `{{< name}}…{{/name}}`. HTML parts escape every value (`&`,
/// `<`, `>`, quotes); subject, text, push and SMS parts do not, and the single-line parts have
/// their line breaks replaced by spaces, so a value cannot add a header.
public struct MessageTemplate: Sendable, Hashable {
    /// The parts a locale may have.
    public enum Part: String, Sendable, Hashable, CaseIterable, Codable {
        case subject, text, html, push, sms

        var isHTML: Bool { self == .html }
        var isSingleLine: Bool { self == .subject || self == .push || self == .sms }
    }

    public var name: String
    public var description: String
    /// Whether this is a partial (a layout or a shared piece) rather than a message.
    public var isPartial: Bool
    public var defaultLocale: String
    /// The parts' Mustache text by locale, then part.
    public var locales: [String: [Part: String]]

    public init(name: String, description: String = "", isPartial: Bool = false, defaultLocale: String = "en", locales: [String: [Part: String]]) {
        self.name = name
        self.description = description
        self.isPartial = isPartial
        self.defaultLocale = defaultLocale
        self.locales = locales
    }

    /// The locale a customer's `locale` trait chooses: the exact tag, else its language, else
    /// the default.
    public func locale(for trait: String?) -> String {
        guard let trait, !trait.isEmpty else { return defaultLocale }
        let normal = trait.replacingOccurrences(of: "_", with: "-").lowercased()
        if let exact = locales.keys.first(where: { $0.lowercased() == normal }) { return exact }
        let language = normal.split(separator: "-").first.map(String.init) ?? normal
        if let match = locales.keys.first(where: { $0.lowercased() == language }) { return match }
        return defaultLocale
    }
}

extension MessageTemplate {
    /// Reads a template document (the JSON value of its YAML or JSON text).
    public init(json: JSONValue) throws(TemplateError) {
        guard case .object(let root) = json else { throw TemplateError(part: nil, "a template must be a mapping with a name and its parts") }
        let allowed = Set(["name", "description", "partial", "default_locale", "locales"] + Part.allCases.map(\.rawValue))
        if let stray = root.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw TemplateError(part: stray, "is not a template field; use name, description, partial, default_locale, locales, or the parts \(Part.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard case .string(let name) = root["name"], Self.isName(name) else {
            throw TemplateError(part: "name", "must be 1 to 100 letters, digits, spaces or - _ . /")
        }
        var description = ""
        if let d = root["description"] {
            guard case .string(let s) = d, s.count <= 1000 else { throw TemplateError(part: "description", "must be text of at most 1000 characters") }
            description = s
        }
        var isPartial = false
        if let p = root["partial"] {
            guard case .bool(let b) = p else { throw TemplateError(part: "partial", "must be true or false") }
            isPartial = b
        }
        var defaultLocale = "en"
        if let d = root["default_locale"] {
            guard case .string(let s) = d, Self.isLocale(s) else { throw TemplateError(part: "default_locale", "must be a language tag such as en or pt-BR") }
            defaultLocale = s
        }
        var locales: [String: [Part: String]] = [:]
        let topLevel = Part.allCases.filter { root[$0.rawValue] != nil }
        if !topLevel.isEmpty {
            guard root["locales"] == nil else { throw TemplateError(part: "locales", "give the parts either at the top level or under locales, not both") }
            locales[defaultLocale] = try Self.parts(root.filter { Part(rawValue: $0.key) != nil }, at: nil)
        } else {
            guard case .object(let byLocale) = root["locales"], !byLocale.isEmpty else {
                throw TemplateError(part: "locales", "give at least one part (subject, text, html, push, sms), at the top level or under locales")
            }
            for (locale, value) in byLocale {
                guard Self.isLocale(locale) else { throw TemplateError(part: "locales.\(locale)", "is not a language tag such as en or pt-BR") }
                guard case .object(let members) = value else { throw TemplateError(part: "locales.\(locale)", "must be a mapping of parts") }
                locales[locale] = try Self.parts(members, at: locale)
            }
            guard locales[defaultLocale] != nil else {
                throw TemplateError(part: "default_locale", "the default locale \"\(defaultLocale)\" has no parts; add it under locales or name another")
            }
        }
        self.init(name: name, description: description, isPartial: isPartial, defaultLocale: defaultLocale, locales: locales)
    }

    private static func parts(_ members: [String: JSONValue], at locale: String?) throws(TemplateError) -> [Part: String] {
        var out: [Part: String] = [:]
        for (key, value) in members {
            guard let part = Part(rawValue: key) else {
                throw TemplateError(part: locale.map { "locales.\($0).\(key)" } ?? key, "is not a part; the parts are \(Part.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard case .string(let text) = value, text.utf8.count <= 256 * 1024 else {
                throw TemplateError(part: partName(part, locale), "must be text of at most 256 KiB")
            }
            out[part] = text
        }
        guard !out.isEmpty else { throw TemplateError(part: locale.map { "locales.\($0)" }, "has no parts") }
        return out
    }

    static func partName(_ part: Part, _ locale: String?) -> String {
        locale.map { "\(part.rawValue) (\($0))" } ?? part.rawValue
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 100 && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || " -_./".unicodeScalars.contains($0) }
            && s.first != " " && s.last != " "
    }

    static func isLocale(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return !s.isEmpty && s.count <= 35 && parts.allSatisfy { !$0.isEmpty && $0.count <= 8 && $0.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) } }
    }

    /// The canonical document: the JSON form a store keeps.
    public var json: JSONValue {
        var root: [String: JSONValue] = ["name": .string(name), "default_locale": .string(defaultLocale)]
        if !description.isEmpty { root["description"] = .string(description) }
        if isPartial { root["partial"] = .bool(true) }
        var byLocale: [String: JSONValue] = [:]
        for (locale, parts) in locales {
            byLocale[locale] = .object(Dictionary(uniqueKeysWithValues: parts.map { ($0.key.rawValue, JSONValue.string($0.value)) }))
        }
        root["locales"] = .object(byLocale)
        return .object(root)
    }
}
