import ArgumentParser

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Simulate a shop, summarise it and serve it.")
    func run() async throws { throw ValidationError("demo: not available yet") }
}
