/// Events grouped by customer (compressed sparse rows): the events of customer slot `s` are at
/// `offsets[s]..<offsets[s + 1]` of the three columns, sorted by day (ties keep arrival order).
/// 10 bytes per event: day `Int32`, type `UInt16`, value `Float32`; the customer is implied by the
/// position.
struct EventColumns: Sendable {
    var offsets: [Int]
    var days: [Int32]
    var types: [UInt16]
    var values: [Float32]

    static let empty = EventColumns(offsets: [0], days: [], types: [], values: [])

    var slotCount: Int { offsets.count - 1 }
    var eventCount: Int { days.count }

    /// Groups `batch` by `slotOf(customer)` with a counting sort (a counting pass, then a scatter
    /// split over the cores by slot range), then sorts each slot by day. `slotCount` slots; rows
    /// whose slot is negative are dropped.
    static func grouping(_ batch: ActivityEventBatch, slotCount: Int, slotOf: (Int32) -> Int) -> EventColumns {
        let n = batch.count
        var offsets = [Int](repeating: 0, count: slotCount + 1)
        var slots = [Int32](repeating: -1, count: n)
        batch.customers.withUnsafeBufferPointer { cs in
            slots.withUnsafeMutableBufferPointer { sl in
                offsets.withUnsafeMutableBufferPointer { off in
                    for i in 0..<n {
                        let s = slotOf(cs[i])
                        if s >= 0 && s < slotCount {
                            sl[i] = Int32(truncatingIfNeeded: s)
                            off[s + 1] += 1
                        }
                    }
                    for s in 0..<slotCount { off[s + 1] += off[s] }
                }
            }
        }
        let total = offsets[slotCount]
        var days = [Int32](repeating: 0, count: total)
        var types = [UInt16](repeating: 0, count: total)
        var values = [Float32](repeating: 0, count: total)
        // Two cache-friendly passes instead of one scatter into a million random places: rows go
        // first to their bucket of consecutive slots (a few hundred sequential write streams),
        // then within each bucket (a window that fits the cache) to their slot's positions.
        let bucketShift = max(0, (Int.bitWidth - (slotCount - 1).leadingZeroBitCount) - 9)
        let bucketCount = ((slotCount - 1) >> bucketShift) + 1
        let bucketStarts = (0...bucketCount).map { offsets[min($0 << bucketShift, slotCount)] }
        var bucketSlots = [Int32](repeating: 0, count: total)
        var bucketDays = [Int32](repeating: 0, count: total)
        var bucketTypes = [UInt16](repeating: 0, count: total)
        var bucketValues = [Float32](repeating: 0, count: total)
        var bucketCursor = bucketStarts
        var cursor = offsets
        let workers = ParallelWork.workerCount(events: n)
        let bucketRanges = ParallelWork.balancedRanges(offsets: bucketStarts, parts: workers)
        withUnsafeColumns(&bucketSlots, &bucketDays, &bucketTypes, &bucketValues) { tmp in
            bucketCursor.withUnsafeMutableBufferPointer { bcur in
                batch.days.withUnsafeBufferPointer { bd in
                    batch.types.withUnsafeBufferPointer { bt in
                        batch.values.withUnsafeBufferPointer { bv in
                            slots.withUnsafeBufferPointer { sl in
                                let pass = BucketPass(
                                    target: tmp, cursor: bcur, rowDays: bd, rowTypes: bt, rowValues: bv, slots: sl, shift: bucketShift)
                                ParallelWork.run(bucketRanges.count) { part in pass.run(buckets: bucketRanges[part]) }
                            }
                        }
                    }
                }
            }
        }
        days.withUnsafeMutableBufferPointer { od in
            types.withUnsafeMutableBufferPointer { ot in
                values.withUnsafeMutableBufferPointer { ov in
                    cursor.withUnsafeMutableBufferPointer { cur in
                        withUnsafeColumns(&bucketSlots, &bucketDays, &bucketTypes, &bucketValues) { tmp in
                            let scatter = ScatterPointers(days: od, types: ot, values: ov, cursor: cur, source: tmp)
                            ParallelWork.run(bucketRanges.count) { part in
                                let buckets = bucketRanges[part]
                                guard !buckets.isEmpty else { return }
                                scatter.scatter(rows: bucketStarts[buckets.lowerBound]..<bucketStarts[buckets.upperBound])
                            }
                        }
                    }
                }
            }
        }
        var columns = EventColumns(offsets: offsets, days: days, types: types, values: values)
        columns.sortEachSlotByDay()
        return columns
    }

    /// Stable sort of every slot's events by day, split over the cores.
    mutating func sortEachSlotByDay() {
        let ranges = ParallelWork.balancedRanges(offsets: offsets, parts: ParallelWork.workerCount(events: eventCount))
        let offs = offsets
        days.withUnsafeMutableBufferPointer { d in
            types.withUnsafeMutableBufferPointer { t in
                values.withUnsafeMutableBufferPointer { v in
                    let columns = MutableColumnPointers(days: d, types: t, values: v)
                    ParallelWork.run(ranges.count) { part in
                        var scratch: [Int] = []
                        for s in ranges[part] {
                            columns.sortByDay(offs[s]..<offs[s + 1], scratch: &scratch)
                        }
                    }
                }
            }
        }
    }
}

