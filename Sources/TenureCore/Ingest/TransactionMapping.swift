import Foundation

/// How the columns of a transaction file become `Order Completed` (or another) events.
public struct TransactionMapping: Sendable, Hashable {
    /// How dates in the date column are written.
    public enum DateFormat: String, Sendable, Hashable, CaseIterable {
        /// ISO-8601 or `yyyyMMdd`, whichever the value is.
        case auto
        case iso8601
        case yyyyMMdd
        /// `yyyy-MM-dd` (ISO date only).
        case yyyyDashMMDashdd = "yyyy-MM-dd"
        case usSlashes = "MM/dd/yyyy"
        case euSlashes = "dd/MM/yyyy"
        case euDots = "dd.MM.yyyy"
        /// Seconds since 1970-01-01 UTC.
        case unixSeconds = "unix"
        /// Milliseconds since 1970-01-01 UTC.
        case unixMilliseconds = "unix_ms"
    }

    /// Header name (or 1-based column number without a header) of the customer's id.
    public var customerColumn: String
    public var dateColumn: String
    /// The transaction's money value; without it the event carries no revenue.
    public var amountColumn: String?
    /// The order's id; without it each row is its own order.
    public var orderColumn: String?
    public var dateFormat: DateFormat
    /// The event name each row becomes.
    public var event: String
    public var currency: String?

    public init(
        customerColumn: String, dateColumn: String, amountColumn: String? = nil, orderColumn: String? = nil,
        dateFormat: DateFormat = .auto, event: String = StandardEvent.orderCompleted, currency: String? = nil
    ) {
        self.customerColumn = customerColumn
        self.dateColumn = dateColumn
        self.amountColumn = amountColumn
        self.orderColumn = orderColumn
        self.dateFormat = dateFormat
        self.event = event
        self.currency = currency
    }
}

/// Turns records of a transaction file into messages, by a `TransactionMapping`. Columns the
/// mapping does not name become event properties (numbers when they read as numbers).
public struct TransactionRowReader: Sendable {
    public let mapping: TransactionMapping
    public let header: [String]
    let customerIndex: Int, dateIndex: Int, amountIndex: Int?, orderIndex: Int?
    let extra: [(index: Int, name: String)]
    /// How `row(fields:messageId:receivedAt:)` writes properties; nil when records take the general path.
    let propertyPlan: [PropertySource]?
    /// `"key":` in JSON for each entry of `propertyPlan`.
    let propertyKeys: [[UInt8]]
    /// The bounds of amounts and dates; a record outside them is a bad row.
    public let values: ValuePolicy
    /// The latest date a record may have (`values.maxFutureSkew` past the reader's creation).
    let latest: Date

    /// - Parameters:
    ///   - header: the file's column names, or nil when it has none (columns are then named by
    ///     1-based number).
    ///   - values: the bounds of amounts and dates (for history older than 1990, an earlier
    ///     `earliestTimestamp`).
    public init(
        mapping: TransactionMapping, header: [String]?, columnCount: Int, values: ValuePolicy = .live, now: Date = Date()
    ) throws(TransactionMappingError) {
        self.mapping = mapping
        self.values = values
        latest = now.addingTimeInterval(values.maxFutureSkew)
        let names = header ?? (1...max(columnCount, 1)).map(String.init)
        self.header = names
        func index(_ column: String, _ option: String) throws(TransactionMappingError) -> Int {
            if let i = names.firstIndex(where: { $0.caseInsensitiveCompare(column) == .orderedSame }) { return i }
            if let n = Int(column), n >= 1, n <= names.count { return n - 1 }
            throw TransactionMappingError(
                "column \"\(column)\" given by \(option) is not in the file; its columns are: \(names.joined(separator: ", "))")
        }
        customerIndex = try index(mapping.customerColumn, "--customer-column")
        dateIndex = try index(mapping.dateColumn, "--date-column")
        amountIndex = try mapping.amountColumn.map { c throws(TransactionMappingError) in try index(c, "--amount-column") }
        orderIndex = try mapping.orderColumn.map { c throws(TransactionMappingError) in try index(c, "--order-column") }
        let used = Set([customerIndex, dateIndex] + [amountIndex, orderIndex].compactMap { $0 })
        extra = names.indices.filter { !used.contains($0) }.map { ($0, names[$0]) }
        propertyPlan = Self.propertyPlan(mapping: mapping, amount: amountIndex != nil, order: orderIndex != nil, extra: extra)
        propertyKeys = (propertyPlan ?? []).map { JSONWriter.bytes(.string($0.key)) + [UInt8(ascii: ":")] }
    }

    /// The fields every record needs, checked: customer (its trimmed bytes), time and (when mapped) amount.
    struct CheckedFields {
        var customer: Range<Int>
        /// Milliseconds since 1970 UTC.
        var time: Int64
        var date: Date
        var amount: Double?
    }

