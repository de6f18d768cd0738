import Foundation
import TenureCore
import TenureDocuments
import TenureStore

/// The saved message templates as one checked library: what `tenure templates` and
/// `/api/v1/templates` save, preview and delete through. A template is saved only when the
/// whole library, it included, passes the field check, so nothing saved can fail at send time
/// for a misspelt field or a missing partial.
public struct TemplateCatalog: Sendable {
    let store: any TemplateStore & EventStore
    /// How many of the latest customers' traits say which `customer.…` fields exist.
    public static let traitSample = 10_000

    public init(store: any TemplateStore & EventStore) {
        self.store = store
    }

    /// The saved templates, read and checked.
    public func library() async throws -> TemplateLibrary {
        try await library(with: nil, without: nil)
    }

    private func library(with extra: MessageTemplate?, without removed: String?) async throws -> TemplateLibrary {
        var templates: [String: MessageTemplate] = [:]
        for saved in try await store.templates() where saved.name != removed {
            templates[saved.name] = try Self.read(saved)
        }
        if let extra { templates[extra.name] = extra }
        let fields = TemplateFields(traits: try await store.traitNames(sample: Self.traitSample))
        return try TemplateLibrary(templates.values.sorted { $0.name < $1.name }, fields: fields)
    }

    /// A saved template's document, read.
    public static func read(_ saved: SavedTemplate) throws -> MessageTemplate {
        try MessageTemplate(json: try JSONParser.parse(Data(saved.document.utf8)))
    }

    /// Reads, checks and saves a template document (YAML or JSON); returns it and whether it is new.
    public func save(_ data: Data, format: JourneyDocumentFile.Format?, by: String) async throws -> (template: MessageTemplate, created: Bool) {
        guard data.count <= YAMLDocument.maximumBytes else { throw TemplateError(part: nil, "the document is larger than \(YAMLDocument.maximumBytes / 1024) KiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw TemplateError(part: nil, "the document is not valid UTF-8") }
        let json: JSONValue
        do {
            json = try JourneyDocumentFile.json(from: text, format: format)
        } catch {
            throw TemplateError(part: nil, "\(error)")
        }
        let template = try MessageTemplate(json: json)
        _ = try await library(with: template, without: nil)
        let created = try await store.saveTemplate(name: template.name, document: JSONWriter.string(template.json), isPartial: template.isPartial, by: by)
        return (template, created)
    }

    /// Deletes a template; refused while another template includes it.
    public func delete(_ name: String) async throws -> Bool {
        guard try await store.template(named: name) != nil else { return false }
        do {
            _ = try await library(with: nil, without: name)
        } catch let error as TemplateError {
            throw TemplateError(part: nil, "\"\(name)\" is still used: \(error)")
        }
        return try await store.deleteTemplate(named: name)
    }

    /// A template rendered for one customer, with their traits and last event and sample values
    /// for the rest.
    public func preview(_ name: String, userId: String, at now: Date = Date()) async throws -> TemplateLibrary.Rendered {
        guard let customer = try await store.customer(userId: userId) else { throw TemplateError(part: nil, "there is no customer \"\(userId)\"") }
        let last = try await store.events(customerId: customer.id, limit: 1_000).last { $0.kind == .track && $0.name != nil }.flatMap { e in e.name.map { ($0, e.properties) } }
        return try await library().render(name, data: TemplateRenderData.preview(userId: userId, traits: customer.traits, lastEvent: last, now: now))
    }
}
