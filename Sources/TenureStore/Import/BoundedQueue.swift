import Dispatch
import Foundation

/// A first-in, first-out hand-over between one producer thread and one consumer thread that
/// holds at most `capacity` items, so a fast producer cannot fill memory. Closing it (either
/// side) wakes both: `push` then refuses, `pop` drains what is left and then returns nil.
///
/// `@unchecked Sendable` is sound: every access to the stored state holds `condition`'s lock.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Taken items are set to nil at once, so the queue never keeps one alive.
    private var items: [Element?] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for room, then adds `item`; false when the queue was closed.
    @discardableResult
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count - head >= capacity { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for an item; nil once the queue is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && head == items.count { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head].take()
        head += 1
        if head == items.count || head >= 64 {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

extension BoundedQueue {
    /// Runs `produce` on a thread of its own while `consume` takes the items here. Returns (or
    /// throws) only after that thread has ended, closing the queue first so a producer waiting
    /// for room stops: the thread never outlives what it reads, such as an open file.
    func consume<T>(producedBy produce: @escaping @Sendable () -> Void, _ consume: () throws -> T) rethrows -> T {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            produce()
            done.signal()
        }
        defer {
            close()
            done.wait()
        }
        return try consume()
    }
}
