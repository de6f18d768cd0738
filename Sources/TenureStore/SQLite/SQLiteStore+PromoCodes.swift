import Foundation
import GRDB
import TenureCore

/// Promo codes in SQLite: pools, codes given by journey steps (inside the step commit) and
/// redemptions (inside the event pass). See ``PromoCodeStore``.
extension SQLiteStore: PromoCodeStore {
    /// Tries for a generated code that is not taken yet before the step gives none (with at
    /// least 6 characters of 32 there are 10⁹ codes: a collision is rare, ten in a row unheard of).
    static let generatedCodeAttempts = 10

    public func uploadPromoCodes(_ codes: PromoCodeList, pool: String, at time: Date) async throws -> PromoCodeUpload {
        guard JourneyPromoCode.isValidPoolName(pool) else { throw PromoCodeStoreError.invalidPoolName(pool) }
        let nowMs = time.storeMillis
        return try await writer.write { db in
            try db.execute(sql: "INSERT INTO promo_pool (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", arguments: [pool, nowMs])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO promo_code (code, lookup, pool, uploaded_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            for entry in codes.entries {
                try insert.execute(arguments: [entry.code, JourneyPromoCode.normalized(entry.code), pool, nowMs])
                if db.changesCount == 0 {
                    // The transaction rolls back: an upload is all or nothing.
                    let owner = try String.fetchOne(
                        db, sql: "SELECT pool FROM promo_code WHERE lookup = ? OR code = ?", arguments: [JourneyPromoCode.normalized(entry.code), entry.code])
                    throw PromoCodeStoreError.alreadyStored(code: entry.code, unit: codes.unit, line: entry.line, pool: owner)
                }
            }
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*), sum(issued_at IS NULL) FROM promo_code WHERE pool = ?", arguments: [pool])
            return PromoCodeUpload(pool: pool, added: codes.entries.count, total: row?[0] ?? 0, remaining: row?[1] ?? 0)
        }
    }

