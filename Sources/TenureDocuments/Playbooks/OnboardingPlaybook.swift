extension JourneyPlaybook {
    /// A welcome series: a welcome at once, tips after two days, and a nudge towards the first
    /// order (or the first week of use) for those who have not got there.
    public static let onboarding = JourneyPlaybook(
        id: "onboarding",
        summary: "Welcome series for new customers: welcome, tips, then a first-order nudge with a code for those who have not bought.",
        documents: [
            .d2c: """
                format_version: 1
                name: Onboarding
                description: A welcome on the day a customer signs up, brewing tips two days later, and a first-order code a week in for those who have not ordered.
                group: onboarding
                trigger:
                  date: {signup: true, offset_days: 0}
                entry: once
                holdout: 0.1
                goal: {event: Order Completed, within_days: 14}
                steps:
                  - id: welcome
                    send: {channel: webhook, template: onboarding-welcome, topic: onboarding}
                  - id: two days
                    wait: {days: 2, until: "10:00"}
                  - id: tips
                    send: {channel: webhook, template: onboarding-tips, topic: onboarding}
                  - id: five days
                    wait: {days: 5, until: "10:00"}
                  - id: ordered?
                    branch:
                      if: 'count("Order Completed", ever) >= 1'
                      then: done
                      else: first-order code
                  - id: first-order code
                    promo_code: {generate: {prefix: "HELLO-", length: 8}, expires_days: 14, offer: "10% off your first order"}
                  - id: first-order nudge
                    send: {channel: webhook, template: onboarding-first-order, topic: onboarding}
                  - id: done
                    exit: true
                """,
            .ecommerce: """
                format_version: 1
                name: Onboarding
                description: A welcome on sign-up, the best sellers two days later, and a first-order code after a week for those who have only browsed.
                group: onboarding
                trigger:
                  date: {signup: true, offset_days: 0}
                entry: once
                holdout: 0.1
                goal: {event: Order Completed, within_days: 21}
                steps:
                  - id: welcome
                    send: {channel: webhook, template: onboarding-welcome, topic: onboarding}
                  - id: two days
                    wait: {days: 2, until: "11:00"}
                  - id: best sellers
                    send: {channel: webhook, template: onboarding-best-sellers, topic: onboarding}
                  - id: five days
                    wait: {days: 5, until: "11:00"}
                  - id: ordered?
                    branch:
                      if: 'count("Order Completed", ever) >= 1'
                      then: done
                      else: first-order code
                  - id: first-order code
                    promo_code: {generate: {prefix: "WELCOME-", length: 8}, expires_days: 14, offer: "15% off your first order"}
                  - id: first-order nudge
                    send: {channel: webhook, template: onboarding-first-order, topic: onboarding}
                  - id: done
                    exit: true
                """,
            .subscription: """
                format_version: 1
                name: Onboarding
                description: A welcome when a subscription starts, a getting-started guide three days later, and a check-in after the first week for those who have not come back.
                group: onboarding
                trigger:
                  event: Subscription Started
                entry: once
                holdout: 0.1
                goal: {event: Subscription Renewed, within_days: 45}
                steps:
                  - id: welcome
                    send: {channel: webhook, template: onboarding-welcome, topic: onboarding}
                  - id: three days
                    wait: {days: 3, until: "09:00"}
                  - id: getting started
                    send: {channel: webhook, template: onboarding-getting-started, topic: onboarding}
                  - id: four days
                    wait: {days: 4, until: "09:00"}
                  - id: active?
                    branch:
                      if: 'count("Application Opened", last 7 days) >= 2'
                      then: done
                      else: check-in
                  - id: check-in
                    send: {channel: webhook, template: onboarding-check-in, topic: onboarding}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Onboarding
                description: One welcome on the first day and, only for players who did not come back the next day, one reminder of what is waiting for them. Two messages at most.
                group: onboarding
                trigger:
                  date: {signup: true, offset_days: 0}
                entry: once
                holdout: 0.1
                goal: {event: Application Opened, within_days: 3}
                steps:
                  - id: welcome
                    send: {channel: webhook, template: onboarding-welcome, topic: onboarding}
                  - id: next day
                    wait: {days: 1, until: "18:00"}
                  - id: came back?
                    branch:
                      if: 'count("Application Opened", last 1 days) >= 1'
                      then: done
                      else: reminder
                  - id: reminder
                    send: {channel: webhook, template: onboarding-come-back, topic: onboarding}
                  - id: done
                    exit: true
                """,
        ])
}
