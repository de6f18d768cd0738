import Foundation

/// At most `limit` marketing messages in any rolling `window`, for one customer: over all
/// channels, on one channel, or from one journey. Transactional messages are never counted and
/// never capped.
///
/// Text form (the `--cap` option): `3/7d` (any channel), `push:1/1d` (one channel),
/// `journey:Win-back:1/30d` (one journey); windows in `d`, `h` or `m`.
public struct FrequencyCap: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable, Codable {
        /// Every marketing message, whatever its channel.
        case all
        /// Messages on this channel.
        case channel(String)
        /// Messages from this journey (or broadcast).
        case journey(String)
    }

    public var scope: Scope
    /// Messages allowed in the window, at least 1.
    public var limit: Int
    /// The rolling window, in seconds.
    public var window: TimeInterval

    public init(_ scope: Scope = .all, limit: Int, window: TimeInterval) {
        self.scope = scope
        self.limit = limit
        self.window = window
    }

    /// Whether a message counts against this cap.
    public func covers(channel: String, journey: String?) -> Bool {
        switch scope {
        case .all: true
        case .channel(let c): c == channel
        case .journey(let j): j == journey
        }
    }

    /// Reads the text form; the error says what a cap looks like.
    public init(parsing text: String) throws(MessagePolicyError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let slash = trimmed.lastIndex(of: "/") else { throw MessagePolicyError.badCap(text, "write it as LIMIT/WINDOW, such as 3/7d or push:1/1d") }
        let head = trimmed[..<slash]
        let windowText = trimmed[trimmed.index(after: slash)...]
        var scope = Scope.all
        var limitText = Substring(head)
        if let colon = head.lastIndex(of: ":") {
            let name = String(head[..<colon])
            limitText = head[head.index(after: colon)...]
            if name.hasPrefix("journey:") {
                let journey = String(name.dropFirst("journey:".count))
                guard !journey.isEmpty else { throw MessagePolicyError.badCap(text, "name the journey: journey:NAME:1/30d") }
                scope = .journey(journey)
            } else {
                guard !name.isEmpty, name.count <= 64 else { throw MessagePolicyError.badCap(text, "name the channel: push:1/1d") }
                scope = .channel(name)
            }
        }
        guard let limit = Int(limitText), (1...10_000).contains(limit) else {
            throw MessagePolicyError.badCap(text, "the limit must be a whole number from 1 to 10000")
        }
        guard let unit = windowText.last, let amount = Double(windowText.dropLast()), amount.isFinite, amount > 0 else {
            throw MessagePolicyError.badCap(text, "the window must be a positive number of days, hours or minutes, such as 7d, 12h or 30m")
        }
        let seconds: Double
        switch unit {
        case "d": seconds = amount * 86_400
        case "h": seconds = amount * 3_600
        case "m": seconds = amount * 60
        default: throw MessagePolicyError.badCap(text, "the window's unit must be d, h or m")
        }
        guard seconds <= 366 * 86_400 else { throw MessagePolicyError.badCap(text, "the window can be at most 366 days") }
        self.init(scope, limit: limit, window: seconds)
    }

    public var description: String {
        let window: String
        if self.window.truncatingRemainder(dividingBy: 86_400) == 0 {
            window = "\(Int(self.window / 86_400))d"
        } else if self.window.truncatingRemainder(dividingBy: 3_600) == 0 {
            window = "\(Int(self.window / 3_600))h"
        } else {
            window = "\(Int((self.window / 60).rounded()))m"
        }
        switch scope {
        case .all: return "\(limit)/\(window)"
        case .channel(let c): return "\(c):\(limit)/\(window)"
        case .journey(let j): return "journey:\(j):\(limit)/\(window)"
        }
    }
}
