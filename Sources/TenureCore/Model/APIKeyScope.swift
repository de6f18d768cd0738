/// What an API key may do. Write keys only send events (safe to embed in a website or app);
/// admin keys may also read data, run reports and manage the workspace.
public enum APIKeyScope: String, Sendable, Hashable, Codable, CaseIterable {
    case write
    case admin

    /// Whether a key of this scope may perform an action that needs `required`.
    public func allows(_ required: APIKeyScope) -> Bool {
        self == .admin || self == required
    }
}
