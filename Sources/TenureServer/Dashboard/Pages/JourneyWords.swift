import Foundation
import TenureCore

/// A journey's parts in plain words for the dashboard: its trigger, entry rule, goal, and what
/// each step does. The words are text, escaped by the template (or by the flow diagram's SVG).
enum JourneyWords {
    static func trigger(_ trigger: JourneyTrigger) -> String {
        switch trigger {
        case .event(let name, let filter): "When a customer sends “\(name)”" + Self.filter(filter)
        case .segmentEntered(let segment): "When a customer enters the segment “\(segment)”"
        case .segmentExited(let segment): "When a customer leaves the segment “\(segment)”"
        case .cancellation(let filter): "When a customer cancels a subscription" + Self.filter(filter)
        case .inactivity, .date, .replenishment, .churnRiskAbove:
            // The scheduled triggers' own sentence (also what `tenure journeys show` prints), capitalised.
            trigger.sentence.prefix(1).uppercased() + trigger.sentence.dropFirst()
        }
    }

    static func entry(_ rule: JourneyEntryRule) -> String {
        switch rule {
        case .onceEver: "Once per customer, ever"
        case .oncePerDays(let days): "Again after \(days == 1 ? "a day" : "\(days) days") since the last entry"
        case .whenNotActive: "Whenever the trigger fires while the customer is not in the journey"
        }
    }

    static func goal(_ goal: JourneyGoal?) -> String {
        guard let goal else { return "No goal: conversion is not measured" }
        return "Sends “\(goal.event)”\(filter(goal.filter)) within \(goal.withinDays == 1 ? "a day" : "\(goal.withinDays) days") of entering"
    }

    /// ` where a = 1 and b > 2`, or nothing without tests.
    static func filter(_ filter: [SegmentPropertyCondition]) -> String {
        filter.isEmpty ? "" : " where " + filter.map(\.description).joined(separator: " and ")
    }

    /// `2 days`, `3 hours`, `90 seconds`; total for any stored value.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "a long time" }
        let whole = Int(seconds.rounded())
        func unit(_ n: Int, _ name: String) -> String { n == 1 ? "1 \(name)" : "\(n) \(name)s" }
        if whole >= 86_400, whole % 86_400 == 0 { return unit(whole / 86_400, "day") }
        if whole >= 3_600, whole % 3_600 == 0 { return unit(whole / 3_600, "hour") }
        if whole >= 60, whole % 60 == 0 { return unit(whole / 60, "minute") }
        return unit(whole, "second")
    }

    /// What a wait waits for.
    static func wait(_ wait: JourneyWait) -> String {
        if let event = wait.event {
            return "Until “\(event.name)”\(filter(event.filter)), at most \(duration(wait.seconds))"
        }
        var parts: [String] = []
        if wait.seconds > 0 { parts.append(duration(wait.seconds)) }
        if let minute = wait.untilMinuteOfDay {
            let m = min(max(minute, 0), 1439)
            parts.append("until \(String(format: "%02d:%02d", m / 60, m % 60)) in the customer's time zone")
        }
        return parts.isEmpty ? "No wait" : "Wait " + parts.joined(separator: ", then ")
    }

    /// The step's kind as a heading word.
    static func kindName(_ step: JourneyStep) -> String {
        switch step.action {
        case .wait(let w): w.event == nil ? "Wait" : "Wait for event"
        case .branch: "Branch"
        case .split: "Split"
        case .send: "Send"
        case .updateTraits: "Update traits"
        case .webhook: "Webhook"
        case .exit: "Exit"
        case .promoCode: "Promo code"
        }
    }

    /// What the step does, in one line.
    static func detail(_ step: JourneyStep) -> String {
        switch step.action {
        case .wait(let w): wait(w)
        case .branch(let condition, _, _): "If \(condition.description)"
        case .split(let paths): "At random: " + paths.map { share($0.share) }.joined(separator: " / ")
        case .send(let s): "“\(s.template)” by \(s.channel)" + (s.transactional ? " (transactional)" : " (topic \(s.topic))")
        case .updateTraits(let traits): "Set " + traits.keys.sorted().joined(separator: ", ")
        case .webhook(let url): "Call \(url)"
        case .exit: "End the journey"
        case .promoCode(let p):
            {
                let source = switch p.source {
                case .pool(let pool): "from pool “\(pool)”"
                case .generate(let prefix, let length): "generated (\(prefix.isEmpty ? "" : prefix + "…, ")\(length) characters)"
                }
                return "A unique code \(source), valid \(p.expiresDays) days" + (p.offer.map { ": \($0)" } ?? "")
            }()
        }
    }

    /// A share 0–1 as a whole percentage (one decimal when not whole).
    static func share(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        let percent = share * 100
        return abs(percent - percent.rounded()) < 0.05 ? ChartFormat.percent(0).string(share) : ChartFormat.percent(1).string(share)
    }
}
