import ArgumentParser
import Foundation
import TenureCore
import TenureStore

/// `tenure segments …`: saved segments from the command line.
struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Define, inspect and refresh segments: customers who match an expression.",
        discussion: """
            Expressions read like: rfm in ["At risk", "Can't lose them"] and churn_risk >= 0.6 \
            and count("Order Completed", last 90 days, where category = "tea") >= 2 and not trait("plan") = "free"
            """,
        subcommands: [Create.self, Update.self, List.self, Show.self, Members.self, Count.self, Delete.self, Refresh.self])

    /// The evaluation day: `--as-of`, or today (UTC).
    struct DayOptions: ParsableArguments {
        @Option(name: .customLong("as-of"), help: "Evaluate on this day (YYYY-MM-DD, UTC); default today.")
        var asOf: String?

        func day() throws -> Int32 {
            guard let asOf else { return DayNumber.day(of: Date()) }
            guard let d = DayNumber.day(isoString: asOf) else { throw ValidationError("--as-of \(asOf): expected a date YYYY-MM-DD") }
            return d
        }
    }

    static func parse(_ text: String, known: Set<String>) throws -> SegmentExpression {
        do {
            return try SegmentExpression(parsing: text, knownSegments: known)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Members of `expression` (and of the saved segments it refers to), with the snapshot they index.
    static func evaluate(
        _ expression: SegmentExpression, store: SQLiteStore, asOf: Int32
    ) async throws -> (members: SegmentMembers, snapshot: StoreSnapshot) {
        let saved = try await store.segments()
        var definitions = try SegmentMembership.expressions(of: saved)
        let preview = "\u{0}preview"
        definitions[preview] = expression
        let snapshot = try await store.activitySnapshot()
        let scores = try await scores(for: SegmentRequirements(definitions.values), store: store, snapshot: snapshot, asOf: asOf)
        let (members, _) = try await SegmentMembership.evaluate(definitions, source: store, snapshot: snapshot, asOf: asOf, scores: scores)
        return (members[preview]!, snapshot)
    }

    /// Churn scores when an expression needs them: no server scored here, so the churn model is
    /// trained as `tenure at-risk` trains it (a customer it cannot score has no churn_risk).
    static func scores(for needs: SegmentRequirements, store: SQLiteStore, snapshot: StoreSnapshot, asOf: Int32) async throws -> CustomerScores? {
        guard !needs.metrics.isDisjoint(with: [.churnRisk, .expectedLoss]) else { return nil }
        FileHandle.standardError.write(Data("training the churn model for churn_risk / expected_loss …\n".utf8))
        let attributes = try await store.customerAttributes(of: snapshot)
        return try? AtRiskRanking(label: .standard(horizonDays: 90), cutoffDay: min(asOf, snapshot.activity.reportRange?.upperBound ?? asOf), limit: 0)
            .run(on: snapshot.activity, attributes: attributes).scores
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csv(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a segment.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The segment's name.") var name: String
        @Option(name: .customLong("where"), help: "The expression.") var expression: String
        @Option(help: "What the segment is for.") var description = ""
        @Option(help: "Who is making the change.") var by = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func run() async throws {
            let store = try database.open()
            let known = Set(try await store.segments().map(\.name))
            let e = try SegmentsCommand.parse(expression, known: known)
            let saved = try await store.createSegment(name: name, definition: e.description, description: description, by: by)
            print("created segment \(SegmentTextForm.quoted(saved.name)) (#\(saved.id)): \(saved.definition)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a saved segment's expression.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The segment's name.") var name: String
        @Option(name: .customLong("where"), help: "The new expression.") var expression: String
        @Option(help: "A new description.") var description: String?
        @Option(help: "Who is making the change.") var by = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func run() async throws {
            let store = try database.open()
            let known = Set(try await store.segments().map(\.name)).subtracting([name])
            let e = try SegmentsCommand.parse(expression, known: known)
            let saved = try await store.updateSegment(name: name, definition: e.description, description: description, by: by)
            print("updated segment \(SegmentTextForm.quoted(saved.name)): \(saved.definition)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved segments with their last recorded size.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for s in try await database.open().segments() {
                let size = s.memberCount.map { "\($0) members" } ?? "not evaluated yet"
                print("\(s.name)\t\(size)\t\(s.definition)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a saved segment: definition, history and current size.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var day: DayOptions
        @Argument(help: "The segment's name.") var name: String

        func run() async throws {
            let store = try database.open()
            guard let s = try await store.segment(named: name) else { throw ValidationError(SegmentStoreError.noSuchSegment(name).description) }
            let iso = ISO8601DateFormatter()
            print("segment      \(s.name) (#\(s.id))")
            print("where        \(s.definition)")
            if !s.description.isEmpty { print("description  \(s.description)") }
            print("created      \(iso.string(from: s.createdAt)) by \(s.createdBy)")
            print("updated      \(iso.string(from: s.updatedAt)) by \(s.updatedBy)")
            if let n = s.memberCount, let at = s.evaluatedAt { print("recorded     \(n) members at \(iso.string(from: at))") }
            let (members, _) = try await SegmentsCommand.evaluate(try s.expression(), store: store, asOf: try day.day())
            print("members now  \(members.count)")
        }
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the members of a saved segment, evaluated now.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var day: DayOptions
        @Argument(help: "The segment's name.") var name: String
        @Option(help: "table, csv or json.") var format: Format = .table
        @Option(help: "At most this many members (0: all).") var limit = 0
        @Option(help: "Skip this many members first.") var offset = 0

        func run() async throws {
            let store = try database.open()
            guard let s = try await store.segment(named: name) else { throw ValidationError(SegmentStoreError.noSuchSegment(name).description) }
            let (members, snapshot) = try await SegmentsCommand.evaluate(try s.expression(), store: store, asOf: try day.day())
            var ids = SegmentMembership.storeIds(members, in: snapshot)
            ids = Array(ids.dropFirst(max(0, offset)))
            if limit > 0 { ids = Array(ids.prefix(limit)) }
            let userIds = try await store.userIds(of: ids)
            switch format {
            case .table, .csv:
                print(format == .csv ? "customer_id,user_id" : "customer_id\tuser_id")
                for (id, user) in zip(ids, userIds) {
                    print(format == .csv ? "\(id),\(SegmentsCommand.csv(user ?? ""))" : "\(id)\t\(user ?? "(anonymous)")")
                }
            case .json:
                let rows = zip(ids, userIds).map { ["customer_id": JSONValue.number(Double($0)), "user_id": $1.map(JSONValue.string) ?? .null] }
                print(JSONWriter.string(["segment": .string(s.name), "total": .number(Double(members.count)), "members": .array(rows.map(JSONValue.object))]))
            }
        }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the customers matching an expression, without saving it.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var day: DayOptions
        @Argument(help: "The expression.") var expression: String

        func run() async throws {
            let store = try database.open()
            let known = Set(try await store.segments().map(\.name))
            let e = try SegmentsCommand.parse(expression, known: known)
            let (members, snapshot) = try await SegmentsCommand.evaluate(e, store: store, asOf: try day.day())
            print("\(members.count) of \(snapshot.customerIds.count) customers")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a saved segment.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The segment's name.") var name: String

        func run() async throws {
            guard try await database.open().deleteSegment(named: name) else {
                throw ValidationError(SegmentStoreError.noSuchSegment(name).description)
            }
            print("deleted segment \(SegmentTextForm.quoted(name))")
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate every saved segment now and record who entered and left (Segment Entered / Segment Exited events).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var day: DayOptions

        func run() async throws {
            let store = try database.open()
            let snapshot = try await store.activitySnapshot()
            let asOf = try day.day()
            let needs = SegmentRequirements(try SegmentMembership.expressions(of: try await store.segments()).values)
            let scores = try await SegmentsCommand.scores(for: needs, store: store, snapshot: snapshot, asOf: asOf)
            let outcomes = try await SegmentMembership.refresh(store: store, snapshot: snapshot, scores: scores, at: Date(), asOf: asOf)
            let names = Dictionary(uniqueKeysWithValues: try await store.segments().map { ($0.id, $0.name) })
            for o in outcomes {
                print("\(names[o.segmentId] ?? "#\(o.segmentId)")\t+\(o.transitions.entered.count) entered\t-\(o.transitions.exited.count) exited")
            }
        }
    }
}