    public func promoPools() async throws -> [PromoPoolSummary] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.name, count(c.id), sum(c.issued_at IS NOT NULL), sum(c.redeemed_at IS NOT NULL AND c.redeemed_expired = 0),
                           sum(c.id IS NOT NULL AND c.issued_at IS NULL)
                    FROM promo_pool p LEFT JOIN promo_code c ON c.pool = p.name GROUP BY p.name ORDER BY p.name
                    """
            ).map { row in
                PromoPoolSummary(name: row[0], total: row[1] ?? 0, issued: row[2] ?? 0, redeemed: row[3] ?? 0, remaining: row[4] ?? 0)
            }
        }
    }

    public func issuedPromoCodes(journeyId: Int64) async throws -> [IssuedPromoCode] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT code, pool, enrolment_id, sequence, customer_id, issued_at, expires_at, offer, redeemed_at, redeemed_by,
                           redeemed_by_customer, redeemed_expired, redeemed_by_other
                    FROM promo_code WHERE journey_id = ? ORDER BY issued_at, id
                    """, arguments: [journeyId]
            ).map { row in
                IssuedPromoCode(
                    code: row[0], pool: row[1], enrolmentId: row[2], sequence: row[3], customerId: row[4], issuedAt: Date(storeMillis: row[5]),
                    expiresAt: Date(storeMillis: row[6]), offer: row[7], redeemedAt: (row[8] as Int64?).map(Date.init(storeMillis:)), redeemedBy: row[9],
                    redeemedByCustomer: row[10], redeemedAfterExpiry: row[11] as Int != 0, redeemedByOtherCustomer: row[12] as Int != 0)
            }
        }
    }

    // MARK: Giving codes, inside the step commit

    /// Gives the code of a `promo_code` step of enrolment `enrolment` at `sequence`, in the
    /// commit's transaction; nil when none could be given (the pool has none left, recorded as a
    /// shortfall). A code already given for this (enrolment, sequence) is returned again, so a
    /// retried or replayed commit never gives a second one.
    static func givePromoCode(
        _ db: Database, _ promo: JourneyPromoCode, journey: Int64, enrolment: Int64, sequence: Int, step: String, customer: Int64, at time: Date
    ) throws -> JourneyPromoCode.Issued? {
        if let given = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT code, expires_at, offer FROM promo_code WHERE enrolment_id = ? AND sequence = ?"), arguments: [enrolment, sequence])
        {
            return JourneyPromoCode.Issued(code: given[0], expiresAt: Date(storeMillis: given[1]), offer: given[2])
        }
        let nowMs = time.storeMillis
        // Days to ms, total: 3650 days at most after validation, clamped for definitions built in code.
        let days = Int64(min(max(promo.expiresDays, JourneyPromoCode.expiresDaysRange.lowerBound), JourneyPromoCode.expiresDaysRange.upperBound))
        let expiresMs = nowMs + days * 86_400_000
        let issued: String?
        switch promo.source {
        case .pool(let pool):
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, code FROM promo_code WHERE pool = ? AND issued_at IS NULL ORDER BY id LIMIT 1"), arguments: [pool])
            {
                try db.cachedStatement(
                    sql: """
                        UPDATE promo_code SET journey_id = ?, enrolment_id = ?, sequence = ?, step = ?, customer_id = ?, offer = ?, issued_at = ?, expires_at = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [journey, enrolment, sequence, step, customer, promo.offer, nowMs, expiresMs, row[0] as Int64])
                issued = row[1]
            } else {
                issued = nil
            }
        case .generate(let prefix, let length):
            var random = SystemRandomNumberGenerator()
            let length = min(max(length, JourneyPromoCode.generatedLengthRange.lowerBound), JourneyPromoCode.generatedLengthRange.upperBound)
            var made: String?
            for _ in 0..<generatedCodeAttempts {
                let code = JourneyPromoCode.generate(prefix: prefix, length: length, using: &random)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO promo_code (code, lookup, journey_id, enrolment_id, sequence, step, customer_id, offer, issued_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """
                ).execute(arguments: [code, JourneyPromoCode.normalized(code), journey, enrolment, sequence, step, customer, promo.offer, nowMs, expiresMs])
                if db.changesCount > 0 {
                    made = code
                    break
                }
            }
            issued = made
        }
        guard let issued else {
            let pool: String? = if case .pool(let name) = promo.source { name } else { nil }
            try db.cachedStatement(
                sql: """
                    INSERT INTO promo_code_shortfall (enrolment_id, sequence, journey_id, step, pool, at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
            ).execute(arguments: [enrolment, sequence, journey, step, pool, nowMs])
            return nil
        }
        return JourneyPromoCode.Issued(code: issued, expiresAt: Date(storeMillis: expiresMs), offer: promo.offer)
    }

    /// The latest code the enrolment received (by step sequence), for its messages.
    static func latestPromoCode(_ db: Database, enrolment: Int64) throws -> JourneyPromoCode.Issued? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT code, expires_at, offer FROM promo_code WHERE enrolment_id = ? ORDER BY sequence DESC LIMIT 1"),
            arguments: [enrolment]
        ).map { JourneyPromoCode.Issued(code: $0[0], expiresAt: Date(storeMillis: $0[1]), offer: $0[2]) }
    }

    // MARK: Redemptions, inside the event pass

    /// Whether any given code waits for its redemption (then the event pass reads `Order Completed`).
    static func hasOutstandingPromoCodes(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM promo_code WHERE issued_at IS NOT NULL AND redeemed_at IS NULL)") ?? false
    }

    /// Records the redemption of the code an `Order Completed` event carries as its `coupon`
    /// (trimmed, case-insensitive): only the first use counts; a use after expiry is recorded as
    /// such, a use by a customer other than the code's (after merges) is flagged. An order from
    /// before the code was given (an import of history; a day's leeway for clients' clocks) is
    /// not a use. Returns whether a code was redeemed in time.
    static func redeemPromoCode(_ db: Database, event: SQLiteJourneyEvent, canonical: (Int64) -> Int64) throws -> Bool {
        guard event.name == StandardEvent.orderCompleted, case .string(let coupon) = event.properties["coupon"] else { return false }
        let lookup = JourneyPromoCode.normalized(coupon)
        guard !lookup.isEmpty, lookup.count <= PromoCodeList.maximumCodeLength * 2 else { return false }
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, customer_id, expires_at, issued_at FROM promo_code WHERE lookup = ? AND issued_at IS NOT NULL AND redeemed_at IS NULL"),
            arguments: [lookup])
        else { return false }
        let id: Int64 = row[0], owner: Int64 = row[1], expiresMs: Int64 = row[2], issuedMs: Int64 = row[3]
        let atMs = event.timestamp.storeMillis
        guard atMs >= issuedMs - Int64(maximumTriggerAge * 1000) else { return false }
        let expired = atMs > expiresMs
        let other = canonical(owner) != event.customer
        try db.cachedStatement(
            sql: """
                UPDATE promo_code SET redeemed_at = ?, redeemed_by = ?, redeemed_by_customer = ?, redeemed_expired = ?, redeemed_by_other = ?
                WHERE id = ? AND redeemed_at IS NULL
                """
        ).execute(arguments: [atMs, event.messageId, event.customer, expired, other, id])
        return db.changesCount > 0 && !expired
    }

    /// A journey's promo-code counts, for its report.
    static func promoCodeCounts(_ db: Database, journey: Int64) throws -> JourneyReport.PromoCodes {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT count(*), sum(redeemed_at IS NOT NULL AND redeemed_expired = 0), sum(redeemed_at IS NOT NULL AND redeemed_expired = 1),
                       sum(redeemed_at IS NOT NULL AND redeemed_by_other = 1)
                FROM promo_code WHERE journey_id = ?
                """, arguments: [journey])
        let short = try Int.fetchOne(db, sql: "SELECT count(*) FROM promo_code_shortfall WHERE journey_id = ?", arguments: [journey]) ?? 0
        return JourneyReport.PromoCodes(
            issued: row?[0] ?? 0, redeemed: row?[1] ?? 0, usedAfterExpiry: row?[2] ?? 0, usedByOtherCustomer: row?[3] ?? 0, poolExhausted: short)
    }
}
