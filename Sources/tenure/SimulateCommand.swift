import ArgumentParser

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Simulate a business into the store.")
    func run() async throws { throw ValidationError("simulate: not available yet") }
}
