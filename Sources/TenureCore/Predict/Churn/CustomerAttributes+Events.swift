import Foundation

extension CustomerAttributes {
    /// Track events whose properties may carry a survey score: Segment-style `Survey Responded`
    /// (what `tenure simulate` sends) and PostHog's `survey sent`.
    public static let surveyEventNames: Set<String> = [StandardEvent.surveyResponded, "survey sent"]

    /// Properties read for the score, the first one present wins: `score`, `nps`, `rating`, then
    /// PostHog's `$survey_response`.
    public static let surveyScoreProperties = ["score", "nps", "rating", "$survey_response"]

    /// The NPS answer (0–10) in a survey event's properties, or nil when the event is not one.
    ///
    /// The score is the first of ``surveyScoreProperties`` present, as a number or a numeric string,
    /// and must lie in 0…10. An event whose `survey` (or `survey_type`) property names another
    /// survey than `nps` (any case) is skipped: CSAT (1–5) and exit surveys (answered after
    /// leaving) are on other scales or ask other questions.
    public static func npsScore(properties: [String: JSONValue]) -> Float? {
        if let kind = (properties["survey"] ?? properties["survey_type"])?.stringValue, kind.lowercased() != "nps" { return nil }
        guard let key = surveyScoreProperties.first(where: { properties[$0] != nil }),
            let score = properties[key]?.doubleValue, score >= 0, score <= 10
        else { return nil }
        return Float(score)
    }

    /// Whether an `Order Completed` used a discount (Segment e-commerce spec): a positive `discount`
    /// (number or numeric string, in the order's currency) or a non-empty `coupon` code.
    public static func isDiscountedOrder(properties: [String: JSONValue]) -> Bool {
        if let discount = properties["discount"]?.doubleValue, discount > 0 { return true }
        if let coupon = properties["coupon"]?.identifierValue, !coupon.trimmingCharacters(in: .whitespaces).isEmpty { return true }
        return false
    }
}
