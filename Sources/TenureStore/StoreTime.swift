import Foundation

extension Date {
    /// How the store writes a time: whole milliseconds since 1970 UTC, rounded.
    var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

extension Date {
    /// The date `ms` milliseconds after 1970-01-01 UTC, as the store keeps times.
    init(storeMillis ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}
