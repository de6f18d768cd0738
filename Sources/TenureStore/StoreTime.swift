import Foundation

extension Date {
    /// How the store writes a time: whole milliseconds since 1970 UTC, rounded.
    var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
