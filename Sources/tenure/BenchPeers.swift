import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A benchmark's work did not succeed: the benchmark exits non-zero with `reason` and prints no
/// figure for it.
struct BenchFailure: Error, CustomStringConvertible {
    var reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { "benchmark failed: \(reason)" }
}

/// The peers and helper scripts the benchmarks run beside Tenure, found the same way from any
/// working directory: the scripts in the checkout the executable was built from (found by walking
/// up from the executable, then from this source file's path at build time), the tools on `PATH`.
enum BenchPeers {
    /// The checkout's root: the nearest folder above the executable, or above this source file,
    /// that holds `scripts/bench/segment_batch.lua`.
    static let checkout: URL? = {
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
    static func script(_ relative: String) throws(BenchFailure) -> String {
        guard let checkout else {
            throw BenchFailure(
                "scripts/\(relative) was not found next to the executable or in the checkout it was built from "
                    + "(run the tenure binary built in a Tenure checkout)")
        }
        return checkout.appendingPathComponent("scripts/" + relative).path
    }

    /// Whether `python3 -c "import <module>"` works.
    static func hasPythonModule(_ module: String) -> Bool {
        runTool(["python3", "-c", "import \(module)"]) != nil
    }

    /// The path of the executable `name` on `PATH`, or nil.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port` (the server `process`
    /// started), failing when the process exits first or after 30 seconds.
    static func waitForPort(_ port: Int, process: Process) async throws {
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
    static func missing(_ peer: String, install: String, required: Bool) throws(BenchFailure) -> String {
        let text = "\(peer) is not installed (\(install))"
        if required { throw BenchFailure(text + "; --require-peers makes a missing peer a failure") }
        return "skipped: " + text
    }
}
