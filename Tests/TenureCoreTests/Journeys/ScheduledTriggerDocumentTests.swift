import Foundation
import Testing
import TenureCore

@Suite("Journey documents: scheduled triggers")
struct ScheduledTriggerDocumentTests {
    func journey(trigger: String) throws(JourneyDefinitionError) -> JourneyDefinition {
        try JourneyDefinition(jsonData: Data(#"{"name": "J", "trigger": \#(trigger), "steps": [{"id": "s", "exit": true}]}"#.utf8))
    }

    func error(_ trigger: String) -> JourneyDefinitionError? {
        do {
            _ = try journey(trigger: trigger)
            return nil
        } catch {
            return error
        }
    }

    @Test("each scheduled trigger reads as agreed, and its canonical form reads back equal", arguments: [
        #"{"inactivity": {"days": 30, "event": "Order Completed", "where": "category = \"tea\""}}"#,
        #"{"inactivity": {"days": 7}}"#,
        #"{"date": {"trait": "birthday", "anniversary": true, "offset_days": -7}}"#,
        #"{"date": {"signup": true, "offset_days": 30}}"#,
        #"{"replenishment": {"event": "Order Completed", "where": "category = \"tea\"", "days_before": 10, "min_orders": 2}}"#,
        #"{"churn_risk_above": 0.6}"#,
    ])
    func roundTrip(trigger: String) throws {
        let j = try journey(trigger: trigger)
        #expect(j.trigger.isScheduled)
        #expect(j.trigger.event == nil)
        let again = try JourneyDefinition(jsonData: j.jsonData)
        #expect(again == j)
        #expect(again.jsonData == j.jsonData)
    }

    @Test("the readers build the values")
    func values() throws {
        #expect(try journey(trigger: #"{"inactivity": {"days": 30, "event": "Order Completed"}}"#).trigger
            == .inactivity(JourneyInactivityTrigger(days: 30, event: "Order Completed")))
        #expect(try journey(trigger: #"{"date": {"trait": "birthday", "anniversary": true, "offset_days": -7}}"#).trigger
            == .date(JourneyDateTrigger(source: .trait("birthday"), anniversary: true, offsetDays: -7)))
        #expect(try journey(trigger: #"{"date": {"signup": true, "offset_days": 30}}"#).trigger == .date(JourneyDateTrigger(source: .signup, offsetDays: 30)))
        guard case .replenishment(let r) = try journey(trigger: #"{"replenishment": {"event": "Order Completed", "days_before": 10}}"#).trigger else {
            Issue.record("not a replenishment trigger")
            return
        }
        #expect(r.minOrders == 2 && r.daysBefore == 10 && r.filter.isEmpty)
        #expect(try journey(trigger: #"{"churn_risk_above": 0.6}"#).trigger == .churnRiskAbove(0.6))
    }

    @Test("refusals name the field", arguments: [
        (#"{"replenishment": {"event": "Order Completed", "days_before": 400}}"#, "trigger.replenishment.days_before"),
        (#"{"replenishment": {"event": "Order Completed", "days_before": 3, "min_orders": 1}}"#, "trigger.replenishment.min_orders"),
        (#"{"replenishment": {"days_before": 3}}"#, "trigger.replenishment.event"),
        (#"{"replenishment": {"event": "O", "days_before": 3, "where": "category = "}}"#, "trigger.replenishment.where"),
        (#"{"inactivity": {"days": 0}}"#, "trigger.inactivity.days"),
        (#"{"inactivity": {"days": 3, "where": "category = \"tea\""}}"#, "trigger.inactivity.where"),
        (#"{"inactivity": {"days": 3, "hours": 2}}"#, "trigger.inactivity.hours"),
        (#"{"date": {"trait": "birthday", "signup": true}}"#, "trigger.date"),
        (#"{"date": {"signup": false}}"#, "trigger.date.signup"),
        (#"{"date": {"trait": "birthday", "offset_days": 5000}}"#, "trigger.date.offset_days"),
        (#"{"churn_risk_above": 1.5}"#, "trigger.churn_risk_above"),
        (#"{"churn_risk_above": "high"}"#, "trigger.churn_risk_above"),
        (#"{"churn_risk_above": 0.5, "event": "X"}"#, "trigger"),
    ])
    func refusals(trigger: String, path: String) throws {
        let e = try #require(error(trigger))
        #expect(e.path == path, "\(e)")
    }

    @Test("the trigger in words")
    func sentences() throws {
        #expect(try journey(trigger: #"{"inactivity": {"days": 30, "event": "Order Completed"}}"#).trigger.sentence
            == #"when a customer who has had a "Order Completed" has had none for 30 days (once per spell of inactivity)"#)
        #expect(try journey(trigger: #"{"date": {"trait": "birthday", "anniversary": true, "offset_days": -7}}"#).trigger.sentence
            == #"every year, 7 days before the month and day of the trait "birthday" (Feb 29: Feb 28 in other years), on the customer's local day"#)
        #expect(try journey(trigger: #"{"replenishment": {"event": "Order Completed", "days_before": 10}}"#).trigger.sentence.hasPrefix("10 days before"))
        #expect(try journey(trigger: #"{"churn_risk_above": 0.6}"#).trigger.sentence.contains("0.6"))
    }
}
