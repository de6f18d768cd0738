import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine the benchmarks run on, as they print it and as the record keeps it.
public enum BenchMachine {
    /// `machine: 2 cores, 23 GiB`: the first line most benchmarks print (memory in whole GiB,
    /// rounded down).
    public static var summary: String {
        "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }

    /// The 1-minute load average now, or nil when the system does not say.
    public static func loadAverage() -> Double? {
        var load = 0.0
        return getloadavg(&load, 1) == 1 ? load : nil
    }

    /// The 1-, 5- and 15-minute load averages (`1.20, 0.80, 0.55`, or `unknown`), for reading the
    /// timings of a shared machine.
    public static func loadAverages() -> String {
        var loads = [Double](repeating: 0, count: 3)
        guard getloadavg(&loads, 3) == 3 else { return "unknown" }
        return loads.map { String(format: "%.2f", $0) }.joined(separator: ", ")
    }

    /// How this benchmark binary was compiled: `debug` or `release`. Figures of a debug build
    /// are not comparable with a release build's.
    public static var build: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }
}
