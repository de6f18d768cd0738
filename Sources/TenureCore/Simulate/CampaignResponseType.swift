/// How a simulated customer reacts to a retention campaign (a message or an offer): the four
/// classic uplift segments of Radcliffe & Surry (1999, "Differential response analysis: modeling
/// true response by isolating the effect of a single action", Credit Scoring and Credit Control
/// VI). Only the simulator knows it (``CustomerTruth/campaignResponse``); an uplift model has to
/// infer it from the customer's behaviour and the journey's randomized holdout.
public enum CampaignResponseType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Orders more often when contacted: the customers a campaign is for (positive uplift).
    case persuadable
    /// Orders anyway, contacted or not: a campaign spends money on them for nothing (no uplift).
    case sureThing = "sure_thing"
    /// Does not order either way (no uplift).
    case lostCause = "lost_cause"
    /// Orders less often when contacted: the reminder prompts them to leave (negative uplift).
    case sleepingDog = "sleeping_dog"
}
