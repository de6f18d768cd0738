import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/e2e/smtp_sink.py` (aiosmtpd) on a free loopback port, for one test: started with
/// the given fault options, stopped when the test ends. Messages it accepted are files in
/// `folder`.
final class SMTPSink: Sendable {
    /// Whether python3 with aiosmtpd is here; CI (TENURE_REQUIRE_CROSSCHECKS=1) fails without it.
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import aiosmtpd"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
    static let required = ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1"
    static let skipReason = "needs python3 with aiosmtpd (pip install aiosmtpd); TENURE_REQUIRE_CROSSCHECKS=1 makes this a failure"

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/e2e")

    let folder: URL
    let port: Int
    private let process: Process

    init(_ options: [String] = []) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.scripts.appendingPathComponent("smtp_sink.py").path, folder.path, "--port", "0"] + options
        let out = Pipe()
        process.standardOutput = out
        // aiosmtpd's warnings and tracebacks (expected ones too: a refused certificate) go to a
        // file, not into the test log.
        let log = folder.appendingPathComponent("sink.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // One line, "listening on PORT".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text.replacingOccurrences(of: "listening on ", with: "")) else {
            process.terminate()
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw SinkError("the SMTP sink did not start: \(text) \(errors.suffix(2_000))")
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The messages saved, in the order received.
    func messages() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// index.txt's lines: Message-ID, sender, recipients.
    func index() -> [[String]] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("index.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// What Python's email package reads in a saved message (scripts/e2e/smtp_check.py).
    static func check(_ file: URL) throws -> ReceivedEmail {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts.appendingPathComponent("smtp_check.py").path, file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SinkError("smtp_check.py failed on \(file.path)") }
        return try JSONDecoder().decode(ReceivedEmail.self, from: data)
    }
}

struct SinkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// smtp_check.py's report.
struct ReceivedEmail: Decodable {
    struct Part: Decodable {
        let content_type: String
        let charset: String?
        let transfer_encoding: String?
        let body: String
    }
    let content_type: String
    let subject: String
    let from_name: String
    let from_address: String
    let to_name: String
    let to_address: String
    let message_id: String
    let date_unix: Int?
    let mime_version: String
    let list_unsubscribe: String?
    let list_unsubscribe_post: String?
    let header_names: [String]
    let parts: [Part]
    let max_header_line: Int
    let max_line: Int
    let all_crlf: Bool
    let ascii: Bool
    let defects: [String]
}
