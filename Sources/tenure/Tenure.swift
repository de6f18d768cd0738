import ArgumentParser
import Logging

@main
struct Tenure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "Customer retention and churn management: collect, measure, predict, segment, act.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, ImportCommand.self, SimulateCommand.self, ReportCommand.self, AtRiskCommand.self, ModelCommand.self, KeysCommand.self, UsersCommand.self, SegmentsCommand.self, JourneysCommand.self, TemplatesCommand.self, OutboxCommand.self, PromoCommand.self,
            BenchCommand.self,
        ])

    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
