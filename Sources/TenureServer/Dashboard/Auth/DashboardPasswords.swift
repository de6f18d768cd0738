import HummingbirdBcrypt

/// Dashboard user passwords: bcrypt, so a stolen database does not give them away cheaply.
public enum DashboardPasswords {
    /// Shorter passwords are refused.
    public static let minimumLength = 10
    /// bcrypt cost: 2¹² rounds, about a quarter of a second per check.
    static let cost: UInt8 = 12

    /// The bcrypt hash to store for `password`.
    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches the stored `hash`.
    public static func verify(_ password: String, hash: String) -> Bool {
        DashboardController.verify(password, hash: hash)
    }
}
