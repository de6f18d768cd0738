extension JourneyPlaybook {
    /// An exit survey when a customer cancels or closes their account, with one reminder.
    public static let exitSurvey = JourneyPlaybook(
        id: "exit-survey",
        summary: "Exit survey on cancellation: one short survey, one reminder, a thank-you to those who answer.",
        documents: [
            .d2c: """
                format_version: 1
                name: Exit survey
                description: When a subscription is cancelled, a two-question survey; a reminder after three days if there is no answer, a thank-you when there is.
                group: feedback
                trigger:
                  cancellation: true
                entry: {once_per_days: 90}
                holdout: 0.1
                steps:
                  - id: survey
                    send: {channel: webhook, template: exit-survey, topic: feedback}
                  - id: answered?
                    wait: {event: Survey Responded, days: 3, then: thanks, timeout: reminder}
                  - id: reminder
                    send: {channel: webhook, template: exit-survey-reminder, topic: feedback}
                    next: done
                  - id: thanks
                    send: {channel: webhook, template: exit-survey-thanks, topic: feedback, transactional: true}
                  - id: done
                    exit: true
                """,
            .ecommerce: """
                format_version: 1
                name: Exit survey
                description: When a customer closes their account, one survey asking why, and a thank-you to those who answer.
                group: feedback
                trigger:
                  event: Account Closed
                holdout: 0.1
                steps:
                  - id: survey
                    send: {channel: webhook, template: exit-survey, topic: feedback, transactional: true}
                  - id: answered?
                    wait: {event: Survey Responded, days: 7, then: thanks, timeout: done}
                  - id: thanks
                    send: {channel: webhook, template: exit-survey-thanks, topic: feedback, transactional: true}
                  - id: done
                    exit: true
                """,
            .subscription: """
                format_version: 1
                name: Exit survey
                description: When a policy or plan is cancelled, a survey on the reason (price, service, a competitor), a reminder after five days, a thank-you to those who answer. Success is a return within 60 days.
                group: feedback
                trigger:
                  cancellation: true
                entry: {once_per_days: 180}
                holdout: 0.1
                goal: {event: Subscription Started, within_days: 60}
                steps:
                  - id: survey
                    send: {channel: webhook, template: exit-survey, topic: feedback}
                  - id: answered?
                    wait: {event: Survey Responded, days: 5, then: thanks, timeout: reminder}
                  - id: reminder
                    send: {channel: webhook, template: exit-survey-reminder, topic: feedback}
                    next: done
                  - id: thanks
                    send: {channel: webhook, template: exit-survey-thanks, topic: feedback, transactional: true}
                  - id: done
                    exit: true
                """,
            .games: """
                format_version: 1
                name: Exit survey
                description: When a player deletes their account, one question on why; nothing more.
                group: feedback
                trigger:
                  event: Account Closed
                holdout: 0.1
                steps:
                  - id: survey
                    send: {channel: webhook, template: exit-survey, topic: feedback, transactional: true}
                  - id: done
                    exit: true
                """,
        ])
}
