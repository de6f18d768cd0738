import Testing
import TenureCore

@Suite("Purchase metrics and historical CLV")
struct PurchaseMetricsTests {
    @Test("orders, AOV, frequency and repeat-purchase rates per month and over the range")
    func purchaseMetrics() {
        let s = AnalyticsFixture.snapshot([
            (0, "2023-12-20", AnalyticsFixture.order, 10), (0, "2024-01-05", AnalyticsFixture.order, 20), (0, "2024-01-25", AnalyticsFixture.order, 40),
            (0, "2024-03-03", AnalyticsFixture.order, 30),
            (1, "2024-01-10", AnalyticsFixture.order, 50),
            (2, "2024-02-01", AnalyticsFixture.order, 15), (2, "2024-02-02", AnalyticsFixture.order, 5), (2, "2024-03-05", AnalyticsFixture.open, 0),
        ])
        let r = PurchaseMetricsQuery(range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-03-31")))
            .run(on: s)
        let f = r.rows.map(\.figures)
        #expect(f.map(\.orders) == [3, 2, 1])
        #expect(f.map(\.revenue) == [110, 20, 30])
        #expect(f.map(\.purchasers) == [2, 1, 1])
        #expect(f.map(\.repeatPurchasers) == [1, 1, 0])
        #expect(f.map(\.averageOrderValue) == [110.0 / 3, 10, 30])
        #expect(f.map(\.purchaseFrequency) == [1.5, 2, 1])
        #expect(f.map(\.repeatPurchaseRate) == [0.5, 1, 0])
        #expect(r.rows.map(\.returningPurchasers) == [1, 0, 1])
        #expect(r.range.orders == 6)
        #expect(r.range.revenue == 160)
        #expect(r.range.purchasers == 3)
        #expect(r.range.repeatPurchasers == 2)
        #expect(r.range.repeatPurchaseRate == 2.0 / 3)
        #expect(r.customersEverPurchased == 3)
        #expect(r.customersEverRepeated == 2)
    }

    @Test("historical CLV: cumulative revenue per cohort customer by months since first purchase")
    func historicalCLV() {
        let s = AnalyticsFixture.snapshot([
            (0, "2024-01-05", AnalyticsFixture.order, 10), (0, "2024-01-20", AnalyticsFixture.order, 5), (0, "2024-03-01", AnalyticsFixture.order, 20),
            (1, "2024-01-30", AnalyticsFixture.order, 30), (1, "2024-02-02", AnalyticsFixture.order, 10), (1, "2024-02-03", AnalyticsFixture.open, 0),
            (2, "2024-02-10", AnalyticsFixture.order, 8),
            (3, "2023-12-01", AnalyticsFixture.order, 100), (3, "2024-01-15", AnalyticsFixture.order, 50),
        ])
        let r = HistoricalCLVQuery(range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-03-31")))
            .run(on: s)
        #expect(r.cohorts.map(\.customers) == [2, 1, 0])
        #expect(r.cohorts[0].cumulativeRevenuePerCustomer == [22.5, 27.5, 37.5])
        #expect(r.cohorts[1].cumulativeRevenuePerCustomer == [8, 8])
        #expect(r.cohorts[2].cumulativeRevenuePerCustomer == [0])
        #expect(r.customers == [0, 1, 2, 3])
        #expect(r.revenue == [35, 40, 8, 150])
        #expect(r.orders == [3, 2, 1, 2])
        #expect(r.firstPurchaseDays[3] == AnalyticsFixture.day("2023-12-01"))
        #expect(r.averageRevenuePerCustomer == 233.0 / 4)
    }
}
