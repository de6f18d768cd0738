/// A frequency cap or quiet-hours setting that cannot be read.
public enum MessagePolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    case badCap(String, String)
    case badQuietHours(String)

    public var description: String {
        switch self {
        case .badCap(let text, let why): "the frequency cap \"\(text)\" cannot be read: \(why)"
        case .badQuietHours(let text): "the quiet hours \"\(text)\" cannot be read: write them as HH:MM-HH:MM, such as 21:00-08:00"
        }
    }
}
