import ArgumentParser
import Foundation
import TenureCore
import TenureDocuments
import TenureServer
import TenureStore

/// `tenure journeys …`: triggered campaigns from the command line. `tenure serve` runs them.
struct JourneysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Create, inspect, pause and report on journeys: triggered campaigns that `tenure serve` runs.",
        discussion: """
            A journey is a document in YAML or JSON: a trigger ({"event": "Signed Up"}, {"segment_entered": "At risk"}, \
            {"cancellation": true}, or scheduled: {"inactivity": {"days": 30}}, {"date": {"trait": "birthday", "anniversary": true}}, \
            {"replenishment": {"event": "Order Completed", "days_before": 10}}, {"churn_risk_above": 0.6}), steps (wait, branch, split, \
            send, update_traits, webhook, exit, promo_code), an optional goal \
            ({"event": "Order Completed", "within_days": 14}) and a holdout share (10% unless given). Saving a document \
            whose name exists adds a version; customers already inside finish the version they entered. \
            `tenure journeys playbooks` lists the journeys Tenure ships; `tenure journeys install NAME` saves one.
            """,
        subcommands: [Create.self, List.self, Show.self, Pause.self, Resume.self, Archive.self, Report.self, Playbooks.self, Install.self])

    static func read(_ path: String, store: SQLiteStore) async throws -> JourneyDefinition {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let segments = Set(try await store.segments().map(\.name))
        do {
            return try JourneyDocumentFile.definition(from: data, format: JourneyDocumentFile.Format(fileName: path), knownSegments: segments)
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
        @Argument(help: "The journey document (.yaml, .yml or .json; otherwise JSON when it starts with {).") var file: String
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
        @Option(help: "The document's format: json or yaml.") var format: DocumentFormat = .json

        func run() async throws {
            guard let journey = try await database.open().journey(named: name) else { throw ValidationError("there is no journey named \"\(name)\"") }
            if format == .yaml {
                print("# " + JourneysCommand.status(journey).replacingOccurrences(of: "\t", with: ", "))
                print("# Enters " + journey.definition.trigger.sentence + ".")
            } else {
                print(JourneysCommand.status(journey))
                print("Enters " + journey.definition.trigger.sentence + ".")
            }
            print(JourneyDocumentFile.text(of: journey.definition, format: format.format), terminator: "")
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
            let report = store.journeyReport(
                journey, snapshot: try await store.activitySnapshot(), at: now, entries: try await store.journeyEntries(id: journey.id, at: now),
                promoCodes: counts.promoCodes)
            print("treatment against control (\(report.treated) treated, \(report.control) control, 95% intervals):")
            if let conversion = report.conversion { print(JourneysCommand.line("goal conversion", conversion, percent: true)) }
            for n in JourneyReport.retentionDays { if let r = report.retention[n] { print(JourneysCommand.line("retained at \(n) days", r, percent: true)) } }
            print(JourneysCommand.line("revenue per customer, \(JourneyReport.revenueDays) days", report.revenuePerCustomer, percent: false))
            if journey.definition.steps.contains(where: { $0.kind == "promo_code" }) || report.promoCodes.issued > 0 { print(JourneysCommand.line(report.promoCodes)) }
        }
    }

    /// `promo codes  issued 120  redeemed 30  redemption rate 25.0%  used after expiry 2  used by another customer 1  pool exhausted 0`.
    static func line(_ p: JourneyReport.PromoCodes) -> String {
        "promo codes\tissued \(p.issued)\tredeemed \(p.redeemed)\tredemption rate \(p.redemptionRate.map { String(format: "%.1f%%", 100 * $0) } ?? "–")"
            + "\tused after expiry \(p.usedAfterExpiry)\tused by another customer \(p.usedByOtherCustomer)\tpool exhausted \(p.poolExhausted)"
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

/// `--format json|yaml` for journey documents.
enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case json
    case yaml

    var format: JourneyDocumentFile.Format { self == .json ? .json : .yaml }
}

extension JourneyIndustry: ExpressibleByArgument {}

extension JourneysCommand {
    struct Playbooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the journeys Tenure ships, with the industries each is written for.")

        func run() async throws {
            for playbook in JourneyPlaybook.all {
                print("\(playbook.id)\t\(playbook.industries.map(\.rawValue).joined(separator: ","))\t\(playbook.summary)")
            }
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a shipped journey (and the segments it needs), or print its document to edit.",
            discussion: "Playbooks: \(JourneyPlaybook.all.map(\.id).joined(separator: ", ")). Industries: d2c (the default), ecommerce, subscription, games.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The playbook (see `tenure journeys playbooks`).") var playbook: String
        @Option(help: "The business it is for: d2c, ecommerce, subscription or games.") var industry: JourneyIndustry = .d2c
        @Option(help: "The channel every message goes through (default: the playbook's, webhook).") var channel: String?
        @Option(help: "The journey's name (default: the playbook's).") var name: String?
        @Flag(help: "Print the document (YAML) instead of saving it.") var print = false
        @Option(help: "Who is saving it (kept with the version).") var by = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func run() async throws {
            guard let book = JourneyPlaybook.named(playbook) else {
                throw ValidationError("there is no playbook named \"\(playbook)\"; the playbooks are \(JourneyPlaybook.all.map(\.id).joined(separator: ", "))")
            }
            if print {
                let definition = try book.definition(for: industry, channel: channel, name: name)
                Swift.print(JourneyDocumentFile.text(of: definition, format: .yaml), terminator: "")
                return
            }
            let outcome = try await PlaybookInstaller(store: try database.open()).install(book, industry: industry, channel: channel, name: name, by: by)
            for segment in outcome.createdSegments { Swift.print("created segment \"\(segment)\"") }
            Swift.print(outcome.version == 1
                ? "installed \(outcome.playbook) (\(outcome.industry)) as journey \"\(outcome.journey)\" (active)"
                : "installed \(outcome.playbook) (\(outcome.industry)) as version \(outcome.version) of journey \"\(outcome.journey)\"")
        }
    }
}
