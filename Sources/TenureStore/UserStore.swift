import Foundation

/// A person who may sign in to the dashboard with a name and password (created by
/// `tenure users create`). Only a bcrypt hash of the password is kept.
public struct DashboardUser: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    /// The bcrypt hash (`$2b$…`) of the password.
    public var passwordHash: String
    public var createdAt: Date

    public init(id: Int64, name: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// What went wrong managing dashboard users.
public enum UserStoreError: Error, Equatable, CustomStringConvertible {
    case userExists(String)

    public var description: String {
        switch self {
        case .userExists(let name): "a dashboard user named \"\(name)\" already exists; pick another name or delete it first"
        }
    }
}

/// Where dashboard users are kept. Passwords are hashed by the caller; the store never sees them.
public protocol UserStore: Sendable {
    /// Creates a user; throws ``UserStoreError/userExists(_:)`` when the name is taken.
    func createUser(name: String, passwordHash: String) async throws -> DashboardUser
    func user(named name: String) async throws -> DashboardUser?
    func allUsers() async throws -> [DashboardUser]
    /// Deletes the user; returns false when there was none of that name.
    func deleteUser(named name: String) async throws -> Bool
}
