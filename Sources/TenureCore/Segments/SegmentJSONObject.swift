/// A key of the JSON form, whatever its name.
struct SegmentJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One object of the JSON form, read with errors that name their JSON path and say what was
/// expected, instead of Foundation's `DecodingError`s.
struct SegmentJSONObject {
    let container: KeyedDecodingContainer<SegmentJSONKey>
    let path: SegmentJSONPath

    /// Opens the object at the decoder's position; `what` names it for the error ("a condition").
    init(_ decoder: any Decoder, what: String) throws(SegmentExpressionError) {
        path = SegmentJSONPath(decoder.codingPath)
        do {
            container = try decoder.container(keyedBy: SegmentJSONKey.self)
        } catch {
            throw SegmentJSONObject.error(.invalidJSON, at: path, token: "", "expected \(what) (a JSON object)")
        }
    }

    /// The keys present, in sorted order so that errors do not depend on the decoder's order.
    var keys: [String] { container.allKeys.map(\.stringValue).sorted() }

    func has(_ key: String) -> Bool { container.contains(SegmentJSONKey(key)) }

    /// Refuses keys outside `allowed`, naming the first unknown one.
    func allowOnly(_ allowed: [String]) throws(SegmentExpressionError) {
        for key in keys where !allowed.contains(key) {
            let hint =
                SegmentNameSuggestion.closest(to: key, among: allowed).map { "; did you mean \(SegmentTextForm.quoted($0))?" }
                ?? "; expected \(allowed.map(SegmentTextForm.quoted).joined(separator: ", "))"
            throw Self.error(.invalidJSON, at: path, token: key, "unknown key \(SegmentTextForm.quoted(key))", hint)
        }
    }

    func string(_ key: String) throws(SegmentExpressionError) -> String {
        try value(String.self, key, "a string")
    }

    func number(_ key: String) throws(SegmentExpressionError) -> Double {
        try value(Double.self, key, "a number")
    }

    /// A whole number that fits an `Int` (range rules are the caller's).
    func wholeNumber(_ key: String) throws(SegmentExpressionError) -> Int {
        let d = try number(key)
        guard d == d.rounded(), let n = Int(exactly: d) else {
            throw Self.error(.invalidValue, at: path.appending([.key(key)]), token: SegmentTextForm.number(d), "expected a whole number")
        }
        return n
    }

    /// A decoder positioned at `key`, which must be present.
    func decoder(_ key: String) throws(SegmentExpressionError) -> any Decoder {
        try require(key)
        do {
            return try container.superDecoder(forKey: SegmentJSONKey(key))
        } catch {
            throw Self.error(.invalidJSON, at: path.appending([.key(key)]), token: key, "cannot read \(SegmentTextForm.quoted(key))")
        }
    }

    /// The array at `key`, which must be present.
    func array(_ key: String) throws(SegmentExpressionError) -> any UnkeyedDecodingContainer {
        try require(key)
        do {
            return try container.nestedUnkeyedContainer(forKey: SegmentJSONKey(key))
        } catch {
            throw Self.error(.invalidJSON, at: path.appending([.key(key)]), token: key, "expected a list")
        }
    }

    func require(_ key: String) throws(SegmentExpressionError) {
        guard has(key) else {
            throw Self.error(.invalidJSON, at: path, token: key, "missing key \(SegmentTextForm.quoted(key))")
        }
    }

    private func value<T: Decodable>(_ type: T.Type, _ key: String, _ what: String) throws(SegmentExpressionError) -> T {
        try require(key)
        do {
            return try container.decode(T.self, forKey: SegmentJSONKey(key))
        } catch {
            throw Self.error(.invalidJSON, at: path.appending([.key(key)]), token: key, "expected \(what)")
        }
    }

    static func error(
        _ reason: SegmentExpressionError.Reason, at path: SegmentJSONPath, token: String, _ before: String, _ after: String = ""
    ) -> SegmentExpressionError {
        SegmentExpressionError(reason, at: .json(path: path.description), token: token, before, after)
    }
}

extension UnkeyedDecodingContainer {
    /// A decoder for the next element, with errors of the segment language.
    mutating func nextElement(in path: SegmentJSONPath) throws(SegmentExpressionError) -> any Decoder {
        let index = currentIndex
        do {
            return try superDecoder()
        } catch {
            throw SegmentJSONObject.error(.invalidJSON, at: path.appending([.index(index)]), token: "", "cannot read the list element")
        }
    }
}
