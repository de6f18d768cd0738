import Foundation

extension JourneyPlaybook {
    /// Every playbook Tenure ships, in the order `tenure journeys playbooks` lists them.
    public static let all: [JourneyPlaybook] = [.onboarding, .replenishment, .winBack, .exitSurvey, .postPurchase, .loyaltyUpgrade]

    /// The playbook `install` names (case-insensitive; `winback` and `win_back` also read as
    /// `win-back`).
    public static func named(_ name: String) -> JourneyPlaybook? {
        let wanted = name.lowercased().replacingOccurrences(of: "_", with: "-")
        return all.first { $0.id == wanted || $0.id.replacingOccurrences(of: "-", with: "") == wanted }
    }
}
