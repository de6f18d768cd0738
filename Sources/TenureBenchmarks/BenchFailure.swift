/// A benchmark's work did not succeed: the benchmark exits non-zero with `reason` and prints no
/// figure for it.
public struct BenchFailure: Error, CustomStringConvertible {
    /// What went wrong, and where a user can look.
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "benchmark failed: \(reason)" }
}
