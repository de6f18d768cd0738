import ArgumentParser
import Foundation
import TenureCore
import TenureStore

/// `tenure journeys …`: triggered campaigns from the command line. `tenure serve` runs them.
struct JourneysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Create, inspect, pause and report on journeys: triggered campaigns that `tenure serve` runs.",
        discussion: """
            A journey is a JSON document: a trigger ({"event": "Signed Up"}, {"segment_entered": "At risk"}, \
            {"cancellation": true}, or scheduled: {"inactivity": {"days": 30}}, {"date": {"trait": "birthday", "anniversary": true}}, \
            {"replenishment": {"event": "Order Completed", "days_before": 10}}, {"churn_risk_above": 0.6}), steps (wait, branch, split, send, update_traits, webhook, exit), an optional goal \
            ({"event": "Order Completed", "within_days": 14}) and a holdout share (10% unless given). Saving a document \
            whose name exists adds a version; customers already inside finish the version they entered.
            """,
        subcommands: [Create.self, List.self, Show.self, Pause.self, Resume.self, Archive.self, Report.self])

    static func read(_ path: String, store: SQLiteStore) async throws -> JourneyDefinition {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let segments = Set(try await store.segments().map(\.name))
        do {
            return try JourneyDefinition(jsonData: data, knownSegments: segments)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    static func status(_ journey: SavedJourney) -> String {
        "\(journey.name)\t\(journey.status.rawValue)\tversion \(journey.version)"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a journey document (a new journey, or a new version of one).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The journey document (JSON).") var file: String
        @Option(help: "Who is saving it (kept with the version).") var by = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func run() async throws {
            let store = try database.open()
            let definition = try await JourneysCommand.read(file, store: store)
            let saved = try await store.saveJourney(definition, by: by)
            print(saved.version == 1 ? "created journey \"\(saved.name)\" (active)" : "saved version \(saved.version) of journey \"\(saved.name)\"")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List journeys with their status and version.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Include archived journeys.") var archived = false

        func run() async throws {
            for journey in try await database.open().journeys(includingArchived: archived) { print(JourneysCommand.status(journey)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a journey's current document.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            guard let journey = try await database.open().journey(named: name) else { throw ValidationError("there is no journey named \"\(name)\"") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(JourneysCommand.status(journey))
            print("Enters " + journey.definition.trigger.sentence + ".")
            print(String(decoding: try encoder.encode(journey.definition.json), as: UTF8.self))
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop enrolling and running a journey; customers keep their place.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        func run() async throws { print(JourneysCommand.status(try await database.open().setJourneyStatus(named: name, to: .paused, by: "cli"))) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a paused journey again (late steps run at once).")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        func run() async throws { print(JourneysCommand.status(try await database.open().setJourneyStatus(named: name, to: .active, by: "cli"))) }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a journey for good: customers inside leave it, nothing more is sent.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        func run() async throws { print(JourneysCommand.status(try await database.open().setJourneyStatus(named: name, to: .archived, by: "cli"))) }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A journey's entries, steps, messages and goal conversions, treatment against control.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            let store = try database.open()
            guard let journey = try await store.journey(named: name) else { throw ValidationError("there is no journey named \"\(name)\"") }
            let counts = try await store.journeyCounts(id: journey.id, at: Date())
            print(JourneysCommand.status(journey))
            for (label, arm) in [("treatment", JourneyArm.treatment), ("holdout", .holdout), ("global control", .globalControl)] {
                let a = counts.arms[arm] ?? .init()
                guard a.entered > 0 || arm != .globalControl else { continue }
                print("\(label)\tentered \(a.entered)\tactive \(a.active)\tconverted \(a.converted)\tgoal window closed \(a.decided)")
            }
            for step in journey.definition.steps { print("step \(step.id)\t\(step.kind)\truns \(counts.steps[step.id] ?? 0)") }
            print("messages\t" + counts.messages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\t") + "\twithheld \(counts.withheld)")
            let now = Date()
            let report = try await store.journeyReport(journey, snapshot: try await store.activitySnapshot(), at: now)
            print("treatment against control (\(report.treated) treated, \(report.control) control, 95% intervals):")
            if let conversion = report.conversion { print(JourneysCommand.line("goal conversion", conversion, percent: true)) }
            for n in JourneyReport.retentionDays { if let r = report.retention[n] { print(JourneysCommand.line("retained at \(n) days", r, percent: true)) } }
            print(JourneysCommand.line("revenue per customer, \(JourneyReport.revenueDays) days", report.revenuePerCustomer, percent: false))
        }
    }

    /// `goal conversion  treatment 12.0% of 900  control 9.5% of 100  uplift +2.5 points [−3.1, +8.0]  not significant`.
    static func line(_ label: String, _ e: UpliftEstimate, percent: Bool) -> String {
        func value(_ x: Double?) -> String {
            guard let x else { return "–" }
            return percent ? String(format: "%.1f%%", 100 * x) : String(format: "%.2f", x)
        }
        func signed(_ x: Double) -> String { String(format: "%+.\(percent ? 1 : 2)f", percent ? 100 * x : x) }
        var text = "\(label)\ttreatment \(value(e.treatment.value)) of \(e.treatment.customers)\tcontrol \(value(e.control.value)) of \(e.control.customers)"
        if let uplift = e.uplift, let interval = e.interval {
            text += "\tuplift \(signed(uplift))\(percent ? " points" : "") [\(signed(interval.lower)), \(signed(interval.upper))]\t"
            text += e.isSignificant ? "significant" : "not significant"
        } else {
            text += "\tuplift not available" + (e.unavailable.map { ": \($0)" } ?? "")
        }
        return text
    }
}
