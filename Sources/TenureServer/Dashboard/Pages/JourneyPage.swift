import Foundation
import TenureCore
import TenureStore

/// One journey's page: its status with the pause, resume and archive buttons, who enters and
/// what counts as success, the counts by arm, the steps as a flow with how many reached each,
/// and the treatment-against-control charts.
struct JourneyPage: Sendable {
    struct Figure: Sendable {
        var key: String
        var name: String
        var value: String
        var raw: Int
        var note: String
    }

    /// A status change the journey allows now: a form posting to `action`.
    struct Action: Sendable {
        var action: String
        var verb: String
        var label: String
        var className: String
    }

    var journeyName: String
    var status: String
    var statusText: String
    var version: Int
    var updated: String
    var description: String
    var group: String?
    var trigger: String
    var entry: String
    var goal: String
    var holdout: String
    var figures: [Figure]
    var flow: JourneyFlow
    var charts: [Chart]
    var upliftNote: String
    var actions: [Action]
    var hasActions: Bool
    var csrf: String

    init(_ j: SavedJourney, counts: JourneyCounts, report: JourneyReport?, csrf: String) {
        let d = j.definition
        journeyName = j.name
        status = j.status.rawValue
        statusText = JourneysPage.statusText(j.status)
        version = j.version
        updated = "\(j.updatedBy), \(DayNumber.isoString(DayNumber.day(of: j.updatedAt)))"
        description = d.description
        group = d.group.flatMap { $0.isEmpty ? nil : $0 }
        trigger = JourneyWords.trigger(d.trigger)
        entry = JourneyWords.entry(d.entry)
        goal = JourneyWords.goal(d.goal)
        holdout = JourneyWords.share(d.holdout) + " of entering customers receive nothing"
        let arm = { (a: JourneyArm) in counts.arms[a] ?? JourneyCounts.Arm() }
        let (t, h, g) = (arm(.treatment), arm(.holdout), arm(.globalControl))
        let entered = t.entered + h.entered + g.entered
        let messages = counts.messages.sorted { $0.key < $1.key }.map { "\(ChartFormat.grouped($0.value)) \($0.key)" }.joined(separator: ", ")
        figures = [
            Figure(key: "entered", name: "Entered", value: ChartFormat.grouped(entered), raw: entered,
                   note: "\(ChartFormat.grouped(t.entered)) treatment, \(ChartFormat.grouped(h.entered)) holdout, \(ChartFormat.grouped(g.entered)) global control"),
            Figure(key: "active", name: "In progress", value: ChartFormat.grouped(t.active + h.active + g.active), raw: t.active + h.active + g.active,
                   note: "customers still on a step"),
            Figure(key: "converted", name: "Converted", value: ChartFormat.grouped(t.converted + h.converted + g.converted), raw: t.converted + h.converted + g.converted,
                   note: d.goal == nil ? "no goal" : "\(ChartFormat.grouped(t.converted)) treatment, \(ChartFormat.grouped(h.converted + g.converted)) control"),
            Figure(key: "messages", name: "Messages", value: ChartFormat.grouped(counts.messages.values.reduce(0, +)), raw: counts.messages.values.reduce(0, +),
                   note: (messages.isEmpty ? "none queued" : messages) + "; \(ChartFormat.grouped(counts.withheld)) withheld from held-out customers"),
        ]
        flow = JourneyFlow(d, counts: counts, entered: entered)
        charts = report.map(UpliftChart.charts) ?? []
        upliftNote = report == nil
            ? "The treatment-against-control report needs the store's snapshot, which this server does not have."
            : "Control is every customer who entered and was sent nothing: the journey's holdout and the global control group. Retention and revenue count customers who entered long enough ago."
        var actions: [Action] = []
        switch j.status {
        case .active: actions.append(Action(action: "/journey/pause", verb: "pause", label: "Pause", className: ""))
        case .paused: actions.append(Action(action: "/journey/resume", verb: "resume", label: "Resume", className: ""))
        case .archived: break
        }
        if j.status != .archived { actions.append(Action(action: "/journey/archive", verb: "archive", label: "Archive", className: "secondary")) }
        self.actions = actions
        hasActions = !actions.isEmpty
        self.csrf = csrf
    }
}
