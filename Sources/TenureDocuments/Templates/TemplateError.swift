/// Why a message template cannot be saved or rendered: the part (`html`, `subject (de)`), the
/// line and column where known, and what to fix.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var part: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(part: String?, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.part = part
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var at: [String] = []
        if let part { at.append(part) }
        if let line { at.append("line \(line)" + (column.map { ", column \($0)" } ?? "")) }
        return at.isEmpty ? message : at.joined(separator: ", ") + ": " + message
    }
}
