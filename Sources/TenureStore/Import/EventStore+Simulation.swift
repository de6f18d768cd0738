import TenureCore

extension EventStore {
    /// Writes a simulated business into the store in one transaction; `eachCustomer` sees every
    /// customer after their messages are written (for ground truth and progress).
    public func importSimulation(
        _ simulator: BusinessSimulator, eachCustomer: @escaping @Sendable (SimulatedCustomer) throws -> Void = { _ in }
    ) async throws -> SimulationSummary {
        try await bulkImport { session in
            try simulator.forEachCustomer { customer in
                for message in customer.messages { try session.write(message) }
                try eachCustomer(customer)
            }
        }
    }
}
