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

    /// A report from scores computed elsewhere (the slow path of ``RFMQuery``).
    init(
        asOf: Int32, lookbackDays: Int32?, customers: [Int32], recencyDays: [Int32], frequency: [Int32],
        monetary: [Double], recencyScores: [UInt8], frequencyScores: [UInt8], monetaryScores: [UInt8]
    ) {
        var columns = RFMReportColumns(count: customers.count)
        columns.customers = customers
        columns.recencyDays = recencyDays
        columns.frequency = frequency
        columns.monetary = monetary
        columns.recencyScores = recencyScores
        columns.frequencyScores = frequencyScores
        columns.monetaryScores = monetaryScores
        var cells = [Int](repeating: 0, count: 36)
        columns.segments = customers.indices.map { i in
            let cell = Int(recencyScores[i]) * 6 + (Int(frequencyScores[i]) + Int(monetaryScores[i]) + 1) / 2
            cells[cell] += 1
            return RFMSegment.codeTable[cell]
        }
        self.init(asOf: asOf, lookbackDays: lookbackDays, columns: columns, cells: cells)
    }

    /// A report from its per-customer columns and the number of customers per (R, FM) cell
    /// (`cells[R * 6 + FM]`).
    init(asOf: Int32, lookbackDays: Int32?, columns: RFMReportColumns, cells: [Int]) {
        self.asOf = asOf
        self.lookbackDays = lookbackDays
        customers = columns.customers
        recencyDays = columns.recencyDays
        frequency = columns.frequency
        monetary = columns.monetary
        recencyScores = columns.recencyScores
        frequencyScores = columns.frequencyScores
        monetaryScores = columns.monetaryScores
        segments = columns.segments
        let all = RFMSegment.allCases
        var counts = [Int](repeating: 0, count: all.count)
        for cell in 0..<36 where cells[cell] > 0 { counts[Int(RFMSegment.codeTable[cell].code)] += cells[cell] }
        // Revenue is summed in customer order, one customer at a time, so the totals do not
        // depend on how the work was split.
        var revenue = [Double](repeating: 0, count: all.count)
        var total = 0.0
        columns.segments.withUnsafeBufferPointer { segs in
            columns.monetary.withUnsafeBufferPointer { money in
                revenue.withUnsafeMutableBufferPointer { rev in
                    for i in 0..<segs.count {
                        rev[Int(segs[i].code)] += money[i]
                        total += money[i]
                    }
                }
            }
        }
        let n = columns.customers.count
        grid = (1...5).map { r in (1...5).map { fm in cells[r * 6 + fm] } }
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
