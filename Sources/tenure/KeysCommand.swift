import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret (shown once).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "write: send events only; admin: everything.") var scope: APIKeyScope
        @Option(help: "A name to tell keys apart.") var name = "default"
        @Flag(help: "Print only the secret.") var quiet = false

        func run() async throws {
            let (key, secret) = try await database.open().createKey(name: name, scope: scope)
            if quiet {
                print(secret)
            } else {
                print("created \(key.scope.rawValue) key #\(key.id) \"\(key.name)\"")
                print(secret)
                print("keep it safe: only its hash is stored, it cannot be shown again")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for key in try await database.open().allKeys() {
                let state = key.revokedAt == nil ? "active" : "revoked"
                print("#\(key.id)\t\(key.scope.rawValue)\t\(key.prefix)…\t\(state)\t\(key.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its number.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The key's number, as `keys list` shows it.") var id: Int64

        func run() async throws {
            guard try await database.open().revokeKey(id: id) else {
                throw ValidationError("no active key #\(id)")
            }
            print("revoked key #\(id)")
        }
    }
}

extension APIKeyScope: ExpressibleByArgument {}
