import Foundation

extension ActivitySnapshot {
    /// The column header of ``forEachCSVChunk(eventsPerChunk:_:)``.
    public static let csvHeader = "customer,day,type,value\n"

    /// The events as CSV (`customer,day,type,value`, header first, one row per event in customer
    /// then day order), handed over in chunks of about `eventsPerChunk` rows so the caller can
    /// stream them to a file or a socket. Days are days since 1970-01-01 UTC; types are
    /// ``eventTypes`` ids; whole values are written without a decimal point. Used to feed the same
    /// data to DuckDB for cross-checks and benchmarks.
    public func forEachCSVChunk(eventsPerChunk: Int = 1_000_000, _ body: (Data) throws -> Void) rethrows {
        try body(Data(Self.csvHeader.utf8))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(eventsPerChunk * 24)
        var rows = 0
        // Scan in blocks of customers so each chunk is handed over before the next is built.
        for blockStart in stride(from: 0, to: customerCount, by: 16_384) {
            scan(blockStart..<min(blockStart + 16_384, customerCount)) { c, ev in
                for i in 0..<ev.count {
                    Self.appendDecimal(Int64(c), to: &buffer)
                    buffer.append(UInt8(ascii: ","))
                    Self.appendDecimal(Int64(ev.days[i]), to: &buffer)
                    buffer.append(UInt8(ascii: ","))
                    Self.appendDecimal(Int64(ev.types[i]), to: &buffer)
                    buffer.append(UInt8(ascii: ","))
                    let v = ev.values[i]
                    if v == v.rounded() && abs(v) < 1e9 {
                        Self.appendDecimal(Int64(v), to: &buffer)
                    } else {
                        buffer.append(contentsOf: Array(v.description.utf8))
                    }
                    buffer.append(UInt8(ascii: "\n"))
                }
                rows += ev.count
            }
            if rows >= eventsPerChunk {
                try body(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
                rows = 0
            }
        }
        if !buffer.isEmpty { try body(Data(buffer)) }
    }

    static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        var v = value
        if v < 0 {
            buffer.append(UInt8(ascii: "-"))
            v = -v
        }
        if v < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(v))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }
}
