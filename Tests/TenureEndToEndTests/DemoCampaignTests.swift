import Foundation
import Testing
import TenureCore
import TenureStore

/// `tenure demo` runs its win-back journey end to end (segment → scheduler → outbox → channel →
/// simulated responses → ingestion → report) and prints the measured uplift next to the truth.
@Suite struct DemoCampaignTests {
    /// The signed decimals (`+0.071`, `-0.012`) of the first output line containing `label`.
    static func numbers(after label: String, in output: String) throws -> [Double] {
        let line = try #require(output.split(separator: "\n").first { $0.contains(label) }, "no \"\(label)\" line in:\n\(output)")
        return line.matches(of: /[+-]\d+\.\d+/).compactMap { Double(String($0.output).replacingOccurrences(of: "+", with: "")) }
    }

    @Test("the demo's win-back journey reports the measured uplift with its CI and the true uplift inside it, and stays in the store")
    func demoReportsUpliftAgainstTruth() async throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/demo.sqlite"
        let out = try TenureBinary.run([
            "demo", "--no-serve", "--customers", "3000", "--months", "12", "--seed", "7", "--end", "2026-06-30", "--database", database,
        ])
        let measured = try Self.numbers(after: "measured uplift", in: out)
        let truth = try Self.numbers(after: "true uplift", in: out)
        try #require(measured.count >= 3 && truth.count >= 1, "unexpected report:\n\(out)")
        let (uplift, lower, upper) = (measured[0], measured[1], measured[2])
        #expect(lower <= uplift && uplift <= upper && upper - lower < 0.5, "measured \(uplift) in [\(lower), \(upper)]")
        #expect(lower <= truth[0] && truth[0] <= upper, "the truth \(truth[0]) is outside [\(lower), \(upper)]:\n\(out)")
        #expect(out.contains("inside the CI") && out.contains("Qini coefficient"))
        // The shipped playbooks are in the store beside it, paused, with the segments they need.
        #expect(out.contains("playbooks          Onboarding, Replenishment, Win-back, Exit survey, Post-purchase, Loyalty upgrade installed, paused"), "\(out)")

        // The journey stays in the demo store (paused), with its treated and held-out entries.
        let store = try SQLiteStore(path: database)
        let journey = try #require(try await store.journey(named: "Win-back (demo)"))
        #expect(journey.status == .paused)
        let entries = try await store.journeyEntries(id: journey.id, at: Date())
        #expect(entries.contains { $0.arm == .treatment } && entries.contains { $0.arm == .holdout })
        #expect(entries.contains { $0.converted })
        let installed = try await store.journeys(includingArchived: false).filter { $0.name != "Win-back (demo)" }
        #expect(installed.count == 6 && installed.allSatisfy { $0.status == .paused })
        // The campaign's last day is the demo's: nothing happens after 2026-06-30.
        let counts = try await store.counts()
        #expect(try #require(counts.lastEvent) <= ISO8601Timestamp.parse("2026-06-30")!)
    }
}
