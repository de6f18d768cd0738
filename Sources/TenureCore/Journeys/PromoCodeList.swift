import Foundation

/// Codes to upload into a promo-code pool, read from a file (one code per line, or the first
/// column of a CSV whose header names it `code`) or from a JSON list, checked at the door: each
/// code 1 to 64 printable characters, no code twice (compared trimmed and case-insensitively,
/// as redemption compares them), at most 1,000,000 codes. Blank lines are skipped.
public struct PromoCodeList: Sendable, Hashable {
    /// One code and where it was: its line in the file (1-based), or its position in the list.
    public struct Entry: Sendable, Hashable {
        public var line: Int
        /// The code as given, trimmed of white space.
        public var code: String

        public init(line: Int, code: String) {
            self.line = line
            self.code = code
        }
    }

    /// Codes per upload, at most.
    public static let maximumCodes = 1_000_000
    /// Characters of a code, at most (after trimming).
    public static let maximumCodeLength = 64

    /// The codes in the order given.
    public private(set) var entries: [Entry]
    /// `line` for a file, `item` for a JSON list: how errors name a position.
    public let unit: String

    /// Reads a file's text: one code per line, or a CSV with a `code` header (its first column).
    public init(text: String) throws(PromoCodeListError) {
        unit = "line"
        entries = []
        var seen: [String: Int] = [:]
        var csv = false
        var first = true
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            let line = String(raw)
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            if first {
                first = false
                if Self.firstColumn(line).trimmingCharacters(in: .whitespaces).lowercased() == "code" {
                    csv = true
                    continue
                }
            }
            let code = (csv ? Self.firstColumn(line) : line).trimmingCharacters(in: .whitespaces)
            try add(code, at: number, seen: &seen)
        }
    }

    /// Reads a JSON list of codes (positions are 1-based items).
    public init(codes: [String]) throws(PromoCodeListError) {
        unit = "item"
        entries = []
        guard codes.count <= Self.maximumCodes else {
            throw PromoCodeListError(unit: unit, line: Self.maximumCodes + 1, "at most \(Self.maximumCodes) codes per upload; split the list")
        }
        entries.reserveCapacity(codes.count)
        var seen: [String: Int] = [:]
        for (i, code) in codes.enumerated() {
            try add(code.trimmingCharacters(in: .whitespaces), at: i + 1, seen: &seen)
        }
    }

    private mutating func add(_ code: String, at line: Int, seen: inout [String: Int]) throws(PromoCodeListError) {
        guard entries.count < Self.maximumCodes else {
            throw PromoCodeListError(unit: unit, line: line, "at most \(Self.maximumCodes) codes per upload; split the file")
        }
        guard !code.isEmpty, code.count <= Self.maximumCodeLength else {
            throw PromoCodeListError(unit: unit, line: line, "a code has 1 to \(Self.maximumCodeLength) characters")
        }
        guard !code.unicodeScalars.contains(where: { [.control, .format, .unassigned, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }) else {
            throw PromoCodeListError(unit: unit, line: line, "a code has printable characters only")
        }
        let key = JourneyPromoCode.normalized(code)
        if let earlier = seen[key] {
            throw PromoCodeListError(unit: unit, line: line, "the code \"\(code)\" is already at \(unit) \(earlier) (codes are compared ignoring case)")
        }
        seen[key] = line
        entries.append(Entry(line: line, code: code))
    }

    /// A CSV line's first field, unquoted (`"a,b",c` gives `a,b`).
    static func firstColumn(_ line: String) -> String {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == "\"" else { return String(line.prefix { $0 != "," }) }
        var out = ""
        var rest = trimmed.dropFirst()
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "\"" {
                guard rest.first == "\"" else { break }
                rest = rest.dropFirst()
            }
            out.append(c)
        }
        return out
    }
}
