import Foundation
import Testing

/// Locates the published reference datasets fetched by `scripts/fetch-reference-data.sh`.
///
/// Folder: `$TENURE_REFERENCE_DATA`, else `.reference-data` at the repository root found by walking
/// up from this file. When absent, tests are skipped with a message, unless
/// `TENURE_REQUIRE_REFERENCE_DATA=1` (CI), in which case they fail.
enum BTYDReferenceData {
    static let folder: URL? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["TENURE_REFERENCE_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".reference-data")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["TENURE_REQUIRE_REFERENCE_DATA"] == "1" }

    static func file(_ relativePath: String) -> URL? {
        guard let folder else { return nil }
        let url = folder.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Trait that skips a test when the file is missing (and CI does not require it).
    static func available(_ relativePath: String) -> ConditionTrait {
        .enabled(
            if: required || file(relativePath) != nil,
            "reference data \(relativePath) not found: run scripts/fetch-reference-data.sh or set TENURE_REFERENCE_DATA")
    }

    /// The file's text; records a failure (CI) when it is missing.
    static func text(_ relativePath: String) throws -> String {
        let url = try #require(
            file(relativePath),
            "reference data \(relativePath) missing (TENURE_REQUIRE_REFERENCE_DATA=1): run scripts/fetch-reference-data.sh")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// CSV rows after the header, split on commas.
    static func csvRows(_ relativePath: String) throws -> [[String]] {
        try text(relativePath).split(whereSeparator: \.isNewline).dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The 39-week CDNOW calibration summary of Fader, Hardie & Lee (2005): x, t_x, T in weeks.
    static func cdnowSummary() throws -> (frequency: [Int], recency: [Double], age: [Double]) {
        let rows = try csvRows("cdnow/cdnow_customers_summary.csv")
        return (rows.map { Int($0[1])! }, rows.map { Double($0[2])! }, rows.map { Double($0[3])! })
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// ln Γ(x) for test formulas (re-entrant, unambiguous across Foundation and Glibc).
func btydLogGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}
