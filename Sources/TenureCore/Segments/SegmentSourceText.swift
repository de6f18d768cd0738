/// The text being parsed, as Unicode scalars, with the line and column of any scalar offset.
struct SegmentSourceText: Sendable {
    let scalars: [Unicode.Scalar]
    private let text: String
    /// The index in `text` of each scalar, and of the end.
    private let indices: [String.Index]

    /// The first `limit` scalars of `text` (all of them when there are fewer), and one more so
    /// that an overlong text can be detected.
    init(_ text: String, limit: Int) {
        var scalars: [Unicode.Scalar] = []
        var indices: [String.Index] = []
        let capacity = min(text.utf8.count, limit + 1)
        scalars.reserveCapacity(capacity)
        indices.reserveCapacity(capacity + 1)
        let view = text.unicodeScalars
        var i = view.startIndex
        while i < view.endIndex, scalars.count <= limit {
            scalars.append(view[i])
            indices.append(i)
            i = view.index(after: i)
        }
        indices.append(i)
        self.scalars = scalars
        self.text = text
        self.indices = indices
    }

    /// The text between two scalar offsets.
    func text(_ range: Range<Int>) -> String {
        let lo = max(0, min(range.lowerBound, scalars.count))
        let hi = max(lo, min(range.upperBound, scalars.count))
        return String(text.unicodeScalars[indices[lo]..<indices[hi]])
    }

    /// The 1-based line and column of the scalar at `offset` (or of the end, one past the last
    /// character). Lines end at `\n`, `\r\n` or `\r`; columns count grapheme clusters, as editors
    /// show them.
    func location(_ offset: Int) -> SegmentExpressionError.Location {
        let end = max(0, min(offset, scalars.count))
        var line = 1
        var lineStart = 0
        var i = 0
        while i < end {
            let c = scalars[i]
            if c == "\n" {
                line += 1
                lineStart = i + 1
            } else if c == "\r" {
                if i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return .text(line: line, column: text(min(lineStart, end)..<end).count + 1)
    }
}
