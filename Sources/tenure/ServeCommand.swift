import ArgumentParser
import Foundation
import Logging
import TenureServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the tracking API (Segment and PostHog compatible) and the JSON API.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port = 8080
    @Option(help: "Re-score every customer's churn risk at start and every this many minutes (0: never; at-risk then scores per request).")
    var rescoreMinutes = 60
    @Option(help: "Score with this saved churn model (`tenure model train --save`) instead of training at each run.") var model: String?

    func run() async throws {
        let logger = Logger(label: "tenure")
        let store = try database.open()
        try await runServer(
            configuration: ServerConfiguration(
                host: host, port: port,
                riskScoring: rescoreMinutes > 0
                    ? .init(interval: .seconds(60 * rescoreMinutes), modelFile: model.map { URL(fileURLWithPath: $0) }) : nil,
                riskScoresFile: URL(fileURLWithPath: database.database + ".risk-scores.json")),
            store: store, logger: logger,
            onServerRunning: { port in
                FileHandle.standardOutput.write(Data("tenure: listening on http://\(host):\(port)\n".utf8))
            })
    }
}
