import Foundation
import TenureCore

/// Shared runs for the simulator tests, generated once per test process.
enum SimulationFixtures {
    /// 2026-01-01T00:00:00Z.
    static let end = Date(timeIntervalSince1970: 1_767_225_600)
    static let day = 86_400.0

    static func configuration(_ profile: SimulationProfile, customers: Int, seed: UInt64 = 7, months: Int = 12) -> SimulationConfiguration {
        SimulationConfiguration(customers: customers, months: months, profile: profile, seed: seed, end: end)
    }

    static func run(_ profile: SimulationProfile, customers: Int, seed: UInt64 = 7, months: Int = 12) -> [SimulatedCustomer] {
        let simulator = try! BusinessSimulator(configuration(profile, customers: customers, seed: seed, months: months))
        return Array(simulator)
    }

    static let d2c = run(.d2c, customers: 6_000)
    static let ecommerce = run(.ecommerce, customers: 6_000)
    static let subscription = run(.subscription, customers: 4_000)
    static let gaming = run(.gaming, customers: 4_000)

    static func all(_ profile: SimulationProfile) -> [SimulatedCustomer] {
        switch profile {
        case .d2c: d2c
        case .ecommerce: ecommerce
        case .subscription: subscription
        case .gaming: gaming
        }
    }

    static func isOrder(_ m: Message) -> Bool { m.kind == .track && m.name == StandardEvent.orderCompleted }
    static func isSessionStart(_ m: Message) -> Bool { m.kind == .page || (m.kind == .track && m.name == StandardEvent.applicationOpened) }
    static func number(_ m: Message, _ key: String) -> Double? { m.properties[key]?.doubleValue }
    static func isTrack(_ m: Message, _ name: String) -> Bool { m.kind == .track && m.name == name }

    /// Mean and standard error of a sample.
    static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }
}
