/// "Did you mean …?" for misspelled names: the closest candidate by edit distance, ignoring case.
public enum SegmentNameSuggestion {
    /// The candidate nearest to `name` when it is close enough to be a likely typo (at most one
    /// edit for short names, two for names of five characters or more, or the same letters in
    /// another case); `nil` otherwise.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let a = Array(name.lowercased().unicodeScalars)
        // Long names are no typos of ours; this also bounds the quadratic work.
        guard !a.isEmpty, a.count <= 64 else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let b = Array(candidate.lowercased().unicodeScalars)
            let d = distance(a, b)
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        guard let best else { return nil }
        let allowed = a.count >= 5 ? 2 : 1
        return best.distance <= allowed ? best.candidate : nil
    }

    /// `; did you mean "x"?` or the empty string.
    static func hint(for name: String, among candidates: [String]) -> String {
        closest(to: name, among: candidates).map { "; did you mean \(SegmentTextForm.quoted($0))?" } ?? ""
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
