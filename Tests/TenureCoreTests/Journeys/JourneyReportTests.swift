import Foundation
import Testing
import TenureCore

@Suite("Journey reports")
struct JourneyReportTests {
    @Test("treatment against control: conversion among decided customers, retention and revenue over complete windows only")
    func report() {
        // 8 customers entered on day 100: 0–3 treated, 4–7 control; the report is on day 140.
        var b = ActivitySnapshotBuilder(customerCount: 8)
        for c: Int32 in 0..<8 { b.add(customer: c, day: 90, type: EventTypeTable.orderCompleted, value: 10) }
        // Treated customers 0 and 1 buy within 30 days (20 and 30); 2 only on day 131 (outside);
        // control customer 4 buys 5. Customer 3 is active at day 125 (a page view), 5 never again.
        b.add(customer: 0, day: 105, type: EventTypeTable.orderCompleted, value: 20)
        b.add(customer: 1, day: 129, type: EventTypeTable.orderCompleted, value: 30)
        b.add(customer: 2, day: 131, type: EventTypeTable.orderCompleted, value: 40)
        b.add(customer: 3, day: 125, type: EventTypeTable.page)
        b.add(customer: 4, day: 110, type: EventTypeTable.orderCompleted, value: 5)
        b.add(customer: 6, day: 128, type: EventTypeTable.identify)  // a trait change is not activity
        let activity = b.build()
        var entries = (0..<8).map { JourneyEntryRecord(customer: $0, enteredDay: 100, treated: $0 < 4, converted: [0, 1, 4].contains($0), decided: true) }
        // One more treated customer whose goal window is still open and who entered too late for any window.
        entries.append(JourneyEntryRecord(customer: nil, enteredDay: 139, treated: true, converted: false, decided: false))
        let report = JourneyReport.make(entries, activity: activity, asOf: 140, hasGoal: true)
        #expect(report.treated == 5 && report.control == 4)
        let conversion = try! #require(report.conversion)
        #expect(conversion.treatment.customers == 4 && conversion.treatment.value == 0.5)
        #expect(conversion.control.customers == 4 && conversion.control.value == 0.25)
        #expect(conversion.uplift == 0.25 && conversion.interval != nil && !conversion.isSignificant)
        // Retained at 30 days: active on days 101…130: treated 0, 1, 3 (2's order is day 131); control 4.
        let r30 = try! #require(report.retention[30])
        #expect(r30.treatment.value == 0.75 && r30.control.value == 0.25)
        // No one entered 60 days before day 140.
        #expect(report.retention[60]?.treatment.customers == 0 && report.retention[60]?.isAvailable == false)
        // Revenue in days 100…129: treated 20, 30, 0, 0 → 12.5; control 5, 0, 0, 0 → 1.25.
        func near(_ x: Double?, _ y: Double) -> Bool { x.map { abs($0 - y) < 1e-9 } ?? false }
        #expect(near(report.revenuePerCustomer.treatment.value, 12.5) && near(report.revenuePerCustomer.control.value, 1.25))
        #expect(near(report.revenuePerCustomer.uplift, 11.25))
        let decoded = try? JSONDecoder().decode(JourneyReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
    }
}
