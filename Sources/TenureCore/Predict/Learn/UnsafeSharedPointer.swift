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
