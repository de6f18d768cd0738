/// Conversions from `Double` that never trap, for numbers that come from data: Swift's `Int(x)`
/// kills the process when `x` is NaN, infinite or out of range, and one hostile event must not be
/// able to do that (see `ValuePolicy`).
extension Int {
    /// `value` rounded toward zero, clamped to `Int`'s range; `nan` when it is NaN.
    public init(saturating value: Double, nan: Int = 0) {
        if value.isNaN {
            self = nan
        } else if value >= 9.223_372_036_854_775e18 {
            self = .max
        } else if value <= -9.223_372_036_854_775e18 {
            self = .min
        } else {
            self = Int(value)
        }
    }
}

extension Int64 {
    /// `value` rounded toward zero, clamped to `Int64`'s range; `nan` when it is NaN.
    public init(saturating value: Double, nan: Int64 = 0) {
        self = Int64(Int(saturating: value, nan: Int(nan)))
    }
}

extension Int32 {
    /// `value` rounded toward zero, clamped to `Int32`'s range; `nan` when it is NaN.
    public init(saturating value: Double, nan: Int32 = 0) {
        self = Int32(clamping: Int(saturating: value, nan: Int(nan)))
    }
}
