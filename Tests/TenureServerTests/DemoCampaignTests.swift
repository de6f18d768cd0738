import Foundation
import Logging
import Testing
import TenureCore
import TenureServer
import TenureStore

/// The demo's win-back campaign as a library, over an in-memory store.
@Suite("Demo campaign over a simulated store")
struct DemoCampaignLibraryTests {
    /// 2026-06-30T00:00:00Z minus the campaign: the history ends 15 days before.
    static let historyEnd = DemoCampaign.historyEnd(campaignEnd: Date(timeIntervalSince1970: 1_782_777_600))

    static func run(customers: Int) async throws -> (DemoCampaignReport, SQLiteStore) {
        let store = try SQLiteStore.inMemory()
        let simulator = try BusinessSimulator(SimulationConfiguration(customers: customers, months: 12, profile: .d2c, seed: 11, end: historyEnd))
        _ = try await store.importSimulation(simulator)
        return (try await DemoCampaign(store: store, simulator: simulator, logger: Logger(label: "test")).run(), store)
    }

    @Test("2,000 customers: the journey's report measures the uplift, its CI covers the truth, and the T-learner is evaluated")
    func measuresAgainstTruth() async throws {
        let (report, store) = try await Self.run(customers: 2_000)
        #expect(report.entered > 100 && report.entered == report.treated + report.control)
        #expect(report.delivered == report.treated && report.responseOrders > 0)
        let conversion = try #require(report.journey.conversion)
        #expect(conversion.treatment.customers + conversion.control.customers == report.entered, "every goal window has closed")
        #expect(report.intervalCoversTruth, "truth \(report.trueUplift), measured \(conversion.uplift ?? .nan) \(String(describing: conversion.interval))")
        #expect(report.trueUplift > 0 && report.types.values.reduce(0, +) == report.entered)
        #expect(report.qiniCoefficient != nil && report.oracleQiniCoefficient != nil, "\(report.qiniUnavailable ?? "")")
        #expect(report.lines.count == 4 && report.lines[2].contains("true uplift"))
        #expect(try await store.journey(named: DemoCampaign.journeyName)?.status == .paused)
    }

    @Test("a shop too small for the segment still reports, saying what is missing")
    func tinyShop() async throws {
        let (report, _) = try await Self.run(customers: 3)
        #expect(report.entered == report.treated + report.control)
        #expect(report.lines.count == 4)
        if report.entered == 0 {
            #expect(report.lines[1].contains("unavailable") && report.qiniCoefficient == nil && report.trueUplift == 0)
        }
    }
}
