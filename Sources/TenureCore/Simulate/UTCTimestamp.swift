import Foundation

/// Fast ISO 8601 rendering (`2025-06-01T12:34:56Z`) for the simulator's traits and CSV, where a
/// `DateFormatter` per customer would dominate the run time.
enum UTCTimestamp {
    static func iso8601(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let civil = DayNumber.civil(Int32(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))

        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var v = value
            for i in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            }
        }
        put(year, at: 0, width: 4)
        bytes[4] = 45  // -
        put(month, at: 5, width: 2)
        bytes[7] = 45
        put(day, at: 8, width: 2)
        bytes[10] = 84  // T
        put(secondOfDay / 3600, at: 11, width: 2)
        bytes[13] = 58  // :
        put(secondOfDay / 60 % 60, at: 14, width: 2)
        bytes[16] = 58
        put(secondOfDay % 60, at: 17, width: 2)
        bytes[19] = 90  // Z
        return String(decoding: bytes, as: UTF8.self)
    }
}
