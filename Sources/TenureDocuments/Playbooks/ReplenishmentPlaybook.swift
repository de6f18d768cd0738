extension JourneyPlaybook {
    /// A reminder before a customer's usual supply runs out ("your tea runs out in about 10
    /// days"), from the interval of their own orders.
    public static let replenishment = JourneyPlaybook(
        id: "replenishment",
        summary: "Reminder before a customer's usual supply runs out, from the interval of their own orders.",
        documents: [
            .d2c: """
                format_version: 1
                name: Replenishment
                description: Ten days before a customer's tea usually runs out (the median gap between their own tea orders), a reminder; three days later a second one if they have not reordered.
                group: replenishment
                trigger:
                  replenishment: {event: Order Completed, where: '"products.category" = "Tea"', days_before: 10, min_orders: 2}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 14}
                steps:
                  - id: reminder
                    send: {channel: webhook, template: replenishment-reminder, topic: reminders}
                  - id: three days
                    wait: {days: 3, until: "10:00"}
                  - id: reordered?
                    branch:
                      if: 'count("Order Completed", last 3 days) >= 1'
                      then: done
                      else: last call
                  - id: last call
                    send: {channel: webhook, template: replenishment-last-call, topic: reminders}
                  - id: done
                    exit: true
                """,
            .ecommerce: """
                format_version: 1
                name: Replenishment
                description: A week before a customer's usual beauty order runs out (the median gap between their own orders of it), a one-click reorder reminder.
                group: replenishment
                trigger:
                  replenishment: {event: Order Completed, where: '"products.category" = "Beauty"', days_before: 7, min_orders: 2}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 14}
                steps:
                  - id: reminder
                    send: {channel: webhook, template: replenishment-reminder, topic: reminders}
                  - id: done
                    exit: true
                """,
            .subscription: """
                format_version: 1
                name: Replenishment
                description: Before a customer's usual top-up or renewal interval runs out, a reminder that keeps the service going.
                group: replenishment
                trigger:
                  replenishment: {event: Subscription Renewed, days_before: 5, min_orders: 2}
                holdout: 0.1
                goal: {event: Subscription Renewed, within_days: 14}
                steps:
                  - id: reminder
                    send: {channel: webhook, template: renewal-reminder, topic: reminders, transactional: false}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Replenishment
                description: When a player's usual gap between purchases is about to pass, one message about what is new in the store. Once a month at most.
                group: replenishment
                trigger:
                  replenishment: {event: Order Completed, days_before: 2, min_orders: 3}
                entry: {once_per_days: 30}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 7}
                steps:
                  - id: new in store
                    send: {channel: webhook, template: store-new-content, topic: offers}
                  - id: done
                    exit: true
                """,
        ])
}
