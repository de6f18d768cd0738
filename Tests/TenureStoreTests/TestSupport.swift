import Foundation
import TenureCore

func at(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }

func track(_ id: String, user: String? = "u1", anon: String? = nil, _ name: String, _ time: String = "2026-01-01T00:00:00Z",
           _ properties: [String: JSONValue] = [:]) -> Message {
    Message(kind: .track, messageId: id, userId: user, anonymousId: anon, name: name, timestamp: at(time), properties: properties)
}

func identify(_ id: String, user: String?, anon: String? = nil, _ traits: [String: JSONValue] = [:], _ time: String = "2026-01-01T00:00:00Z") -> Message {
    Message(kind: .identify, messageId: id, userId: user, anonymousId: anon, timestamp: at(time), traits: traits)
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "tenure-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String, _ contents: String) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(contents.utf8))
        return p
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The folder of reference data sets (`scripts/fetch-reference-data.sh`), or nil when absent.
func referenceData(_ relative: String, filePath: String = #filePath) -> String? {
    if let root = ProcessInfo.processInfo.environment["TENURE_REFERENCE_DATA"] {
        let p = root + "/" + relative
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }
    var url = URL(fileURLWithPath: filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        let p = url.appendingPathComponent(".reference-data/" + relative).path
        if FileManager.default.fileExists(atPath: p) { return p }
    }
    return nil
}

var referenceDataRequired: Bool { ProcessInfo.processInfo.environment["TENURE_REQUIRE_REFERENCE_DATA"] == "1" }
