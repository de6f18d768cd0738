import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `tenure` binary, run as a separate process the way a user runs it.
enum TenureBinary {
    static var path: String {
        // Test bundles are built next to the package's executables.
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("tenure").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return dir.appendingPathComponent("tenure").path
    }

    /// Runs `tenure args…` to completion; returns its standard output.
    @discardableResult
    static func run(_ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        // Standard error goes to a file (a second pipe could fill while standard output is read),
        // and a failure carries it: that is where the command says what was wrong.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        process.standardError = errors
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errors.close()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw CommandFailed(args: args, status: process.terminationStatus, output: String(decoding: data, as: UTF8.self) + stderr)
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var args: [String]
        var status: Int32
        var output: String
        var description: String { "tenure \(args.joined(separator: " ")) exited \(status): \(output)" }
    }
}

/// A running `tenure serve` on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    // Only touched from the test's task; the class exists to own the child process.
    let process = Process()
    private(set) var port = 0

    init(database: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: TenureBinary.path)
        process.arguments = ["serve", "--database", database, "--port", "0"] + arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            if let text = String(data: buffer, encoding: .utf8), let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)!
                return
            }
        }
        process.terminate()
        throw TenureBinary.CommandFailed(args: process.arguments ?? [], status: -1, output: String(decoding: buffer, as: UTF8.self))
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// POSTs a JSON body with HTTP Basic auth; returns the status code (0 when the connection failed).
    static func post(_ url: String, writeKey: String, body: Data) async -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Basic " + Data((writeKey + ":").utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            return 0
        }
    }
}

final class TemporaryFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "tenure-e2e-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Peer programs the end-to-end tests run: the official Python clients and the benchmarks' peers.
enum Peer {
    /// Whether `python3 -c "import <module>"` works. When it does not, the test is skipped with
    /// `install` named, or (in CI, `TENURE_REQUIRE_CROSSCHECKS=1`) fails.
    static func pythonModule(_ module: String, install: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module)"]
        process.standardError = FileHandle.nullDevice
        let found = (try? process.run()) != nil && { process.waitUntilExit(); return process.terminationStatus == 0 }()
        return found || missing("\(module) (\(install))")
    }

    /// Whether the executable `name` is on `PATH`; like `pythonModule` when it is not.
    static func executable(_ name: String, install: String) -> Bool {
        let found = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) }
        return found || missing("\(name) (\(install))")
    }

    private static func missing(_ what: String) -> Bool {
        if ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1" {
            Issue.record("\(what) is not installed")
        } else {
            print("skipped: \(what) is not installed")
        }
        return false
    }

    /// Runs `python3 scripts/<script> arguments…` from the checkout; returns its exit status.
    static func runScript(_ script: String, _ arguments: [String]) throws -> Int32 {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/" + script).path] + arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
