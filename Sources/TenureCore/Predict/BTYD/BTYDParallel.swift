import Dispatch
import Foundation

/// Fork–join sums over pattern ranges for the likelihood hot loops.
enum BTYDParallel {
    /// Below this many patterns a likelihood is summed on the calling thread.
    static let minimumPatternsPerWorker = 16_384

    /// Σ over disjoint chunks of `0..<count` of `body(chunk)`, the chunks run in parallel on up to
    /// `activeProcessorCount` threads. Summation order is fixed by chunk, so results are deterministic
    /// for a given worker count.
    static func sum(count: Int, _ body: @Sendable (Range<Int>) -> SIMD8<Double>) -> SIMD8<Double> {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimumPatternsPerWorker))
        if workers <= 1 { return body(0..<count) }
        let partials = PartialSums(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            partials.set(w, body((w * count / workers)..<((w + 1) * count / workers)))
        }
        return partials.total
    }

    /// Per-worker results. `@unchecked Sendable` is safe: every access goes through `lock`.
    private final class PartialSums: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [SIMD8<Double>]

        init(count: Int) { values = [SIMD8<Double>](repeating: .zero, count: count) }

        func set(_ index: Int, _ value: SIMD8<Double>) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }

        var total: SIMD8<Double> {
            lock.lock()
            defer { lock.unlock() }
            return values.reduce(.zero, +)
        }
    }
}
