/// Why a journey document was refused: where (a path such as `steps[2] "offer".send.channel`)
/// and what to fix. Every refusal names the step and the field.
public struct JourneyDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the document: `trigger.event`, `steps[1] "wait a week".wait.days`.
    public var path: String
    /// What is wrong and what would be right.
    public var message: String

    public init(at path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
