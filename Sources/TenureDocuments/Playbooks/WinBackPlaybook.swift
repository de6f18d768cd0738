extension JourneyPlaybook {
    /// Win-back of valuable customers slipping away, with a unique single-use promo code.
    public static let winBack = JourneyPlaybook(
        id: "win-back",
        summary: "Win-back of valuable at-risk customers with a unique single-use promo code and one reminder.",
        documents: [
            .d2c: """
                format_version: 1
                name: Win-back
                description: When a valuable customer enters the at-risk segment, a unique 20% code valid for 30 days; five days later, a reminder if they have not ordered.
                group: reactivation
                trigger:
                  segment_entered: Valuable at risk
                entry: {once_per_days: 180}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 21}
                steps:
                  - id: code
                    promo_code: {generate: {prefix: "WB-", length: 8}, expires_days: 30, offer: "20% off your next order"}
                  - id: offer
                    send: {channel: webhook, template: win-back-offer, topic: offers, priority: 10}
                  - id: five days
                    wait: {days: 5, until: "10:00"}
                  - id: ordered?
                    branch:
                      if: 'count("Order Completed", last 5 days) >= 1'
                      then: done
                      else: reminder
                  - id: reminder
                    send: {channel: webhook, template: win-back-reminder, topic: offers}
                  - id: done
                    exit: true
                """,
            .ecommerce: """
                format_version: 1
                name: Win-back
                description: When a valuable customer enters the at-risk segment, a unique 15% code valid for 21 days; a week later, a reminder if they have not ordered.
                group: reactivation
                trigger:
                  segment_entered: Valuable at risk
                entry: {once_per_days: 120}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 21}
                steps:
                  - id: code
                    promo_code: {generate: {prefix: "COMEBACK-", length: 8}, expires_days: 21, offer: "15% off your next order"}
                  - id: offer
                    send: {channel: webhook, template: win-back-offer, topic: offers, priority: 10}
                  - id: a week
                    wait: {days: 7, until: "11:00"}
                  - id: ordered?
                    branch:
                      if: 'count("Order Completed", last 7 days) >= 1'
                      then: done
                      else: reminder
                  - id: reminder
                    send: {channel: webhook, template: win-back-reminder, topic: offers}
                  - id: done
                    exit: true
                """,
            .subscription: """
                format_version: 1
                name: Win-back
                description: Thirty days after a subscription is cancelled, an offer to come back with a unique code for a discounted first month.
                group: reactivation
                trigger:
                  cancellation: true
                entry: {once_per_days: 365}
                holdout: 0.1
                goal: {event: Subscription Started, within_days: 30}
                steps:
                  - id: thirty days
                    wait: {days: 30, until: "09:00"}
                  - id: code
                    promo_code: {generate: {prefix: "RETURN-", length: 8}, expires_days: 30, offer: "Your first month back at half price"}
                  - id: offer
                    send: {channel: webhook, template: win-back-offer, topic: offers, priority: 10}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Win-back
                description: A player who has not played for 14 days hears once about the newest content; a second message only if the first did not bring them back, then nothing for a month.
                group: reactivation
                trigger:
                  inactivity: {days: 14, event: Application Opened}
                entry: {once_per_days: 30}
                holdout: 0.1
                goal: {event: Application Opened, within_days: 7}
                steps:
                  - id: new content
                    send: {channel: webhook, template: new-content, topic: news}
                  - id: four days
                    wait: {days: 4, until: "18:00"}
                  - id: played?
                    branch:
                      if: 'count("Application Opened", last 4 days) >= 1'
                      then: done
                      else: gift
                  - id: gift
                    send: {channel: webhook, template: comeback-gift, topic: offers, when_capped: drop}
                  - id: done
                    exit: true
                """,
        ],
        segments: [
            "Valuable at risk": #"rfm in ["At risk", "Can't lose them"] or (churn_risk >= 0.6 and clv_52w >= 100)"#
        ])
}
