import Foundation
import TenureCore

/// What the demo's win-back campaign did: who entered, what was measured, and the simulator's
/// truth to compare it with.
public struct DemoCampaignReport: Sendable {
    /// The journey, as saved in the demo store.
    public var journeyName: String
    /// The segment that triggered it, and its definition.
    public var segmentName: String
    public var segmentDefinition: String
    /// Customers who entered (treated and held out), and messages the channel received.
    public var entered: Int
    public var treated: Int
    public var control: Int
    public var delivered: Int
    /// `Order Completed` responses ingested through the store.
    public var responseOrders: Int
    /// The journey's own report (goal conversion, retention, revenue), on the day its goal windows closed.
    public var journey: JourneyReport
    /// The simulator's true average uplift in goal conversion over the customers who entered
    /// (a difference of shares, like ``JourneyReport/conversion``).
    public var trueUplift: Double
    /// Customers who entered, by their true campaign-response type.
    public var types: [CampaignResponseType: Int]
    /// The T-learner's Qini coefficient, cross-fitted on the journey's own treatment and control
    /// customers; `nil` when it could not be fitted (too few customers in an arm).
    public var qiniCoefficient: Double?
    /// Why ``qiniCoefficient`` is missing, when it is.
    public var qiniUnavailable: String?
    /// The same coefficient for a ranking by the true uplift: the best a model could do on these outcomes.
    public var oracleQiniCoefficient: Double?

    public init(
        journeyName: String, segmentName: String, segmentDefinition: String, entered: Int, treated: Int, control: Int, delivered: Int,
        responseOrders: Int, journey: JourneyReport, trueUplift: Double, types: [CampaignResponseType: Int], qiniCoefficient: Double?,
        qiniUnavailable: String?, oracleQiniCoefficient: Double?
    ) {
        self.journeyName = journeyName
        self.segmentName = segmentName
        self.segmentDefinition = segmentDefinition
        self.entered = entered
        self.treated = treated
        self.control = control
        self.delivered = delivered
        self.responseOrders = responseOrders
        self.journey = journey
        self.trueUplift = trueUplift
        self.types = types
        self.qiniCoefficient = qiniCoefficient
        self.qiniUnavailable = qiniUnavailable
        self.oracleQiniCoefficient = oracleQiniCoefficient
    }

    /// Whether the measured conversion uplift's interval contains the true uplift.
    public var intervalCoversTruth: Bool { journey.conversion?.interval?.contains(trueUplift) ?? false }

    /// The lines `tenure demo` prints, indented like the rest of its summary.
    public var lines: [String] {
        func signed(_ x: Double) -> String { String(format: "%+.3f", x) }
        var out = [
            "  win-back journey   \"\(journeyName)\" on segment \"\(segmentName)\": \(entered) entered (\(treated) treated, \(control) held out), \(delivered) messages, \(responseOrders) orders in the goal window"
        ]
        if let c = journey.conversion, let uplift = c.uplift, let interval = c.interval {
            let rates = "\(String(format: "%.1f%%", (c.treatment.value ?? 0) * 100)) treated vs \(String(format: "%.1f%%", (c.control.value ?? 0) * 100)) held out"
            out.append("    measured uplift  \(signed(uplift)) conversion (95% CI \(signed(interval.lower)) … \(signed(interval.upper)); \(rates))")
        } else {
            out.append("    measured uplift  unavailable: \(journey.conversion?.unavailable?.description ?? "the journey has no goal")")
        }
        let mix = CampaignResponseType.allCases.map { "\(types[$0, default: 0]) \($0.rawValue.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
        out.append("    true uplift      \(signed(trueUplift)) (\(intervalCoversTruth ? "inside" : "outside") the CI; simulator's truth: \(mix))")
        if let q = qiniCoefficient {
            let oracle = oracleQiniCoefficient.map { String(format: "%.3f", $0) } ?? "-"
            out.append("    uplift model     T-learner Qini coefficient \(String(format: "%.3f", q)) (cross-fitted on the journey's treatment/control; ranking by the true uplift: \(oracle))")
        } else {
            out.append("    uplift model     unavailable: \(qiniUnavailable ?? "not fitted")")
        }
        return out
    }
}
