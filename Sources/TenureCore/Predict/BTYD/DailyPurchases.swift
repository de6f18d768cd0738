/// Transactions grouped by customer (ascending) and day (ascending), with per-day value totals.
struct DailyPurchases {
    var customerIDs: [Int] = []
    /// Start offset of each customer's days, plus a final end offset.
    var starts: [Int] = []
    var days: [Int] = []
    var totals: [Double] = []

    func range(of customer: Int) -> Range<Int> { starts[customer]..<starts[customer + 1] }

    init(customers: [Int], days inputDays: [Int], values: [Double]?, lastDay: Int, unit: BTYDTimeUnit) throws(BTYDError) {
        let n = customers.count
        guard inputDays.count == n, values.map({ $0.count == n }) ?? true else {
            throw .mismatchedLengths(
                "customers \(n), days \(inputDays.count)" + (values.map { ", values \($0.count)" } ?? ""))
        }
        guard unit.days > 0 && unit.days.isFinite else {
            throw .invalidArgument("time unit must be a positive number of days, got \(unit.days)")
        }
        if let values, let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidRow(index: bad, reason: "transaction value \(values[bad]) is not finite")
        }
        var order = (0..<n).filter { inputDays[$0] <= lastDay }
        order.sort { customers[$0] != customers[$1] ? customers[$0] < customers[$1] : inputDays[$0] < inputDays[$1] }
        for i in order {
            let c = customers[i], d = inputDays[i], v = values?[i] ?? 0
            if customerIDs.last != c {
                customerIDs.append(c)
                starts.append(days.count)
                days.append(d)
                totals.append(v)
            } else if days.last == d {
                totals[totals.count - 1] += v
            } else {
                days.append(d)
                totals.append(v)
            }
        }
        starts.append(days.count)
    }
}
