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

    /// Groups `batch` by `slotOf(customer)` with a counting sort (two passes over the rows), then
    /// sorts each slot by day. `slotCount` slots; rows whose slot is negative are dropped.
    static func grouping(_ batch: ActivityEventBatch, slotCount: Int, slotOf: (Int32) -> Int) -> EventColumns {
        let n = batch.count
        var offsets = [Int](repeating: 0, count: slotCount + 1)
        var slots = [Int32](repeating: -1, count: n)
        batch.customers.withUnsafeBufferPointer { cs in
            for i in 0..<n {
                let s = slotOf(cs[i])
                if s >= 0 {
                    slots[i] = Int32(s)
                    offsets[s + 1] += 1
                }
            }
        }
        for s in 0..<slotCount { offsets[s + 1] += offsets[s] }
        let total = offsets[slotCount]
        var days = [Int32](repeating: 0, count: total)
        var types = [UInt16](repeating: 0, count: total)
        var values = [Float32](repeating: 0, count: total)
        var cursor = offsets
        days.withUnsafeMutableBufferPointer { od in
            types.withUnsafeMutableBufferPointer { ot in
                values.withUnsafeMutableBufferPointer { ov in
                    batch.days.withUnsafeBufferPointer { bd in
                        batch.types.withUnsafeBufferPointer { bt in
                            batch.values.withUnsafeBufferPointer { bv in
                                for i in 0..<n {
                                    let s = Int(slots[i])
                                    if s < 0 { continue }
                                    let p = cursor[s]
                                    cursor[s] = p + 1
                                    od[p] = bd[i]
                                    ot[p] = bt[i]
                                    ov[p] = bv[i]
                                }
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
