import Dispatch
import Foundation

/// Splitting analytics work over the cores: customers are cut into contiguous ranges with about
/// the same number of events each, every range is scanned by one worker into its own partial
/// result, and the partial results are merged.
enum ParallelWork {
    /// Below this many events one worker is faster than waking others.
    static let minimumEventsPerWorker = 200_000

    /// Workers worth using for `events` events: the active cores, at most 8.
    static func workerCount(events: Int) -> Int {
        let cores = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        return max(1, min(cores, events / minimumEventsPerWorker))
    }

    /// `parts` contiguous slot ranges covering `0..<offsets.count - 1` with about equal event counts.
    static func balancedRanges(offsets: [Int], parts: Int) -> [Range<Int>] {
        let slots = offsets.count - 1
        guard parts > 1, slots > 1 else { return [0..<max(slots, 0)] }
        let total = offsets[slots]
        var ranges: [Range<Int>] = []
        var lo = 0
        for p in 1..<parts {
            let target = total / parts * p
            // First slot whose start offset reaches the target.
            var a = lo, b = slots
            while a < b {
                let m = (a + b) / 2
                if offsets[m] < target { a = m + 1 } else { b = m }
            }
            ranges.append(lo..<a)
            lo = a
        }
        ranges.append(lo..<slots)
        return ranges
    }

    /// Runs `body(0) … body(count - 1)` concurrently and returns when all are done.
    static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// `body(i)` for every `i` in `0..<count`, computed concurrently, in order.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        if count == 1 { return [body(0)] }
        let slots = ResultSlots<T>(count: count)
        defer { slots.release() }
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.store(body(i), at: i) }
        return slots.collect()
    }
}

/// One result slot per worker of ``ParallelWork/map(_:_:)``.
///
/// `@unchecked Sendable` is safe: worker `i` writes only slot `i`, and the slots are read only
/// after `concurrentPerform` has returned, which orders every write before the reads.
private final class ResultSlots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    func store(_ value: T, at i: Int) { buffer[i] = value }

    func collect() -> [T] { buffer.map { $0! } }

    func release() {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }
}
