import Foundation
import HTTPTypes

/// Reads the API key a client presented: HTTP Basic username (Segment's clients send the write
/// key this way, with an empty password) or a Bearer token.
enum Credentials {
    static func secret(from headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "basic":
            guard let data = Data(base64Encoded: String(parts[1])), let text = String(data: data, encoding: .utf8) else { return nil }
            let user = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return user.isEmpty ? nil : user
        case "bearer":
            return String(parts[1])
        default:
            return nil
        }
    }
}
