/// Hard limits of the segment language, so that hostile input can neither crash the parser nor
/// overflow its stack. Exceeding one is a ``SegmentExpressionError/Reason/limitExceeded`` error
/// naming the limit. Every expression that passes them prints to a text within them.
public enum SegmentExpressionLimits {
    /// Longest text form, in Unicode scalars (20,000: a page of conditions).
    public static let maximumTextLength = 20_000
    /// Deepest nesting of `and` / `or` / `not` (in the text: parentheses and `not`s around a condition).
    public static let maximumDepth = 64
    /// Most values in an `in [...]` list.
    public static let maximumListLength = 1_000
    /// Most property conditions in one `where` filter.
    public static let maximumFilterConditions = 32
    /// Longest bare word (metric, keyword, property name, number), in characters.
    public static let maximumWordLength = 100
    /// Longest string literal or name (trait, event, property, segment), in Unicode scalars after
    /// escapes are read.
    public static let maximumStringLength = 1_000
}
