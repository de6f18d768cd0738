import Foundation
import Testing

@testable import TenureStore

@Suite struct BoundedQueueTests {
    final class Payload: Sendable {}

    @Test func aTakenItemIsNotKeptWhileOthersWait() {
        let queue = BoundedQueue<Payload>(capacity: 4)
        weak var first: Payload?
        do {
            let payload = Payload()
            first = payload
            queue.push(payload)
        }
        queue.push(Payload())
        _ = queue.pop()
        // The second item is still queued; the first must already be gone.
        #expect(first == nil)
        #expect(queue.pop() != nil)
    }

    @Test func itemsArriveInOrderAcrossThreadsAndCloseEndsTheStream() async {
        let queue = BoundedQueue<Int>(capacity: 3)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for i in 0..<10_000 { queue.push(i) }
            queue.close()
            done.signal()
        }
        var received: [Int] = []
        while let item = queue.pop() { received.append(item) }
        done.wait()
        #expect(received == Array(0..<10_000))
        #expect(queue.push(1) == false)
    }
}
