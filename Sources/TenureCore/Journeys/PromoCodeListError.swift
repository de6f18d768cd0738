/// Why codes were refused for upload: where (the line of the file, or the item of the list) and
/// what to fix.
public struct PromoCodeListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `line` (a file) or `item` (a JSON list).
    public var unit: String
    /// 1-based; nil when the refusal is about the whole upload.
    public var line: Int?
    /// What is wrong and what would be right.
    public var message: String

    public init(unit: String = "line", line: Int?, _ message: String) {
        self.unit = unit
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(unit) \($0): \(message)" } ?? message }
}
