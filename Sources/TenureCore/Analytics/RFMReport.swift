/// The result of an ``RFMQuery``. Per-customer columns are aligned: position `i` describes
/// customer `customers[i]`.
public struct RFMReport: Sendable, Hashable, Codable {
    /// One named segment's totals.
    public struct SegmentSummary: Sendable, Hashable, Codable {
        public var segment: RFMSegment
        public var name: String
        public var customers: Int
        /// Fraction (0–1) of scored customers.
        public var customerShare: Double
        /// Total purchase value of the segment's customers in the measured window.
        public var revenue: Double
        /// Fraction (0–1) of the scored customers' revenue.
        public var revenueShare: Double
    }

    public var asOf: Int32
    public var lookbackDays: Int32?
    /// Customer indices with at least one purchase, ascending.
    public var customers: [Int32]
    /// Days from the last purchase to `asOf`.
    public var recencyDays: [Int32]
    /// Number of purchases.
    public var frequency: [Int32]
    /// Total purchase value (account currency).
    public var monetary: [Double]
    public var recencyScores: [UInt8]
    public var frequencyScores: [UInt8]
    public var monetaryScores: [UInt8]
    /// Segment per customer.
    public var segments: [RFMSegment]
    /// Totals per segment, in ``RFMSegment/allCases`` order (empty segments included).
    public var summary: [SegmentSummary]
    /// `grid[r − 1][fm − 1]`: customers with recency score r and FM score fm.
    public var grid: [[Int]]

    init(
        asOf: Int32, lookbackDays: Int32?, customers: [Int32], recencyDays: [Int32], frequency: [Int32],
        monetary: [Double], recencyScores: [UInt8], frequencyScores: [UInt8], monetaryScores: [UInt8]
    ) {
        self.asOf = asOf
        self.lookbackDays = lookbackDays
        self.customers = customers
        self.recencyDays = recencyDays
        self.frequency = frequency
        self.monetary = monetary
        self.recencyScores = recencyScores
        self.frequencyScores = frequencyScores
        self.monetaryScores = monetaryScores
        let all = RFMSegment.allCases
        // Classify once per (R, FM) cell rather than per customer.
        var table = [UInt8](repeating: 0, count: 36)
        for r in 1...5 {
            for fm in 1...5 { table[r * 6 + fm] = RFMSegment.classify(recency: r, frequencyMonetary: fm).code }
        }
        let n = customers.count
        var cells = [Int](repeating: 0, count: 36)
        var counts = [Int](repeating: 0, count: all.count)
        var revenue = [Double](repeating: 0, count: all.count)
        var total = 0.0
        var codes = [UInt8](repeating: 0, count: n)
        recencyScores.withUnsafeBufferPointer { rs in
            frequencyScores.withUnsafeBufferPointer { fs in
                monetaryScores.withUnsafeBufferPointer { ms in
                    monetary.withUnsafeBufferPointer { money in
                        codes.withUnsafeMutableBufferPointer { out in
                            cells.withUnsafeMutableBufferPointer { cell in
                                revenue.withUnsafeMutableBufferPointer { rev in
                                    table.withUnsafeBufferPointer { tab in
                                        for i in 0..<n {
                                            let at = Int(rs[i]) * 6 + (Int(fs[i]) + Int(ms[i]) + 1) / 2
                                            let code = tab[at]
                                            out[i] = code
                                            cell[at] += 1
                                            rev[Int(code)] += money[i]
                                            total += money[i]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<36 where cells[i] > 0 { counts[Int(table[i])] += cells[i] }
        let segs = [RFMSegment](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n { (buffer.baseAddress! + i).initialize(to: all[Int(codes[i])]) }
            initialized = n
        }
        let grid = (1...5).map { r in (1...5).map { fm in cells[r * 6 + fm] } }
        segments = segs
        self.grid = grid
        summary = all.indices.map { k in
            SegmentSummary(
                segment: all[k], name: all[k].displayName, customers: counts[k],
                customerShare: n == 0 ? 0 : Double(counts[k]) / Double(n), revenue: revenue[k],
                revenueShare: total == 0 ? 0 : revenue[k] / total)
        }
    }

    /// The segment of customer index `customer`, or `nil` when they were not scored.
    public func segment(ofCustomer customer: Int32) -> RFMSegment? {
        var lo = 0, hi = customers.count
        while lo < hi {
            let m = (lo + hi) / 2
            if customers[m] < customer { lo = m + 1 } else { hi = m }
        }
        return lo < customers.count && customers[lo] == customer ? segments[lo] : nil
    }
}
