import Dispatch
import Foundation

/// Fork–join over the machine's cores (Dispatch), used by the learners' hot loops.
enum LearnParallel {
    /// Worker threads the learners use: the active processor count, at least 1.
    static var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` on disjoint contiguous ranges covering `0..<count`, one per worker, in parallel
    /// when `count` is at least `2 × minimumChunk`. Returns when all are done.
    static func forEachChunk(count: Int, minimumChunk: Int = 4096, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = min(workerCount, max(1, count / max(1, minimumChunk)))
        if workers <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body((w * count / workers) ..< ((w + 1) * count / workers))
        }
    }

    /// Calls `body(k)` for each `k` in `0..<count`, spread over the workers.
    static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 || workerCount == 1 {
            for k in 0..<count { body(k) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
