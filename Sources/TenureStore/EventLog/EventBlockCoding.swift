import Foundation

/// Little-endian column blobs: the block's arrays are written as their raw bytes (every platform
/// Tenure runs on is little-endian; the format check below refuses anything else).
enum EventBlockCoding {
    static func blob<T: BitwiseCopyable>(_ values: [T]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    static func blob(_ keys: [MessageKey]) -> Data {
        var data = Data(count: keys.count * 16)
        data.withUnsafeMutableBytes { raw in
            for (i, key) in keys.enumerated() {
                raw.storeBytes(of: key.high.littleEndian, toByteOffset: i * 16, as: UInt64.self)
                raw.storeBytes(of: key.low.littleEndian, toByteOffset: i * 16 + 8, as: UInt64.self)
            }
        }
        return data
    }

    static func array<T: BitwiseCopyable>(_ data: Data, as: T.Type) throws -> [T] {
        guard data.count % MemoryLayout<T>.stride == 0 else { throw EventLogError.corruptBlock("column of \(data.count) bytes") }
        return data.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: data.count / MemoryLayout<T>.stride) { buffer, count in
                count = data.count / MemoryLayout<T>.stride
                if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
            }
        }
    }

    static func keys(_ raw: UnsafeRawBufferPointer) -> [MessageKey] {
        (0..<raw.count / 16).map {
            MessageKey(
                high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 16, as: UInt64.self)),
                low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 16 + 8, as: UInt64.self)))
        }
    }

    /// The details column: event count (u32), offsets (u32 × count+1), then the bytes.
    static func blob(_ details: EventDetails) -> Data {
        var data = Data(capacity: 4 + details.offsets.count * 4 + details.bytes.count)
        withUnsafeBytes(of: UInt32(details.count).littleEndian) { data.append(contentsOf: $0) }
        details.offsets.withUnsafeBytes { data.append(contentsOf: $0) }
        data.append(contentsOf: details.bytes)
        return data
    }

    /// Event `i`'s payload (properties or traits JSON) read in place from a details column as
    /// written by `blob(_ details:)`, without decoding the block; nil when it has none.
    static func payload(inDetails raw: UnsafeRawBufferPointer, event i: Int) throws -> UnsafeRawBufferPointer? {
        guard raw.count >= 8 else { throw EventLogError.corruptBlock("details of \(raw.count) bytes") }
        let count = Int(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
        let bytesStart = 4 + (count + 1) * 4
        guard i >= 0, i < count, raw.count >= bytesStart else { throw EventLogError.corruptBlock("details offsets") }
        let start = bytesStart + Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 + i * 4, as: UInt32.self)))
        let end = bytesStart + Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8 + i * 4, as: UInt32.self)))
        guard start <= end, end <= raw.count else { throw EventLogError.corruptBlock("details record \(i)") }
        var position = start
        func varint() throws -> Int {
            var result = 0, shift = 0
            while position < end, shift < 63 {
                let byte = raw[position]
                position += 1
                result |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
            throw EventLogError.corruptBlock("details record \(i)")
        }
        _ = try varint()  // received-at delta
        let idLength = try varint()  // message id: length + 1, 0 when absent
        position += max(idLength - 1, 0)
        let payloadLength = try varint()
        guard payloadLength > 0 else { return nil }
        guard position + payloadLength - 1 <= end else { throw EventLogError.corruptBlock("details record \(i)") }
        return UnsafeRawBufferPointer(rebasing: raw[position..<(position + payloadLength - 1)])
    }

    static func details(_ data: Data) throws -> EventDetails {
        guard data.count >= 8 else { throw EventLogError.corruptBlock("details of \(data.count) bytes") }
        let count = Int(data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        let offsetsEnd = 4 + (count + 1) * 4
        guard data.count >= offsetsEnd else { throw EventLogError.corruptBlock("details offsets") }
        var details = EventDetails()
        details.offsets = try array(data.subdata(in: 4..<offsetsEnd), as: UInt32.self)
        details.bytes = [UInt8](data.subdata(in: offsetsEnd..<data.count))
        guard Int(details.offsets.last ?? 0) == details.bytes.count else { throw EventLogError.corruptBlock("details length") }
        return details
    }
}

/// The event log found something it did not write.
enum EventLogError: Error, CustomStringConvertible {
    case corruptBlock(String)

    var description: String {
        switch self {
        case .corruptBlock(let what): "the event log has a damaged block (\(what)); restore the database from a backup"
        }
    }
}
