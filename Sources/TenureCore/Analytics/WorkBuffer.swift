/// Fixed-size memory for one worker's hot loop: plain pointer reads and writes, without the
/// uniqueness checks an `Array` does on every write. Owned by one worker and never shared between
/// threads (it is deliberately not `Sendable`); its contents leave the worker as an array.
final class WorkBuffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    /// A copy of the contents.
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
