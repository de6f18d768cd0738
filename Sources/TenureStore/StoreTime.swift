import Foundation

extension Date {
    /// How the store writes a time: whole milliseconds since 1970 UTC, rounded.
    var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    /// The last whole millisecond at or before this time: what "due by now" compares with, so a
    /// row the store says is due is due to the millisecond-exact reader too (a rounded-up now
    /// would hand out a step half a millisecond early, which then runs as "still waiting").
    var storeMillisElapsed: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}

extension Date {
    /// The date `ms` milliseconds after 1970-01-01 UTC, as the store keeps times.
    init(storeMillis ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}