/// Raw pointers to the three event columns, shared by the workers of
/// ``EventColumns/sortEachSlotByDay()``.
///
/// `@unchecked Sendable` is safe here: every worker sorts a disjoint range of slots, so no two
/// threads touch the same element, and the pointers outlive the work because
/// `ParallelWork.run` returns only after every worker has finished.
struct MutableColumnPointers: @unchecked Sendable {
    let days: UnsafeMutableBufferPointer<Int32>
    let types: UnsafeMutableBufferPointer<UInt16>
    let values: UnsafeMutableBufferPointer<Float32>

    func sortByDay(_ r: Range<Int>, scratch: inout [Int]) {
        if r.count < 2 { return }
        var sorted = true
        for i in (r.lowerBound + 1)..<r.upperBound where days[i] < days[i - 1] {
            sorted = false
            break
        }
        if sorted { return }
        if r.count <= 24 {
            // Insertion sort: stable and fastest for the few events most customers have.
            for i in (r.lowerBound + 1)..<r.upperBound {
                let d = days[i], t = types[i], v = values[i]
                var j = i
                while j > r.lowerBound && days[j - 1] > d {
                    days[j] = days[j - 1]
                    types[j] = types[j - 1]
                    values[j] = values[j - 1]
                    j -= 1
                }
                days[j] = d
                types[j] = t
                values[j] = v
            }
            return
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: r)
        // Ties broken by position keep the sort stable.
        scratch.sort { a, b in days[a] != days[b] ? days[a] < days[b] : a < b }
        let d = scratch.map { days[$0] }, t = scratch.map { types[$0] }, v = scratch.map { values[$0] }
        for (k, i) in r.enumerated() {
            days[i] = d[k]
            types[i] = t[k]
            values[i] = v[k]
        }
    }
}

/// Rows with their slot, column by column: the buckets of ``EventColumns/grouping(_:slotCount:slotOf:)``.
struct SlotRowPointers: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Int32>
    let days: UnsafeMutableBufferPointer<Int32>
    let types: UnsafeMutableBufferPointer<UInt16>
    let values: UnsafeMutableBufferPointer<Float32>
}

func withUnsafeColumns<R>(
    _ slots: inout [Int32], _ days: inout [Int32], _ types: inout [UInt16], _ values: inout [Float32], _ body: (SlotRowPointers) -> R
) -> R {
    slots.withUnsafeMutableBufferPointer { s in
        days.withUnsafeMutableBufferPointer { d in
            types.withUnsafeMutableBufferPointer { t in
                values.withUnsafeMutableBufferPointer { v in body(SlotRowPointers(slots: s, days: d, types: t, values: v)) }
            }
        }
    }
}

/// The first pass of the grouping: rows to their bucket (`slot >> shift`).
///
/// `@unchecked Sendable` is safe here: each worker writes only the cursors and bucket regions of
/// its own bucket range (disjoint), reads the row columns, and `ParallelWork.run` returns after
/// every worker.
struct BucketPass: @unchecked Sendable {
    let target: SlotRowPointers
    let cursor: UnsafeMutableBufferPointer<Int>
    let rowDays: UnsafeBufferPointer<Int32>
    let rowTypes: UnsafeBufferPointer<UInt16>
    let rowValues: UnsafeBufferPointer<Float32>
    let slots: UnsafeBufferPointer<Int32>
    let shift: Int

    func run(buckets: Range<Int>) {
        guard !buckets.isEmpty else { return }
        for i in 0..<slots.count {
            let s = slots[i]
            guard s >= 0 else { continue }
            let b = Int(s) >> shift
            guard b >= buckets.lowerBound && b < buckets.upperBound else { continue }
            let p = cursor[b]
            cursor[b] = p + 1
            target.slots[p] = s
            target.days[p] = rowDays[i]
            target.types[p] = rowTypes[i]
            target.values[p] = rowValues[i]
        }
    }
}

/// The second pass of the grouping: bucketed rows to their slot's positions.
///
/// `@unchecked Sendable` is safe here: each worker handles the rows of its own buckets, whose
/// slots (and so cursor entries and column positions) no other worker touches, and
/// `ParallelWork.run` returns after every worker.
struct ScatterPointers: @unchecked Sendable {
    let days: UnsafeMutableBufferPointer<Int32>
    let types: UnsafeMutableBufferPointer<UInt16>
    let values: UnsafeMutableBufferPointer<Float32>
    let cursor: UnsafeMutableBufferPointer<Int>
    let source: SlotRowPointers

    func scatter(rows: Range<Int>) {
        for i in rows {
            let s = Int(source.slots[i])
            let p = cursor[s]
            cursor[s] = p + 1
            days[p] = source.days[i]
            types[p] = source.types[i]
            values[p] = source.values[i]
        }
    }
}
