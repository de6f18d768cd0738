import Foundation

/// Turns customers' `identify` traits into the trait columns of ``CustomerAttributes``, keeping
/// only traits a churn model can learn from. Fed one customer at a time (by any store), in one pass.
///
/// The rule, in order:
/// - **Kinds.** A number is a numeric value, `true`/`false` are 1/0, a string is a category level;
///   `null`, arrays and objects are ignored. A trait sent both ways takes the kind most customers
///   have; the others' values are missing.
/// - **Identifiers and personal or free text are skipped by name** (case, `_`, `-`, `.`, `$` and
///   spaces ignored): names that are exactly `name`, `first_name`, `last_name`, `full_name`,
///   `username`, `email`, `phone`, `mobile`, `address`, `street`, `zip`, `postcode`, `ip`, `avatar`,
///   `website`, `url`, `birthday`, `description`, `bio`, `comment`, `notes` (and close spellings in
///   ``skippedNames``), and any name with a word `id`, `uuid`, `guid`, `email`, `phone` or
///   `address` in it (`user_id`, `customerId`, `billing_address`, `work_email`).
/// - **Too sparse:** set for fewer than ``minimumCoverage`` (1 %) of the customers.
/// - **Too many levels:** a categorical trait with more than ``maximumLevels`` (50) distinct values
///   (city, free text, timestamps such as `created_at`).
/// - **At most ``maximumColumns`` (20)** traits are kept: those set for the most customers, ties by
///   name. Columns come out sorted by name, levels sorted by name.
///
/// Only the first ``maximumTrackedNames`` (256) distinct trait names are looked at, so memory stays
/// bounded (4 bytes per customer per tracked trait of each kind) whatever clients send.
public struct CustomerTraitColumns: Sendable {
    public static let minimumCoverage = 0.01
    public static let maximumLevels = 50
    public static let maximumColumns = 20
    public static let maximumTrackedNames = 256

    /// Normalized names (lowercase, no separators) that are identifiers or personal free text.
    public static let skippedNames: Set<String> = [
        "name", "firstname", "lastname", "fullname", "displayname", "nickname", "username", "login",
        "email", "emailaddress", "mail", "phone", "phonenumber", "mobile", "mobilephone", "fax",
        "address", "street", "streetaddress", "zip", "zipcode", "postcode", "postalcode", "ip", "ipaddress",
        "avatar", "picture", "photo", "website", "url", "birthday", "dateofbirth", "dob", "ssn", "password", "token",
        "description", "bio", "comment", "comments", "notes", "note",
    ]
    /// Words (split at separators and lower→upper case changes) that make any name an identifier.
    public static let skippedWords: Set<String> = ["id", "uuid", "guid", "email", "phone", "address"]

    /// Whether the trait called `name` is skipped as an identifier or personal free text.
    public static func isSkippedName(_ name: String) -> Bool {
        var words: [String] = [], word = ""
        var previousLower = false
        for ch in name {
            if ch == "_" || ch == "-" || ch == "." || ch == "$" || ch == " " {
                if !word.isEmpty { words.append(word) }
                word = ""
                previousLower = false
                continue
            }
            if ch.isUppercase && previousLower {
                words.append(word)
                word = ""
            }
            word += ch.lowercased()
            previousLower = ch.isLowercase || ch.isNumber
        }
        if !word.isEmpty { words.append(word) }
        return skippedNames.contains(words.joined()) || words.contains { skippedWords.contains($0) }
    }

    public let customerCount: Int
    private var slots: [Slot] = []
    private var slotOfName: [String: Int] = [:]
    /// Names already judged and skipped, so they are not tested again for every customer.
    private var skipped: Set<String> = []

    private struct Slot: Sendable {
        var name: String
        var numberCount = 0, levelCount = 0
        var numbers: [Float] = []
        var codes: [Int32] = []
        var levels: [String: Int32] = [:]
        var tooManyLevels = false
    }

    public init(customerCount: Int) {
        self.customerCount = customerCount
    }

    /// Records the traits of customer `customer` (`0..<customerCount`); call at most once per customer.
    public mutating func add(customer: Int, traits: [String: JSONValue]) {
        for (name, value) in traits { add(customer: customer, name: name, value: value) }
    }

    /// Records one trait of customer `customer` (each name at most once per customer); for stores
    /// that walk the traits' JSON themselves.
    public mutating func add(customer: Int, name: String, value: JSONValue) {
        precondition(customer >= 0 && customer < customerCount, "customer \(customer) is outside 0..<\(customerCount)")
        let number: Float?, level: String?
        switch value {
        case .number(let n): (number, level) = (n.isFinite ? Float(n) : nil, nil)
        case .bool(let b): (number, level) = (b ? 1 : 0, nil)
        case .string(let s): (number, level) = (nil, s)
        case .null, .array, .object: return
        }
        guard let j = slot(name) else { return }
        if let number {
            if slots[j].numbers.isEmpty { slots[j].numbers = [Float](repeating: .nan, count: customerCount) }
            slots[j].numbers[customer] = number
            slots[j].numberCount += 1
        } else if let level, !slots[j].tooManyLevels {
            let code: Int32
            if let known = slots[j].levels[level] {
                code = known
            } else if slots[j].levels.count < Self.maximumLevels {
                code = Int32(slots[j].levels.count)
                slots[j].levels[level] = code
            } else {
                // Free text or an identifier: drop it and its memory now.
                slots[j].tooManyLevels = true
                slots[j].codes = []
                slots[j].levels = [:]
                return
            }
            if slots[j].codes.isEmpty { slots[j].codes = [Int32](repeating: -1, count: customerCount) }
            slots[j].codes[customer] = code
            slots[j].levelCount += 1
        }
    }

    private mutating func slot(_ name: String) -> Int? {
        if let j = slotOfName[name] { return j }
        if skipped.contains(name) || slots.count >= Self.maximumTrackedNames { return nil }
        if Self.isSkippedName(name) {
            skipped.insert(name)
            return nil
        }
        slots.append(Slot(name: name))
        slotOfName[name] = slots.count - 1
        return slots.count - 1
    }

    /// The trait columns chosen by the rule above, sorted by name.
    public func columns() -> [CustomerAttributes.Trait] {
        let minimumCount = max(1, Int((Self.minimumCoverage * Double(customerCount)).rounded(.up)))
        var kept: [(coverage: Int, trait: CustomerAttributes.Trait)] = []
        for slot in slots {
            let categorical = slot.levelCount > slot.numberCount
            if categorical {
                guard !slot.tooManyLevels, slot.levelCount >= minimumCount else { continue }
                let sorted = slot.levels.keys.sorted()
                // First-seen codes → codes of the levels sorted by name.
                var recode = [Float](repeating: .nan, count: sorted.count)
                for (newCode, level) in sorted.enumerated() {
                    if let old = slot.levels[level] { recode[Int(old)] = Float(newCode) }
                }
                let values = slot.codes.map { $0 >= 0 ? recode[Int($0)] : .nan }
                kept.append((slot.levelCount, .init(name: slot.name, levels: sorted, values: values)))
            } else {
                guard slot.numberCount >= minimumCount else { continue }
                kept.append((slot.numberCount, .init(name: slot.name, levels: nil, values: slot.numbers)))
            }
        }
        kept.sort { ($0.coverage, $1.trait.name) > ($1.coverage, $0.trait.name) }
        return kept.prefix(Self.maximumColumns).map(\.trait).sorted { $0.name < $1.name }
    }
}
