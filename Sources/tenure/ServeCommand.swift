import ArgumentParser
import Foundation
import Logging
import TenureChannels
import TenureCore
import TenureServer
import TenureStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the tracking API (Segment and PostHog compatible) and the JSON API.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port = 8080
    @Option(help: "Re-score every customer's churn risk at start and every this many minutes (0: never; at-risk then scores per request).")
    var rescoreMinutes = 60
    @Option(help: "Score with this saved churn model (`tenure model train --save`) instead of training at each run.") var model: String?
    @Option(help: "Post journeys' messages for the `webhook` channel to this URL (its HMAC secret from TENURE_WEBHOOK_SECRET, if set).")
    var webhook: String?
    @Option(help: "Messages per webhook request (1: one request per message; more: {\"messages\": [...]} batches).") var webhookBatch = 1
    @Option(help: "Send journeys' messages for the `email` channel through this SMTP server (with --email-from).") var smtpHost: String?
    @Option(help: "The SMTP server's port (587: submission; 25: relay).") var smtpPort = 587
    @Option(help: "STARTTLS: required (refuse to send in clear), optional (when offered) or never.") var smtpStarttls = "required"
    @Option(help: "The SMTP login (AUTH PLAIN or LOGIN), its password from TENURE_SMTP_PASSWORD.") var smtpUser: String?
    @Option(help: "SMTP sessions kept open at once, each reused for many messages.") var smtpConnections = 4
    @Option(help: "The sender of emails, as address or \"Name <address>\"; its domain names the Message-IDs.") var emailFrom: String?
    @Option(help: "A List-Unsubscribe URL for every email (https: or mailto:; {user_id} and {message_id} are filled in). Repeatable.")
    var emailUnsubscribe: [String] = []
    @Option(help: "The share of customers in the global control group, who receive no campaign (0 to 0.5).") var globalControl = 0.0
    @Flag(help: "Run no journeys and send nothing.") var noJourneys = false
    @Option(
        name: .customLong("cap"),
        help: "A frequency cap on marketing messages per customer, repeatable: 3/7d (any channel), push:1/1d (one channel), journey:NAME:1/30d.")
    var caps: [String] = []
    @Option(help: "No marketing messages in these hours of the customer's own day, such as 21:00-08:00 (their timezone trait, else --time-zone).")
    var quietHours: String?
    @Option(help: "The business's time zone, for customers without a valid timezone trait (an IANA name such as Europe/London).")
    var timeZone = "UTC"
    @Option(help: "Where customers reach this server from their mail, for one-click unsubscribe links (default: http://HOST:PORT).")
    var publicURL: String?

    func validate() throws {
        _ = try policy()
        guard (0...0.5).contains(globalControl) else { throw ValidationError("--global-control must be 0 to 0.5, not \(globalControl)") }
        guard (1...1000).contains(webhookBatch) else { throw ValidationError("--webhook-batch must be 1 to 1000") }
        if let publicURL {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw ValidationError("--public-url must be an http or https URL, not \(publicURL)")
            }
        }
        if smtpHost != nil {
            guard emailFrom != nil else { throw ValidationError("--smtp-host needs --email-from, the address emails are sent from") }
            guard SMTPChannel.Configuration.StartTLS(rawValue: smtpStarttls) != nil else {
                throw ValidationError("--smtp-starttls must be required, optional or never, not \(smtpStarttls)")
            }
            guard (1...65535).contains(smtpPort) else { throw ValidationError("--smtp-port must be 1 to 65535") }
            guard (1...1000).contains(smtpConnections) else { throw ValidationError("--smtp-connections must be 1 to 1000") }
            _ = try emailSender()
        }
        if let webhook {
            guard let url = URL(string: webhook), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw ValidationError("--webhook must be an http or https URL, not \(webhook)")
            }
        }
    }

    /// The caps and quiet hours, read from the options; the errors name the option.
    func policy() throws -> MessagePolicy {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("--time-zone: \"\(timeZone)\" is not a time zone name such as Europe/London") }
        var parsed: [FrequencyCap] = []
        for text in caps {
            do {
                parsed.append(try FrequencyCap(parsing: text))
            } catch {
                throw ValidationError("--cap: \(error)")
            }
        }
        var quiet: QuietHours?
        if let quietHours {
            do {
                quiet = try QuietHours(parsing: quietHours)
            } catch {
                throw ValidationError("--quiet-hours: \(error)")
            }
        }
        return MessagePolicy(caps: parsed, quietHours: quiet, defaultTimeZone: zone)
    }

    /// `--email-from` as a mailbox: `address` or `Name <address>`.
    func emailSender() throws -> EmailAddress {
        let text = (emailFrom ?? "").trimmingCharacters(in: .whitespaces)
        do {
            if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
                let name = text[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
                return try EmailAddress(String(text[text.index(after: open)..<text.index(before: text.endIndex)]), name: name, field: "--email-from")
            }
            return try EmailAddress(text, field: "--email-from")
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let logger = Logger(label: "tenure")
        let store = try database.open()
        var configuration = ServerConfiguration(
            host: host, port: port,
            riskScoring: rescoreMinutes > 0
                ? .init(interval: .seconds(60 * rescoreMinutes), modelFile: model.map { URL(fileURLWithPath: $0) }) : nil,
            riskScoresFile: URL(fileURLWithPath: database.database + ".risk-scores.json"))
        let secret = ProcessInfo.processInfo.environment["TENURE_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let webhook {
            configuration.channels["webhook"] = WebhookChannel(.init(url: webhook, secret: secret, batchSize: webhookBatch))
        }
        if let smtpHost {
            let env = ProcessInfo.processInfo.environment
            let smtp = SMTPChannel.Configuration(
                host: smtpHost, port: smtpPort, startTLS: SMTPChannel.Configuration.StartTLS(rawValue: smtpStarttls) ?? .required,
                username: smtpUser, password: env["TENURE_SMTP_PASSWORD"], connections: smtpConnections)
            configuration.channels["email"] = try SMTPChannel(smtp, renderer: EmailPayloadRenderer(from: try emailSender(), listUnsubscribe: emailUnsubscribe))
        }
        configuration.webhookSteps = WebhookChannel(.init(url: "", secret: secret))
        let policy = try policy()
        configuration.journeys = noJourneys ? nil : JourneyScheduler.Configuration(globalControlShare: globalControl, defaultTimeZone: policy.defaultTimeZone)
        configuration.outbox.policy = policy
        configuration.unsubscribeLinks = UnsubscribeLinks(secret: try await store.linkSecret(), baseURL: publicURL ?? "http://\(host):\(port)")
        try await runServer(
            configuration: configuration,
            store: store, logger: logger,
            onServerRunning: { port in
                FileHandle.standardOutput.write(Data("tenure: listening on http://\(host):\(port)\n".utf8))
            })
    }
}
