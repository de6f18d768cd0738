import Foundation
import TenureCore
import TenureStore

/// The journeys list: each journey's status, version, trigger in words, how many entered, are in
/// it now and converted, its conversion uplift with the 95% interval and whether it is
/// significant, and its holdout share; an empty state that says how to create one.
struct JourneysPage: Sendable {
    struct Row: Sendable {
        var name: String
        var link: String
        var status: String
        var statusText: String
        var version: Int
        var trigger: String
        var entered: String
        var enteredRaw: Int
        var inProgress: String
        var inProgressRaw: Int
        var converted: String
        var convertedRaw: Int
        var uplift: String
        /// The uplift as a share (0.03 = 3 points) for sorting; empty without one.
        var upliftRaw: String
        var interval: String?
        var significance: String
        var significant: Bool
        var holdout: String
    }

    /// Why journeys cannot be shown (a store that keeps none), else nil.
    var unavailable: String?
    var rows: [Row]
    /// Stored, not computed: templates see stored properties only.
    var hasRows: Bool
    var showingArchived: Bool
    var archivedLink: String
    var archivedLinkText: String

    init(unavailable: String?, rows: [Row], showingArchived: Bool) {
        self.unavailable = unavailable
        self.rows = rows
        hasRows = !rows.isEmpty
        self.showingArchived = showingArchived
        archivedLink = showingArchived ? "/journeys" : "/journeys?archived=true"
        archivedLinkText = showingArchived ? "Hide archived journeys" : "Show archived journeys too"
    }

    static func statusText(_ status: JourneyStatus) -> String {
        switch status {
        case .active: "Active"
        case .paused: "Paused"
        case .archived: "Archived"
        }
    }

    static func link(_ name: String) -> String { "/journey?name=" + SegmentEditorPage.queryValue(name) }

    static func row(_ j: SavedJourney, counts: JourneyCounts, report: JourneyReport?) -> Row {
        let arms = counts.arms.values
        let entered = arms.reduce(0) { $0 + $1.entered }, active = arms.reduce(0) { $0 + $1.active }
        let converted = arms.reduce(0) { $0 + $1.converted }
        let conversion = report?.conversion
        var significance = report == nil ? "–" : UpliftChart.significance(conversion)
        if j.definition.goal == nil { significance = "no goal" }
        return Row(
            name: j.name, link: link(j.name), status: j.status.rawValue, statusText: statusText(j.status), version: j.version,
            trigger: JourneyWords.trigger(j.definition.trigger), entered: ChartFormat.grouped(entered), enteredRaw: entered,
            inProgress: ChartFormat.grouped(active), inProgressRaw: active, converted: ChartFormat.grouped(converted), convertedRaw: converted,
            uplift: UpliftChart.upliftText(conversion, percent: true), upliftRaw: conversion?.uplift.map { String($0) } ?? "",
            interval: UpliftChart.intervalText(conversion, percent: true), significance: significance,
            significant: conversion?.isSignificant ?? false, holdout: JourneyWords.share(j.definition.holdout))
    }
}
