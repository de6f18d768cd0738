#if canImport(Glibc)
import Glibc
#endif

extension Duration {
    /// The duration in seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// CPU time of the process, all threads, in seconds: on a shared machine wall time also counts
/// other processes, so benchmarks report this beside it.
public func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}
