import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Python sink of the benchmarks (`scripts/e2e/smtp_sink.py`, `webhook_sink.py`) started on
/// a free loopback port; killed by `stop()`.
final class LoopbackSinkProcess {
    let port: Int
    private let process: Process

    /// Starts `python3 scripts/<script> <arguments> --port 0` and reads its "listening on PORT".
    init(script: String, arguments: [String]) throws {
        guard let python = BenchPeers.executable("python3") else { throw BenchFailure("python3 is needed for the loopback sinks (apt-get install python3)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [try BenchPeers.script(script)] + arguments + ["--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text.replacingOccurrences(of: "listening on ", with: "")) else {
            kill(process.processIdentifier, SIGKILL)
            throw BenchFailure("scripts/\(script) did not start (is aiosmtpd installed? pip install aiosmtpd): \(text)")
        }
        self.port = port
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
