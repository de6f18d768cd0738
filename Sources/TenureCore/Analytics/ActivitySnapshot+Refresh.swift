extension ActivitySnapshot {
    /// A snapshot with `batch` added: events of existing customers, and of new customers (indices
    /// at or past ``customerCount``, which grows to hold them).
    ///
    /// Cost is proportional to the batch, the current delta and the customer count, not to the
    /// event count: the batch is sorted and merged into a small per-customer delta that scans
    /// merge on the fly. 10,000 events on a 10 M-event snapshot take a few milliseconds (see
    /// `tenure bench analytics`). Call ``compacted()`` when ``needsCompaction`` says so.
    public func appending(_ batch: ActivityEventBatch) -> ActivitySnapshot {
        var copy = self
        copy.append(batch)
        return copy
    }

    /// Adds `batch` in place; see ``appending(_:)``.
    public mutating func append(_ batch: ActivityEventBatch) {
        if batch.isEmpty { return }
        var newCount = customerCount
        for c in batch.customers where Int(c) >= newCount { newCount = Int(c) + 1 }

        // The batch, sorted by customer then day (arrival order on ties).
        let order = batch.customers.indices.sorted { a, b in
            let ca = batch.customers[a], cb = batch.customers[b]
            if ca != cb { return ca < cb }
            let da = batch.days[a], db = batch.days[b]
            return da != db ? da < db : a < b
        }

        // Merge old delta customers with the batch's customers, and each one's events.
        var customers: [Int32] = []
        var offsets: [Int] = [0]
        var days: [Int32] = [], types: [UInt16] = [], values: [Float32] = []
        let reserve = delta.eventCount + batch.count
        days.reserveCapacity(reserve)
        types.reserveCapacity(reserve)
        values.reserveCapacity(reserve)
        var oi = 0, bi = 0
        let oldCustomers = deltaCustomers
        while oi < oldCustomers.count || bi < order.count {
            let oc = oi < oldCustomers.count ? oldCustomers[oi] : Int32.max
            let bc = bi < order.count ? batch.customers[order[bi]] : Int32.max
            let c = min(oc, bc)
            var dlo = 0, dhi = 0
            if oc == c {
                dlo = delta.offsets[oi]
                dhi = delta.offsets[oi + 1]
                oi += 1
            }
            var bend = bi
            while bend < order.count && batch.customers[order[bend]] == c { bend += 1 }
            var i = dlo, j = bi
            while i < dhi || j < bend {
                if j >= bend || (i < dhi && delta.days[i] <= batch.days[order[j]]) {
                    days.append(delta.days[i]); types.append(delta.types[i]); values.append(delta.values[i])
                    i += 1
                } else {
                    let r = order[j]
                    days.append(batch.days[r]); types.append(batch.types[r]); values.append(batch.values[r])
                    j += 1
                }
            }
            bi = bend
            customers.append(c)
            offsets.append(days.count)
        }

        var slots = deltaSlot.isEmpty ? [Int32](repeating: -1, count: newCount) : deltaSlot
        if slots.count < newCount { slots.append(contentsOf: repeatElement(-1, count: newCount - slots.count)) }
        for (s, c) in customers.enumerated() { slots[Int(c)] = Int32(s) }

        if firstSeenDays.count < newCount {
            firstSeenDays.append(contentsOf: repeatElement(Self.noDay, count: newCount - firstSeenDays.count))
        }
        var lo = dayRange?.lowerBound ?? Int32.max, hi = dayRange?.upperBound ?? Int32.min
        for i in 0..<batch.count {
            let c = Int(batch.customers[i]), d = batch.days[i]
            if d < firstSeenDays[c] { firstSeenDays[c] = d }
            lo = min(lo, d)
            hi = max(hi, d)
        }

        dayRange = lo...hi
        // New events widen the default report range only at the new end; a compaction works it out again.
        reportRange = reportRange.map { min($0.lowerBound, max(lo, hi - Self.longestReportDays))...max($0.upperBound, hi) } ?? (lo...hi)
        customerCount = newCount
        deltaCustomers = customers
        deltaSlot = slots
        delta = EventColumns(offsets: offsets, days: days, types: types, values: values)
    }

    /// The same snapshot with the delta merged into the base columns, so scans read one array
    /// per column again. Linear in the event count (about 0.1–0.2 s for 10 M events); run it off the
    /// request path.
    public func compacted() -> ActivitySnapshot {
        if deltaCustomers.isEmpty { return self }
        let n = customerCount
        var offsets = [Int](repeating: 0, count: n + 1)
        for c in 0..<n { offsets[c + 1] = offsets[c] + eventCount(of: c) }
        let total = offsets[n]
        var days = [Int32](repeating: 0, count: total)
        var types = [UInt16](repeating: 0, count: total)
        var values = [Float32](repeating: 0, count: total)
        let ranges = ParallelWork.balancedRanges(offsets: offsets, parts: ParallelWork.workerCount(events: total))
        let snapshot = self
        let offs = offsets
        days.withUnsafeMutableBufferPointer { d in
            types.withUnsafeMutableBufferPointer { t in
                values.withUnsafeMutableBufferPointer { v in
                    let out = MutableColumnPointers(days: d, types: t, values: v)
                    ParallelWork.run(ranges.count) { part in
                        snapshot.scan(ranges[part]) { c, ev in
                            var p = offs[c]
                            for i in 0..<ev.count {
                                out.days[p] = ev.days[i]
                                out.types[p] = ev.types[i]
                                out.values[p] = ev.values[i]
                                p += 1
                            }
                        }
                    }
                }
            }
        }
        var result = ActivitySnapshot(
            eventTypes: eventTypes, customerCount: n, firstSeenDays: firstSeenDays,
            base: EventColumns(offsets: offsets, days: days, types: types, values: values))
        result.dayRange = dayRange
        result.reportRange = Self.reportRange(days: days, dayRange: dayRange)
        return result
    }
}

extension ActivitySnapshot {
    /// The id of event type `name`, added to ``eventTypes`` when new, so a refresh can bring
    /// events of a name the snapshot has not seen without a rebuild (existing ids never change).
    public mutating func internEventType(_ name: String) -> UInt16 {
        eventTypes.intern(name)
    }
}
