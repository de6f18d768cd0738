import Foundation
import Testing
import TenureCore

@Suite("Retention action rules")
struct RetentionActionTests {
    let rules = RetentionAction.Rules()

    func action(cancelled: Bool = false, risk: Double = 0.2, clv: Double = 10, since: Double? = 10, gap: Double? = 30,
                sessions: Int = 0, orders: Int = 0) -> RetentionAction {
        rules.action(subscriptionCancelled: cancelled, risk: risk, clv: clv, highValueCLV: 100,
                     daysSinceLastPurchase: since, meanPurchaseGapDays: gap, sessions30d: sessions, orders30d: orders)
    }

    @Test("first matching rule wins")
    func firstMatch() {
        #expect(action(cancelled: true, risk: 0.9, clv: 500) == .exitSurvey)
        #expect(action(risk: 0.9, clv: 500, since: 100) == .winBackOffer)
        #expect(action(risk: 0.3, clv: 500, since: 100) == .replenishmentReminder)
        #expect(action(since: 40, sessions: 5) == .browseAbandonmentOffer)
        #expect(action(since: 40, sessions: 5, orders: 1) == .checkInMessage)
        #expect(action(since: nil, gap: nil) == .checkInMessage)
    }
}
