import Foundation

/// A saved message template: its document (the canonical JSON) and who changed it when.
public struct SavedTemplate: Sendable, Hashable {
    public var name: String
    /// The template document as JSON text (see `MessageTemplate` in TenureDocuments).
    public var document: String
    public var isPartial: Bool
    public var updatedBy: String
    public var updatedAt: Date

    public init(name: String, document: String, isPartial: Bool, updatedBy: String, updatedAt: Date) {
        self.name = name
        self.document = document
        self.isPartial = isPartial
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// Where message templates are kept. The store keeps documents as given: reading and checking
/// them is the templates' own work, done before saving.
public protocol TemplateStore: Sendable {
    /// Saves a template, replacing one of the same name; true when it is new.
    func saveTemplate(name: String, document: String, isPartial: Bool, by: String) async throws -> Bool
    /// Every template, by name.
    func templates() async throws -> [SavedTemplate]
    func template(named name: String) async throws -> SavedTemplate?
    /// Deletes a template; false when there was none.
    func deleteTemplate(named name: String) async throws -> Bool
    /// The trait names of the most recently seen customers (at most `sample` of them): the
    /// fields a template may name under `customer`.
    func traitNames(sample: Int) async throws -> Set<String>
}
