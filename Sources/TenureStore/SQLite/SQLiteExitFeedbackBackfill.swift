import Foundation
import GRDB
import TenureCore

/// Fills `exit_feedback` from the events stored before it existed: once, when the store opens
/// after the `v3-exit-feedback` migration (its `store_task` row), in one transaction. Only the
/// blocks holding exit-survey or account-closure events are decoded.
enum SQLiteExitFeedbackBackfill {
    static let task = "backfill-exit-feedback"

    static func runIfPending(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM store_task WHERE name = ?)", arguments: [task]) == true else { return }
            let names = [StandardEvent.surveyResponded, StandardEvent.accountClosed, StandardEvent.accountDeleted]
            var typeNames: [UInt32: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, name FROM event_type WHERE kind = 'track' AND name IN (?, ?, ?)", arguments: [names[0], names[1], names[2]])
            {
                typeNames[UInt32(truncatingIfNeeded: row[0] as Int64)] = row[1]
            }
            if !typeNames.isEmpty {
                let merged = try SQLiteEventLog.mergeTargets(db)
                let blockIds = try Int64.fetchAll(db, sql: "SELECT id FROM event_block ORDER BY id")
                for id in blockIds {
                    // The type column first: most blocks hold no feedback and are never decoded.
                    guard let types = try Data.fetchOne(db, sql: "SELECT types FROM event_block WHERE id = ?", arguments: [id]),
                        try EventBlockCoding.array(types, as: UInt32.self).contains(where: { typeNames[$0] != nil })
                    else { continue }
                    let block = try SQLiteEventLog.read(id: id, db)
                    for i in 0..<block.count {
                        guard let name = typeNames[block.types[i]] else { continue }
                        let record = block.details.record(i, time: block.times[i])
                        guard let payload = record.payload,
                            let properties = (try? JSONParser.parse(Data(payload.utf8)))?.objectValue,
                            let feedback = ExitFeedback(
                                event: name, properties: properties, at: Date(timeIntervalSince1970: Double(block.times[i]) / 1000))
                        else { continue }
                        let customer = Int64(block.customers[i])
                        try SQLiteMessageWriter.store(feedback, customer: merged[customer] ?? customer, db)
                    }
                }
            }
            try db.execute(sql: "DELETE FROM store_task WHERE name = ?", arguments: [task])
        }
    }
}
