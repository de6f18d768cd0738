import Foundation
import TenureCore

/// How many failed dashboard sign-ins are tolerated before further attempts are refused.
public struct SignInLimit: Sendable {
    /// Failures allowed per client address, and per user name, within ``window``.
    public var maxFailures: Int
    /// The sliding window failures are counted over.
    public var window: Duration
    /// Take the client address from the first `X-Forwarded-For` entry (only behind a proxy that
    /// sets it); otherwise the TCP peer's address is used.
    public var trustForwardedFor: Bool
    /// The time failures are stamped with and the window is measured in (a test can move it on).
    public var now: @Sendable () -> ContinuousClock.Instant

    /// 10 failures in 5 minutes.
    public init(
        maxFailures: Int = 10, window: Duration = .seconds(300), trustForwardedFor: Bool = false,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.maxFailures = maxFailures
        self.window = window
        self.trustForwardedFor = trustForwardedFor
        self.now = now
    }
}

/// Counts failed sign-ins (wrong password, unknown user, wrong or non-admin API key) per client
/// address and per user name. Once either has ``SignInLimit/maxFailures`` failures within the
/// window, sign-ins from that address or for that name are refused until the oldest of those
/// failures leaves the window — without checking the password, so guessing stays slow and cheap
/// for the server. A successful sign-in clears its address's and name's failures; other
/// addresses and names are never affected.
actor SignInRateLimiter {
    let limit: SignInLimit
    private var failures: [String: [ContinuousClock.Instant]] = [:]

    init(limit: SignInLimit) {
        self.limit = limit
    }

    static func keys(address: String, user: String?) -> [String] {
        ["address:" + address] + (user.map { ["user:" + $0.lowercased()] } ?? [])
    }

    /// Seconds until a sign-in with these keys is allowed again, or nil when it is allowed now.
    func retryAfter(_ keys: [String]) -> Int? {
        let now = limit.now()
        var wait: Duration = .zero
        for key in keys {
            let recent = prune(key, now: now)
            if recent.count >= limit.maxFailures, let oldest = recent.first {
                wait = max(wait, oldest + limit.window - now)
            }
        }
        guard wait > .zero else { return nil }
        return max(1, Int(wait.inSeconds.rounded(.up)))
    }

    func failed(_ keys: [String]) {
        let now = limit.now()
        for key in keys {
            var recent = prune(key, now: now)
            recent.append(now)
            // Only the newest `maxFailures` matter for the decision.
            if recent.count > limit.maxFailures { recent.removeFirst(recent.count - limit.maxFailures) }
            failures[key] = recent
        }
        // Bound memory under a flood of distinct names or addresses.
        if failures.count > 100_000 {
            failures = failures.filter { !$0.value.isEmpty && $0.value.last! + limit.window > now }
        }
    }

    func succeeded(_ keys: [String]) {
        for key in keys { failures[key] = nil }
    }

    private func prune(_ key: String, now: ContinuousClock.Instant) -> [ContinuousClock.Instant] {
        guard let list = failures[key] else { return [] }
        let recent = list.filter { $0 + limit.window > now }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
