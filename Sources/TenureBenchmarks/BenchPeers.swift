import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The peers and helper scripts the benchmarks run beside Tenure, found the same way from any
/// working directory: the scripts in the checkout the executable was built from (found by walking
/// up from the executable, then from this source file's path at build time), the tools on `PATH`.
public enum BenchPeers {
    /// The checkout's root: the nearest folder above the executable, or above this source file,
    /// that holds `scripts/bench/segment_batch.lua`.
    public static let checkout: URL? = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let source = URL(fileURLWithPath: #filePath)
        for start in [executable, source] {
            var folder = start.deletingLastPathComponent()
            while folder.path != "/" {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("scripts/bench/segment_batch.lua").path) {
                    return folder
                }
                folder.deleteLastPathComponent()
            }
        }
        return nil
    }()

    /// The absolute path of `scripts/<relative>` in the checkout; a failure naming the script
    /// when there is none.
    public static func script(_ relative: String) throws(BenchFailure) -> String {
        guard let checkout else {
            throw BenchFailure(
                "scripts/\(relative) was not found next to the executable or in the checkout it was built from "
                    + "(run the tenure binary built in a Tenure checkout)")
        }
        return checkout.appendingPathComponent("scripts/" + relative).path
    }

    /// Runs a helper program (`arguments[0]`: a path, or a name looked up on `PATH`) with
    /// `environment` added to this process's; returns its standard output, or nil when it cannot
    /// run or exits non-zero. Its standard error is dropped.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// Whether `python3 -c "import <module>"` works.
    public static func hasPythonModule(_ module: String) -> Bool {
        run(["python3", "-c", "import \(module)"]) != nil
    }

    /// The path of the executable `name` on `PATH`, or nil.
    public static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port` (the server `process`
    /// started), failing when the process exits first or after 30 seconds.
    public static func waitForPort(_ port: Int, process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw BenchFailure("the server exited with status \(process.terminationStatus) before it listened on port \(port)")
            }
            if accepts(port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchFailure("the server did not listen on port \(port) within 30 s")
    }

    private static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// What to say (or throw, with `--require-peers`) when a peer is missing: its exact name and
    /// the command that installs it.
    public static func missing(_ peer: String, install: String, required: Bool) throws(BenchFailure) -> String {
        let text = "\(peer) is not installed (\(install))"
        if required { throw BenchFailure(text + "; --require-peers makes a missing peer a failure") }
        return "skipped: " + text
    }
}
