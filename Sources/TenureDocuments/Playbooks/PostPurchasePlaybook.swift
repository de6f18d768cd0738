extension JourneyPlaybook {
    /// A recommendation a few days after an order. Until recommendations are built, the
    /// template receives the order's products and shows a fixed list beside them.
    public static let postPurchase = JourneyPlaybook(
        id: "post-purchase",
        summary: "Recommendations a few days after an order (a placeholder list until recommendations ship).",
        documents: [
            .d2c: """
                format_version: 1
                name: Post-purchase
                description: Three days after an order, what goes well with it. At most once a month per customer.
                group: cross-sell
                trigger:
                  event: Order Completed
                entry: {once_per_days: 30}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 30}
                steps:
                  - id: three days
                    wait: {days: 3, until: "10:00"}
                  - id: recommendations
                    send: {channel: webhook, template: post-purchase-recommendations, topic: recommendations}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Post-purchase
                description: A day after a purchase, one message about content that goes with it. At most once every two weeks.
                group: cross-sell
                trigger:
                  event: Order Completed
                entry: {once_per_days: 14}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 14}
                steps:
                  - id: next day
                    wait: {days: 1, until: "18:00"}
                  - id: recommendations
                    send: {channel: webhook, template: post-purchase-recommendations, topic: recommendations}
                  - id: done
                    exit: true
                """,
        ])
}
