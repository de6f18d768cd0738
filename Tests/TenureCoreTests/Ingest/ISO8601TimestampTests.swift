import Foundation
import Testing
import TenureCore

@Suite struct ISO8601TimestampTests {
    @Test(arguments: [
        ("2024-05-01T12:30:00Z", 1_714_566_600.0),
        ("2024-05-01T12:30:00.250Z", 1_714_566_600.25),
        ("2024-05-01T14:30:00+02:00", 1_714_566_600.0),
        ("2024-05-01T07:00:00-0530", 1_714_566_600.0),
        ("2024-05-01 12:30:00", 1_714_566_600.0),
        ("2024-05-01", 1_714_521_600.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(ISO8601Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: ["2024-13-01", "2023-02-29", "2024-05-01T25:00:00Z", "yesterday", "2024-05-01T12:30:00Q", "", "1714566600"])
    func rejects(text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil)
    }

    @Test func formatsWhatItParses() throws {
        let date = Date(timeIntervalSince1970: 1_714_566_600.123)
        #expect(ISO8601Timestamp.format(date) == "2024-05-01T12:30:00.123Z")
        #expect(ISO8601Timestamp.parse(ISO8601Timestamp.format(date)) == date)
    }

    @Test func civilDaysAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Foundation switches to the Julian calendar before 1582, so compare from 1600 on.
        for days in stride(from: -135_000, through: 800_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = ISO8601Timestamp.civilFromDays(days)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
            #expect(ISO8601Timestamp.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) == days)
        }
    }
}
