import Dispatch
import Foundation

/// A raw pointer that may cross into the worker closures of ``LearnParallel``.
///
/// `@unchecked Sendable` is sound here because every use splits the pointee into disjoint index
/// ranges per worker (or only reads), and `LearnParallel.forEachChunk` returns only after all workers finish,
/// so the buffer outlives every access and no two threads write the same element.
struct UnsafeSharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>

    init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    init(_ base: UnsafePointer<Pointee>) { self.base = UnsafeMutablePointer(mutating: base) }

    @inline(__always) subscript(i: Int) -> Pointee {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

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
