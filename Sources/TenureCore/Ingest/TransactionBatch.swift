import Foundation

/// Records of a transaction file turned into what the store keeps, column by column, without a
/// `Message` or a `String` per record: the bulk importer's hot path, filled on parser threads
/// and written by the store's single writer. Row `i` holds exactly what
/// `TransactionRowReader.message(fields:messageId:receivedAt:)` would make the store derive
/// (same properties JSON, revenue, currency and order id). Files whose columns could mean more
/// (a subscription event name, a column named like an order property) fill `messages` instead
/// and go the general way.
public struct TransactionBatch: Sendable {
    /// The event name of every row.
    public let event: String
    /// Milliseconds since 1970 UTC.
    public let receivedAt: Int64
    /// The currency of every row that has a revenue.
    public let currency: String?
    /// Rows are `Order Completed` events: each is an order, known by `orderIds[i]` or, when the
    /// file has no order column, by its message id.
    public let isOrder: Bool
    /// The 1-based line where each row's record starts.
    public internal(set) var lines: [Int] = []
    public internal(set) var userIds = ByteColumn()
    public internal(set) var messageIds = ByteColumn()
    /// Milliseconds since 1970 UTC.
    public internal(set) var timestamps: [Int64] = []
    /// NaN when the row has no revenue.
    public internal(set) var revenues: [Double] = []
    /// Properties as compact JSON with sorted keys (as `JSONWriter` writes them); empty when none.
    public internal(set) var payloads = ByteColumn()
    /// Only when the file has an order column.
    public internal(set) var orderIds = ByteColumn()
    /// The records as messages, for files that take the general path.
    public internal(set) var messages: [Message] = []
    /// Records that could not become events, in file order.
    public internal(set) var badRows: [(line: Int, reason: String)] = []

    public init(event: String, receivedAt: Int64, currency: String?, isOrder: Bool) {
        self.event = event
        self.receivedAt = receivedAt
        self.currency = currency
        self.isOrder = isOrder
    }

    /// Makes room for about `records` rows of about `bytesPerRecord` bytes of text each.
    public mutating func reserve(records: Int, bytesPerRecord: Int) {
        lines.reserveCapacity(records)
        timestamps.reserveCapacity(records)
        revenues.reserveCapacity(records)
        userIds.reserve(values: records, bytes: records * min(bytesPerRecord, 16))
        messageIds.reserve(values: records, bytes: records * 36)
        payloads.reserve(values: records, bytes: records * 32)
    }

    /// Rows in the columns (not counting `messages` and `badRows`).
    public var count: Int { timestamps.count }
    /// Every record the batch was given.
    public var records: Int { count + messages.count + badRows.count }
    public var hasOrderIds: Bool { !orderIds.isEmpty }

    /// Every record as a `Message`, for a store without a columnar path.
    public func allMessages() -> [Message] {
        messages + (0..<count).map { i in
            let properties = payloads.range(i).isEmpty ? [:] : (try? JSONParser.parse(Data(payloads.bytes[payloads.range(i)])).objectValue) ?? [:]
            return Message(
                kind: .track, messageId: messageIds.string(i), userId: userIds.string(i), name: event,
                timestamp: Date(timeIntervalSince1970: Double(timestamps[i]) / 1000),
                receivedAt: Date(timeIntervalSince1970: Double(receivedAt) / 1000), properties: properties)
        }
    }

    public mutating func addBadRow(line: Int, reason: String) {
        badRows.append((line, reason))
    }

    /// Bytes back to back with the end of each value: one allocation for thousands of values.
    public struct ByteColumn: Sendable {
        public internal(set) var bytes: [UInt8] = []
        private var ends: [UInt32] = []

        public var count: Int { ends.count }
        public var isEmpty: Bool { ends.isEmpty }

        public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

        public func string(_ i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

        mutating func append(_ value: UnsafeRawBufferPointer) {
            bytes.append(contentsOf: value)
            ends.append(UInt32(bytes.count))
        }

        mutating func append(_ value: [UInt8]) {
            value.withUnsafeBytes { append($0) }
        }

        mutating func append(_ value: ArraySlice<UInt8>) {
            value.withUnsafeBytes { append($0) }
        }

        /// The column as plain buffers, for a loop over many values.
        public func withBuffers<T>(_ body: (Buffers) throws -> T) rethrows -> T {
            try bytes.withUnsafeBytes { bytes in try ends.withUnsafeBufferPointer { ends in try body(Buffers(bytes: bytes, ends: ends)) } }
        }

        /// A `ByteColumn` borrowed as buffers (valid inside `withBuffers` only).
        public struct Buffers {
            let bytes: UnsafeRawBufferPointer
            let ends: UnsafeBufferPointer<UInt32>

            /// Value `i`'s bytes.
            public func value(_ i: Int) -> UnsafeRawBufferPointer {
                let start = i == 0 ? 0 : Int(ends[i - 1])
                return UnsafeRawBufferPointer(rebasing: bytes[start..<Int(ends[i])])
            }
        }

        mutating func reserve(values: Int, bytes count: Int) {
            ends.reserveCapacity(values)
            bytes.reserveCapacity(count)
        }

        /// Appends what `write` appends to the bytes as one value.
        mutating func append(writing write: (inout [UInt8]) -> Void) {
            write(&bytes)
            ends.append(UInt32(bytes.count))
        }
    }
}

extension TransactionRowReader {
    /// Where each property of a record comes from, in the sorted key order `JSONWriter` uses.
    enum PropertySource: Sendable {
        case amount(key: String)
        case orderId
        case currency
        case extra(index: Int, name: String)

