import Foundation

/// A run of the event log in arrival order, stored column by column in one row of
/// `event_block` (the numeric columns the analytics snapshot reads) and one row of
/// `event_block_detail` (dedupe keys and each event's message id, JSON payloads and currency).
///
/// Event `i` of the block has sequence number `firstSequence + i`; sequence numbers count every
/// stored event from 0 and never repeat, which is what an incremental snapshot refresh follows.
/// Events keep the customer id they were stored under; a later merge of that customer is
/// resolved when reading (`customer_merge`), so the log is never rewritten by an identify.
struct EventBlock: Sendable {
    var firstSequence: Int64
    /// Store customer ids.
    var customers: [UInt32] = []
    /// `event_type` ids.
    var types: [UInt32] = []
    /// Event times, milliseconds since 1970 UTC.
    var times: [Int64] = []
    /// Revenue (an order's value for `Order Completed`); NaN when the event has none.
    var revenues: [Double] = []
    /// One message key per event, then one order key per order.
    var keys: [MessageKey] = []
    var orderKeys: [MessageKey] = []
    var details = EventDetails()
    var orders = 0
    var orderLines = 0
    var orderRevenue = 0.0

    init(firstSequence: Int64) {
        self.firstSequence = firstSequence
    }

    var count: Int { customers.count }
    var isEmpty: Bool { customers.isEmpty }
    var nextSequence: Int64 { firstSequence + Int64(count) }

    mutating func reserve(_ n: Int) {
        customers.reserveCapacity(n)
        types.reserveCapacity(n)
        times.reserveCapacity(n)
        revenues.reserveCapacity(n)
        keys.reserveCapacity(n)
    }

    /// Appends `other`, which must start where this block ends.
    mutating func append(_ other: EventBlock) {
        precondition(other.firstSequence == nextSequence, "blocks must be adjacent")
        customers += other.customers
        types += other.types
        times += other.times
        revenues += other.revenues
        keys += other.keys
        orderKeys += other.orderKeys
        details.append(other.details)
        orders += other.orders
        orderLines += other.orderLines
        orderRevenue += other.orderRevenue
    }

    var firstTime: Int64 { times.min() ?? 0 }
    var lastTime: Int64 { times.max() ?? 0 }
}

/// The per-event text of a block: for event `i`, the bytes `bytes[offsets[i]..<offsets[i+1]]`
/// hold the received-at time (zig-zag varint, milliseconds after the event time) and four
/// length-prefixed strings (varint length + 1, 0 meaning absent): message id, properties or
/// traits JSON, context JSON, currency; then, only when the message carried any, its trait
/// changes (`TraitChanges.json`, PostHog's `$set_once`/`$unset`…) as a fifth string. Records
/// written before that field existed simply end after the currency.
struct EventDetails: Sendable {
    var offsets: [UInt32] = [0]
    var bytes: [UInt8] = []

    struct Record: Sendable, Hashable {
        var receivedAt: Int64
        var messageId: String
        var payload: String?
        var context: String?
        var currency: String?
        /// The message's `TraitChanges` as JSON text; nil when it carried none.
        var traitChanges: String? = nil
    }

    var count: Int { offsets.count - 1 }

    mutating func reserve(records: Int, bytes count: Int) {
        offsets.reserveCapacity(offsets.count + records)
        bytes.reserveCapacity(bytes.count + count)
    }

    mutating func append(
        receivedDelta: Int64, messageId: String, payload: String?, context: String?, currency: String?, traitChanges: String? = nil
    ) {
        Self.putVarint(&bytes, UInt64(bitPattern: (receivedDelta << 1) ^ (receivedDelta >> 63)))
        put(messageId)
        put(payload)
        put(context)
        put(currency)
        if let traitChanges { put(traitChanges) }
        offsets.append(UInt32(bytes.count))
    }

    /// The same record from bytes (a bulk import's columns); nil or empty `payload` means absent.
    mutating func append(
        receivedDelta: Int64, messageId: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer?, currency: String?
    ) {
        Self.putVarint(&bytes, UInt64(bitPattern: (receivedDelta << 1) ^ (receivedDelta >> 63)))
        put(bytes: messageId)
        put(bytes: payload.flatMap { $0.isEmpty ? nil : $0 })
        bytes.append(0)  // no context
        put(currency)
        offsets.append(UInt32(bytes.count))
    }

    private mutating func put(bytes text: UnsafeRawBufferPointer?) {
        guard let text else {
            bytes.append(0)
            return
        }
        Self.putVarint(&bytes, UInt64(text.count) + 1)
        bytes.append(contentsOf: text)
    }

    mutating func append(_ other: EventDetails) {
        append(other, rows: 0..<other.count)
    }

    /// Records `rows` of `other`, in one copy.
    mutating func append(_ other: EventDetails, rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        other.offsets.withUnsafeBufferPointer { from in
            let start = Int(from[rows.lowerBound]), end = Int(from[rows.upperBound])
            let shift = UInt32(bytes.count) &- UInt32(start)
            other.bytes.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
            offsets.append(contentsOf: from[(rows.lowerBound + 1)...rows.upperBound].lazy.map { $0 &+ shift })
        }
    }

    private mutating func put(_ text: String?) {
        guard var text else {
            bytes.append(0)
            return
        }
        text.withUTF8 { utf8 in
            Self.putVarint(&bytes, UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    static func putVarint(_ out: inout [UInt8], _ value: UInt64) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Event `i`'s record; `time` is its event time in milliseconds.
    func record(_ i: Int, time: Int64) -> Record {
        var position = Int(offsets[i])
        let zigzag = readVarint(&position)
        let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        let messageId = readString(&position) ?? ""
        let payload = readString(&position)
        let context = readString(&position)
        let currency = readString(&position)
        let traitChanges = position < Int(offsets[i + 1]) ? readString(&position) : nil
        return Record(
            receivedAt: time + delta, messageId: messageId, payload: payload, context: context, currency: currency,
            traitChanges: traitChanges)
    }

    private func readVarint(_ position: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    private func readString(_ position: inout Int) -> String? {
        let length = Int(readVarint(&position))
        guard length > 0 else { return nil }
        let start = position
        position += length - 1
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}
