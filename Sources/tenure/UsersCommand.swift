import ArgumentParser
import Foundation
import TenureServer
import TenureStore

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage dashboard users (sign-in with a name and password).",
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a dashboard user. The password is read from standard input (one line), or asked for on a terminal.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            guard !name.isEmpty, name.count <= 200 else { throw ValidationError("the name must be 1 to 200 characters") }
            let password = try Self.readPassword()
            guard password.count >= DashboardPasswords.minimumLength else {
                throw ValidationError("the password must be at least \(DashboardPasswords.minimumLength) characters")
            }
            let user = try await database.open().createUser(name: name, passwordHash: DashboardPasswords.hash(password))
            print("created dashboard user \(user.name) (#\(user.id))")
        }

        static func readPassword() throws -> String {
            if isatty(STDIN_FILENO) == 1 {
                guard let first = getpass("Password: ").map({ String(cString: $0) }), let second = getpass("Again: ").map({ String(cString: $0) }) else {
                    throw ValidationError("no password given")
                }
                guard first == second else { throw ValidationError("the passwords differ") }
                return first
            }
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password on standard input") }
            return line
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dashboard users.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for user in try await database.open().allUsers() {
                print("#\(user.id)  \(user.name)  created \(ISO8601DateFormatter().string(from: user.createdAt))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dashboard user (their open sessions end at the next restart).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            guard try await database.open().deleteUser(named: name) else { throw ValidationError("no dashboard user named \"\(name)\"") }
            print("deleted dashboard user \(name)")
        }
    }
}
