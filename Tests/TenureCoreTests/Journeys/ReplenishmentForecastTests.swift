import Testing
import TenureCore

@Suite("Replenishment forecast: the median gap between a customer's orders")
struct ReplenishmentForecastTests {
    @Test("orders on days 10, 30 and 50: gaps 20 and 20, interval 20, runs out on day 70; 10 days before is day 60")
    func evenlySpaced() throws {
        let f = try #require(ReplenishmentForecast(orderDays: [50, 10, 30] as [Int32]))
        #expect(f.intervalDays == 20 && f.lastOrderDay == 50 && f.runsOutOn == 70 && f.orders == 3)
        #expect(f.firingDay(daysBefore: 10) == 60)
    }

    @Test("gaps 10, 30, 5 (days 0, 10, 40, 45): the median is 10, not the mean 15; runs out on day 55")
    func medianNotMean() throws {
        let f = try #require(ReplenishmentForecast(orderDays: [0, 10, 40, 45] as [Int32]))
        #expect(f.intervalDays == 10 && f.runsOutOn == 55)
    }

    @Test("an even number of gaps takes the mean of the middle two (10 and 30: 20); 5.5 days rounds up to 6")
    func evenGaps() throws {
        #expect(ReplenishmentForecast(orderDays: [0, 10, 40] as [Int32])?.intervalDays == 20)
        let half = try #require(ReplenishmentForecast(orderDays: [100, 105, 111] as [Int32]))
        #expect(half.intervalDays == 5.5 && half.runsOutOn == 117)
    }

    @Test("orders on one day are one purchase; fewer distinct days than min_orders (or than two) make no forecast")
    func minimumOrders() {
        #expect(ReplenishmentForecast(orderDays: [0, 0, 10] as [Int32])?.intervalDays == 10)
        #expect(ReplenishmentForecast(orderDays: [7, 7, 7] as [Int32]) == nil)
        #expect(ReplenishmentForecast(orderDays: [] as [Int32]) == nil)
        #expect(ReplenishmentForecast(orderDays: [0, 10] as [Int32], minOrders: 3) == nil)
        #expect(ReplenishmentForecast(orderDays: [0, 10, 20] as [Int32], minOrders: 3)?.runsOutOn == 30)
    }

    @Test("extreme days do not trap: the run-out day clamps")
    func extremes() throws {
        let f = try #require(ReplenishmentForecast(orderDays: [Int32.min, Int32.max]))
        #expect(f.runsOutOn == Int32.max)
    }
}
