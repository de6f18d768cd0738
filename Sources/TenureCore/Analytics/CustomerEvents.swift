/// One customer's events during a scan: three parallel columns sorted by day. Valid only inside
/// the scan's closure (the buffers point into the snapshot or into scratch space).
struct CustomerEvents {
    let days: UnsafeBufferPointer<Int32>
    let types: UnsafeBufferPointer<UInt16>
    let values: UnsafeBufferPointer<Float32>

    var count: Int { days.count }
    var isEmpty: Bool { days.isEmpty }
}

extension ActivitySnapshot {
    /// Calls `body(customer, events)` for every customer in `customers`, in order, events sorted by
    /// day. Customers with appended events get their base and delta events merged into scratch
    /// buffers first (base events first on equal days).
    func scan(_ customers: Range<Int>, _ body: (Int, CustomerEvents) -> Void) {
        let baseCount = base.slotCount
        let hasDelta = !deltaCustomers.isEmpty
        var sd: [Int32] = [], st: [UInt16] = [], sv: [Float32] = []
        base.offsets.withUnsafeBufferPointer { bo in
            base.days.withUnsafeBufferPointer { bd in
                base.types.withUnsafeBufferPointer { bt in
                    base.values.withUnsafeBufferPointer { bv in
                        delta.offsets.withUnsafeBufferPointer { dof in
                            delta.days.withUnsafeBufferPointer { dd in
                                delta.types.withUnsafeBufferPointer { dt in
                                    delta.values.withUnsafeBufferPointer { dv in
                                        deltaSlot.withUnsafeBufferPointer { slots in
                                            for c in customers {
                                                let lo = c < baseCount ? bo[c] : 0
                                                let hi = c < baseCount ? bo[c + 1] : 0
                                                let slot = hasDelta ? Int(slots[c]) : -1
                                                if slot < 0 {
                                                    body(
                                                        c,
                                                        CustomerEvents(
                                                            days: UnsafeBufferPointer(rebasing: bd[lo..<hi]),
                                                            types: UnsafeBufferPointer(rebasing: bt[lo..<hi]),
                                                            values: UnsafeBufferPointer(rebasing: bv[lo..<hi])))
                                                    continue
                                                }
                                                let dlo = dof[slot], dhi = dof[slot + 1]
                                                sd.removeAll(keepingCapacity: true)
                                                st.removeAll(keepingCapacity: true)
                                                sv.removeAll(keepingCapacity: true)
                                                var i = lo, j = dlo
                                                while i < hi || j < dhi {
                                                    if j >= dhi || (i < hi && bd[i] <= dd[j]) {
                                                        sd.append(bd[i]); st.append(bt[i]); sv.append(bv[i])
                                                        i += 1
                                                    } else {
                                                        sd.append(dd[j]); st.append(dt[j]); sv.append(dv[j])
                                                        j += 1
                                                    }
                                                }
                                                sd.withUnsafeBufferPointer { d in
                                                    st.withUnsafeBufferPointer { t in
                                                        sv.withUnsafeBufferPointer { v in
                                                            body(c, CustomerEvents(days: d, types: t, values: v))
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
