extension SegmentExpression {
    /// Checks the rules that parsing and JSON decoding apply, for an expression built in code:
    /// `and` / `or` have two or more operands; names are not empty; types match (the literal of
    /// a metric or aggregate has its type, the operator applies to it); categorical values exist;
    /// bounded metrics get values in range; windows, dates, lists, strings, the nesting depth and
    /// the length of the text form are within ``SegmentExpressionLimits``. With `knownSegments`,
    /// every `in segment` name must be among them.
    ///
    /// Errors locate the offending part by its JSON path (`$.and[1].value`).
    public func validate(knownSegments: Set<String>? = nil) throws(SegmentExpressionError) {
        try validate(at: SegmentJSONPath(), depth: 0, knownSegments: knownSegments)
        let length = description.unicodeScalars.count
        guard length <= SegmentExpressionLimits.maximumTextLength else { throw Self.tooLongError(length, at: .json(path: "$")) }
    }

    private func validate(at path: SegmentJSONPath, depth: Int, knownSegments: Set<String>?) throws(SegmentExpressionError) {
        if isCompound, depth >= SegmentExpressionLimits.maximumDepth {
            throw Self.depthError(
                at: .json(path: path.description),
                token: path.components.last.map { c in
                    if case .key(let k) = c { return k }
                    return "and"
                } ?? "and")
        }
        if let v = nodeViolation(knownSegments: knownSegments) { throw v.error(atJSON: path) }
        switch self {
        case .and(let items), .or(let items):
            let key: SegmentJSONPath.Component = if case .and = self { "and" } else { "or" }
            for (i, item) in items.enumerated() {
                try item.validate(at: path.appending([key, .index(i)]), depth: depth + 1, knownSegments: knownSegments)
            }
        case .not(let inner):
            try inner.validate(at: path.appending(["not"]), depth: depth + 1, knownSegments: knownSegments)
        case .condition(let c):
            if let v = c.violation() { throw v.error(atJSON: path) }
        case .inSegment:
            break
        }
    }
}
