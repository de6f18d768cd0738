extension SegmentExpression {
    /// The names of the segments this expression tests membership of (`in segment "…"`), each
    /// once, in order of first appearance.
    public var referencedSegments: [String] {
        var names: [String] = []
        var seen = Set<String>()
        // An explicit stack: built expressions need not respect the depth limit.
        var stack: [SegmentExpression] = [self]
        while let node = stack.popLast() {
            switch node {
            case .and(let items), .or(let items): stack.append(contentsOf: items.reversed())
            case .not(let inner): stack.append(inner)
            case .condition: break
            case .inSegment(let name): if seen.insert(name).inserted { names.append(name) }
            }
        }
        return names
    }

    /// The referenced segments that are not among `known`, in order of first appearance.
    public func unknownSegments(known: Set<String>) -> [String] {
        referencedSegments.filter { !known.contains($0) }
    }

    /// A cycle of segment references reachable from the segment `start`, as the names along it
    /// with the first repeated at the end (`["A", "B", "A"]`; `["A", "A"]` for a segment that
    /// refers to itself); `nil` when there is none. `definition` looks up a segment's expression;
    /// names it does not know are treated as segments without references (reporting them is
    /// ``unknownSegments(known:)``'s job). Deterministic: references are followed in order.
    ///
    /// Evaluating a segment needs the segments it refers to first, so a definition that would
    /// close a cycle must be refused before it is saved: call this with the new definition in
    /// the lookup.
    public static func segmentCycle(from start: String, definition: (String) -> SegmentExpression?) -> [String]? {
        var done = Set<String>()
        return segmentCycle(from: start, definition: definition, done: &done)
    }

    /// The search from `start`, skipping the segments in `done` (explored without a cycle) and
    /// adding the ones it explores.
    private static func segmentCycle(
        from start: String, definition: (String) -> SegmentExpression?, done: inout Set<String>
    ) -> [String]? {
        // Iterative depth-first search: a long chain of segments must not overflow the stack.
        var onPath: [String: Int] = [:]  // name → position in `path`
        var path: [String] = []
        var pending: [[String]] = []  // per path entry: its references not yet followed, reversed
        func enter(_ name: String) {
            onPath[name] = path.count
            path.append(name)
            pending.append((definition(name)?.referencedSegments ?? []).reversed())
        }
        enter(start)
        while !path.isEmpty {
            if let next = pending[pending.count - 1].popLast() {
                if let at = onPath[next] { return Array(path[at...]) + [next] }
                if !done.contains(next) { enter(next) }
            } else {
                let name = path.removeLast()
                pending.removeLast()
                onPath[name] = nil
                done.insert(name)
            }
        }
        return nil
    }

    /// The first cycle among all `definitions` (visited in sorted name order), or `nil`.
    public static func segmentCycle(in definitions: [String: SegmentExpression]) -> [String]? {
        // Segments already explored from an earlier start hold no cycle: each is visited once.
        var done = Set<String>()
        for name in definitions.keys.sorted() where !done.contains(name) {
            if let cycle = segmentCycle(from: name, definition: { definitions[$0] }, done: &done) { return cycle }
        }
        return nil
    }
}
