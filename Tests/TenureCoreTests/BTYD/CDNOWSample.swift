import Foundation
import TenureCore

/// The CDNOW 1/10th sample (Fader & Hardie): 2,357 customers who made a first purchase in the first
/// quarter of 1997, with every purchase until 1998-06-30. Columns: master id, sample id (1…2357),
/// date YYYYMMDD, CDs bought, dollar value.
struct CDNOWSample {
    var customers: [Int] = []
    var days: [Int] = []
    var dollars: [Double] = []

    /// 1997-09-30: the end of the 39-week calibration period used by Fader, Hardie & Lee (2005).
    static let calibrationEnd = BTYDReferenceData.dayNumber(year: 1997, month: 9, day: 30)
    /// 1998-06-30: the end of the data (78 weeks).
    static let observationEnd = BTYDReferenceData.dayNumber(year: 1998, month: 6, day: 30)

    static func load() throws -> CDNOWSample {
        var sample = CDNOWSample()
        for line in try BTYDReferenceData.text("cdnow/CDNOW_sample.txt").split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let id = Int(fields[1]), let date = Int(fields[2]), let value = Double(fields[4])
            else { continue }
            sample.customers.append(id)
            sample.days.append(BTYDReferenceData.dayNumber(year: date / 10_000, month: date / 100 % 100, day: date % 100))
            sample.dollars.append(value)
        }
        return sample
    }
}
