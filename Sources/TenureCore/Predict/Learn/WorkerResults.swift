import Foundation

/// Results written by parallel workers, one distinct index each.
///
/// `@unchecked Sendable` is sound: workers only call `set` on distinct indices of a buffer allocated
/// up front (no reallocation), and `values` is read after the fork–join completes.
public final class WorkerResults<Element>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>

    public init(_ initial: [Element]) {
        storage = .allocate(capacity: initial.count)
        _ = storage.initialize(from: initial)
    }

    deinit {
        storage.baseAddress?.deinitialize(count: storage.count)
        storage.deallocate()
    }

    public func set(_ index: Int, _ value: Element) { storage[index] = value }

    public var values: [Element] { Array(storage) }
}
