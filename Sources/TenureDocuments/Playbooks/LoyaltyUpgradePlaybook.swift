extension JourneyPlaybook {
    /// An invitation to the next loyalty tier for customers who are close to it.
    public static let loyaltyUpgrade = JourneyPlaybook(
        id: "loyalty-upgrade",
        summary: "Invitation to the next tier for customers close to it, with a reminder a week later.",
        documents: [
            .d2c: """
                format_version: 1
                name: Loyalty upgrade
                description: When a customer becomes a potential loyalist (recent, repeat orders), an invitation to the next tier; a reminder after a week if they have not ordered again.
                group: loyalty
                trigger:
                  segment_entered: Loyalty upgrade candidates
                entry: {once_per_days: 90}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 30}
                steps:
                  - id: invitation
                    send: {channel: webhook, template: loyalty-upgrade, topic: loyalty}
                  - id: a week
                    wait: {days: 7, until: "10:00"}
                  - id: ordered?
                    branch:
                      if: 'count("Order Completed", last 7 days) >= 1'
                      then: done
                      else: reminder
                  - id: reminder
                    send: {channel: webhook, template: loyalty-upgrade-reminder, topic: loyalty}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Loyalty upgrade
                description: When a player is close to the next tier, one message on what it unlocks. Once a month at most.
                group: loyalty
                trigger:
                  segment_entered: Loyalty upgrade candidates
                entry: {once_per_days: 30}
                holdout: 0.1
                goal: {event: Order Completed, within_days: 14}
                steps:
                  - id: invitation
                    send: {channel: webhook, template: loyalty-upgrade, topic: loyalty}
                  - id: done
                    exit: true
                """,
        ],
        segments: [
            "Loyalty upgrade candidates": #"rfm in ["Potential loyalist", "Loyal"] and count("Order Completed", last 90 days) >= 2"#
        ])
}
