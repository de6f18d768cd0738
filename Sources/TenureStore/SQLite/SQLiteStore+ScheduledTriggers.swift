import Foundation
import GRDB
import TenureCore

/// Scheduled triggers in SQLite: their firings enter through the same entry rules as events
/// (``SQLiteStore/enter(_:journey:_:at:globalControlShare:)``), with the firing's key and the
/// customer as the enrolment's `trigger_message`, so `UNIQUE(journey_id, trigger_message)` makes
/// each customer's entry per key exactly-once.
extension SQLiteStore {
    public func enrolScheduled(
        journey: SavedJourney, candidates: [ScheduledEnrolmentCandidate], at time: Date, globalControlShare: Double, target: Set<Int64>?
    ) async throws -> JourneyScheduledPass {
        var pass = JourneyScheduledPass()
        let nowMs = time.storeMillis
        for start in stride(from: 0, to: candidates.count, by: ScheduledEnrolmentCandidate.transactionSize) {
            let chunk = candidates[start..<min(start + ScheduledEnrolmentCandidate.transactionSize, candidates.count)]
            let part = try await writer.write { db -> JourneyScheduledPass in
                var part = JourneyScheduledPass()
                // Paused or archived since the scheduler read it: enrol no one.
                guard try String.fetchOne(db, sql: "SELECT status FROM journey WHERE id = ?", arguments: [journey.id]) == JourneyStatus.active.rawValue else {
                    part.refused = chunk.count
                    return part
                }
                // Events from here on count for the goal and for waits.
                let sequence = try SQLiteEventLog.nextSequence(db) - 1
                var lookups = SQLiteJourneyLookups()
                let exists = try db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM journey_enrolment WHERE journey_id = ? AND trigger_message = ?)")
                for candidate in chunk {
                    let message = Self.scheduledTriggerMessage(key: candidate.key, customer: candidate.customerId)
                    if try Bool.fetchOne(exists, arguments: [journey.id, message]) == true {
                        part.already += 1
                        continue
                    }
                    guard let userId = try lookups.userId(db, customer: candidate.customerId) else {
                        part.refused += 1
                        continue
                    }
                    let entry = SQLiteJourneyEntry(
                        customer: candidate.customerId, userId: userId, triggerMessage: message, triggerSequence: sequence, trigger: candidate.trigger)
                    if try Self.enter(db, journey: journey, entry, at: nowMs, globalControlShare: globalControlShare, target: target) {
                        part.entered += 1
                    } else {
                        part.refused += 1
                    }
                }
                return part
            }
            pass.entered += part.entered
            pass.refused += part.refused
            pass.already += part.already
        }
        return pass
    }

    /// A scheduled firing's `trigger_message`: the key and the customer (a key alone, such as
    /// `date:2026-12-04`, fires for many customers).
    static func scheduledTriggerMessage(key: String, customer: Int64) -> String { "\(key)#c\(customer)" }
}