        var key: String {
            switch self {
            case .amount(let key): key
            case .orderId: "order_id"
            case .currency: "currency"
            case .extra(_, let name): name
            }
        }
    }

    /// The property sources in key order, or nil when the columns need the general path.
    static func propertyPlan(mapping: TransactionMapping, amount: Bool, order: Bool, extra: [(index: Int, name: String)]) -> [PropertySource]? {
        let special: Set<String> = ["revenue", "total", "order_id", "orderId", "currency", "discount", "coupon", "products"]
        let subscriptions: Set<String> = [StandardEvent.subscriptionStarted, StandardEvent.subscriptionRenewed, StandardEvent.subscriptionCancelled]
        guard !subscriptions.contains(mapping.event), Set(extra.map(\.name)).count == extra.count,
            !extra.contains(where: { special.contains($0.name) })
        else { return nil }
        var plan: [PropertySource] = extra.map { .extra(index: $0.index, name: $0.name) }
        if amount { plan += [.amount(key: "revenue"), .amount(key: "total")] }
        if order { plan.append(.orderId) }
        if mapping.currency != nil { plan.append(.currency) }
        return plan.sorted { $0.key < $1.key }
    }

    /// An empty batch for this file's records.
    public func makeBatch(receivedAt: Date) -> TransactionBatch {
        TransactionBatch(
            event: mapping.event, receivedAt: Int64((receivedAt.timeIntervalSince1970 * 1000).rounded()), currency: mapping.currency,
            isOrder: mapping.event == StandardEvent.orderCompleted)
    }

    /// Adds one record, split into `fields`, to `batch`: as a row, as a message (general path),
    /// or as a bad row naming the column and value at fault.
    public func append(_ fields: CSVFields, line: Int, messageId: [UInt8], to batch: inout TransactionBatch) {
        guard let plan = propertyPlan else {
            let strings = (0..<fields.count).map { fields.string($0) }
            let received = Date(timeIntervalSince1970: Double(batch.receivedAt) / 1000)
            do {
                batch.messages.append(try message(fields: strings, messageId: String(decoding: messageId, as: UTF8.self), receivedAt: received))
            } catch {
                batch.addBadRow(line: line, reason: error.description)
            }
            return
        }
        let checked: CheckedFields
        do {
            checked = try check(fields)
        } catch {
            batch.addBadRow(line: line, reason: error.description)
            return
        }
        let amount = checked.amount
        batch.payloads.append { json in
            guard !plan.isEmpty else { return }
            let start = json.count
            json.append(UInt8(ascii: "{"))
            var first = true
            for (source, key) in zip(plan, propertyKeys) {
                let mark = json.count
                if !first { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: key)
                switch source {
                case .amount: JSONWriter.writeNumber(amount!, into: &json)
                case .orderId: JSONWriter.writeString(utf8: fields.bytes[fields.range(orderIndex!)], into: &json)
                case .currency: JSONWriter.writeString(mapping.currency!, into: &json)
                case .extra(let index, _):
                    guard let value = Self.extraValue(fields, index) else {
                        json.removeSubrange(mark...)
                        continue
                    }
                    JSONWriter.write(value, into: &json)
                }
                first = false
            }
            if first {
                json.removeSubrange(start...)
            } else {
                json.append(UInt8(ascii: "}"))
            }
        }
        // An order's value is its revenue (= total here), 0 without an amount column.
        let revenue = batch.isOrder ? (amount ?? 0) : mapping.event == StandardEvent.orderRefunded ? amount.map { -abs($0) } : amount
        batch.lines.append(line)
        batch.userIds.append(fields.bytes[checked.customer])
        batch.messageIds.append(messageId)
        batch.timestamps.append(checked.time)
        batch.revenues.append(revenue ?? .nan)
        if let orderIndex { batch.orderIds.append(fields.bytes[fields.range(orderIndex)]) }
    }
}