    /// Errors name the column and value at fault.
    func check(_ fields: CSVFields) throws(TransactionRowError) -> CheckedFields {
        guard fields.count >= header.count else {
            throw TransactionRowError("has \(fields.count) columns; expected \(header.count)")
        }
        let customer = fields.trimmedRange(customerIndex)
        guard !customer.isEmpty else { throw TransactionRowError("customer column \"\(header[customerIndex])\" is empty") }
        let dateRange = fields.trimmedRange(dateIndex)
        guard let date = fields.withBytes(dateRange, { Self.parseDate($0, format: mapping.dateFormat) }) else {
            throw TransactionRowError(
                "date \"\(fields.string(dateRange).prefix(40))\" in column \"\(header[dateIndex])\" does not match the date format \(mapping.dateFormat.rawValue)")
        }
        guard date >= values.earliestTimestamp, date <= latest else {
            throw TransactionRowError(
                "date \"\(fields.string(dateRange).prefix(40))\" in column \"\(header[dateIndex])\" is outside the accepted window \(ISO8601Timestamp.format(values.earliestTimestamp)) … \(ISO8601Timestamp.format(latest)) (import older history with --earliest)")
        }
        var amount: Double?
        if let amountIndex {
            let range = fields.trimmedRange(amountIndex)
            guard let value = fields.withBytes(range, DecimalText.parse), value.isFinite else {
                throw TransactionRowError("amount \"\(fields.string(range).prefix(40))\" in column \"\(header[amountIndex])\" is not a number")
            }
            guard abs(value) <= values.maxMoney else {
                throw TransactionRowError(
                    "amount \(ValuePolicy.show(value)) in column \"\(header[amountIndex])\" is outside ±\(ValuePolicy.show(values.maxMoney))")
            }
            guard value >= 0 || mapping.event == StandardEvent.orderRefunded else {
                throw TransactionRowError(
                    "amount \(ValuePolicy.show(value)) in column \"\(header[amountIndex])\" is negative; amounts must be ≥ 0 (import refunds with --event \"Order Refunded\")")
            }
            amount = value
        }
        return CheckedFields(customer: customer, time: Int64((date.timeIntervalSince1970 * 1000).rounded()), date: date, amount: amount)
    }

    /// An unmapped column's value as a property: a number when it reads as a finite number, a
    /// string unless empty.
    static func extraValue(_ fields: CSVFields, _ index: Int) -> JSONValue? {
        let range = fields.range(index)
        if let number = fields.withBytes(range, DecimalText.parse), number.isFinite { return .number(number) }
        return range.isEmpty ? nil : .string(fields.string(range))
    }

    /// The message for one record. Errors name the column and value at fault.
    public func message(fields strings: [String], messageId: String, receivedAt: Date) throws(TransactionRowError) -> Message {
        let fields = CSVFields(strings)
        let checked = try check(fields)
        var properties: [String: JSONValue] = [:]
        if let amount = checked.amount {
            properties["revenue"] = .number(amount)
            properties["total"] = .number(amount)
        }
        if let orderIndex {
            properties["order_id"] = .string(fields.string(orderIndex))
        }
        if let currency = mapping.currency { properties["currency"] = .string(currency) }
        for (index, name) in extra {
            if let value = Self.extraValue(fields, index) { properties[name] = value }
        }
        let message = Message(
            kind: .track, messageId: messageId, userId: fields.string(checked.customer), name: mapping.event, timestamp: checked.date,
            receivedAt: receivedAt, properties: properties)
        do {
            try values.check(message)
        } catch {
            throw TransactionRowError(error.message.replacingOccurrences(of: "event `properties.", with: "column `"))
        }
        return message
    }

    static func parseDate(_ bytes: UnsafeRawBufferPointer, format: TransactionMapping.DateFormat) -> Date? {
        switch format {
        case .auto:
            return ISO8601Timestamp.parseCompactDate(bytes) ?? ISO8601Timestamp.parse(bytes)
        case .iso8601, .yyyyDashMMDashdd:
            return ISO8601Timestamp.parse(bytes)
        case .yyyyMMdd:
            return ISO8601Timestamp.parseCompactDate(bytes)
        case .usSlashes, .euSlashes, .euDots:
            let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "/" || $0 == "." }).compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            let (month, day) = format == .usSlashes ? (parts[0], parts[1]) : (parts[1], parts[0])
            let iso = String(format: "%04d-%02d-%02d", parts[2], month, day)
            return ISO8601Timestamp.parse(iso)
        case .unixSeconds, .unixMilliseconds:
            guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
            return Date(timeIntervalSince1970: format == .unixSeconds ? value : value / 1000)
        }
    }
}

/// The mapping does not fit the file (a named column is missing).
public struct TransactionMappingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One record could not become an event.
public struct TransactionRowError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
