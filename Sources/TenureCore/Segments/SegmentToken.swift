/// A token of the text form, with its scalar offsets in the source.
struct SegmentToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare word: keyword, metric, function or property name (as written, not lowercased).
        case word(String)
        /// A string literal's value, escapes read.
        case string(String)
        case number(Double)
        case date(SegmentDate)
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case comparison(SegmentComparison)
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int

    /// The word lowercased, for keyword matching; `nil` for other tokens.
    var keyword: String? {
        if case .word(let w) = kind { return w.lowercased() }
        return nil
    }

    func isKeyword(_ k: String) -> Bool { keyword == k }
}
