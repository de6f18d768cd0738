/// The per-customer columns of an ``RFMReport``, filled in parallel by ``RFMQuery``.
struct RFMReportColumns {
    var customers: [Int32] = []
    var recencyDays: [Int32] = []
    var frequency: [Int32] = []
    var monetary: [Double] = []
    var recencyScores: [UInt8] = []
    var frequencyScores: [UInt8] = []
    var monetaryScores: [UInt8] = []
    var segments: [RFMSegment] = []
    private(set) var count: Int

    init(count: Int) { self.count = count }

    /// Creates every column with `count` elements and lets `body` write all of them, through
    /// buffers that workers may share, each writing its own positions.
    mutating func fill<T>(_ body: (Buffers) -> T) -> T {
        let n = count
        var result: T?
        customers = [Int32](unsafeUninitializedCapacity: n) { c, cn in
            recencyDays = [Int32](unsafeUninitializedCapacity: n) { rd, rdn in
                frequency = [Int32](unsafeUninitializedCapacity: n) { f, fn in
                    monetary = [Double](unsafeUninitializedCapacity: n) { m, mn in
                        recencyScores = [UInt8](unsafeUninitializedCapacity: n) { rs, rsn in
                            frequencyScores = [UInt8](unsafeUninitializedCapacity: n) { fs, fsn in
                                monetaryScores = [UInt8](unsafeUninitializedCapacity: n) { ms, msn in
                                    segments = [RFMSegment](unsafeUninitializedCapacity: n) { s, sn in
                                        result = body(Buffers(
                                            customers: c, recencyDays: rd, frequency: f, monetary: m,
                                            recencyScores: rs, frequencyScores: fs, monetaryScores: ms, segments: s))
                                        sn = n
                                    }
                                    msn = n
                                }
                                fsn = n
                            }
                            rsn = n
                        }
                        mn = n
                    }
                    fn = n
                }
                rdn = n
            }
            cn = n
        }
        return result!
    }

    /// Write access to the columns during ``fill(_:)``: `body` must write every position of every
    /// buffer (all element types are trivial, so plain assignment initializes them).
    ///
    /// `@unchecked Sendable` is safe: the buffers live until `fill`'s body returns, and the workers
    /// that share them write disjoint positions.
    struct Buffers: @unchecked Sendable {
        let customers: UnsafeMutableBufferPointer<Int32>
        let recencyDays: UnsafeMutableBufferPointer<Int32>
        let frequency: UnsafeMutableBufferPointer<Int32>
        let monetary: UnsafeMutableBufferPointer<Double>
        let recencyScores: UnsafeMutableBufferPointer<UInt8>
        let frequencyScores: UnsafeMutableBufferPointer<UInt8>
        let monetaryScores: UnsafeMutableBufferPointer<UInt8>
        let segments: UnsafeMutableBufferPointer<RFMSegment>
    }
}
