import Foundation
import GRDB
import TenureCore

/// Fills `customer_opt_out` from the `Unsubscribed` events stored before it existed: once, when
/// the store opens after the `v7-journeys` migration (its `store_task` row), in one transaction.
/// Only the blocks holding such events are decoded.
enum SQLiteOptOutBackfill {
    static let task = "backfill-opt-outs"

    static func runIfPending(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM store_task WHERE name = ?)", arguments: [task]) == true else { return }
            let typeIds = Set(
                try Int64.fetchAll(db, sql: "SELECT id FROM event_type WHERE kind = 'track' AND name = ?", arguments: [StandardEvent.unsubscribed])
                    .map { UInt32(truncatingIfNeeded: $0) })
            if !typeIds.isEmpty {
                let merged = try SQLiteEventLog.mergeTargets(db)
                for id in try Int64.fetchAll(db, sql: "SELECT id FROM event_block ORDER BY id") {
                    guard let types = try Data.fetchOne(db, sql: "SELECT types FROM event_block WHERE id = ?", arguments: [id]),
                        try EventBlockCoding.array(types, as: UInt32.self).contains(where: typeIds.contains)
                    else { continue }
                    let block = try SQLiteEventLog.read(id: id, db)
                    for i in 0..<block.count where typeIds.contains(block.types[i]) {
                        let record = block.details.record(i, time: block.times[i])
                        let properties = record.payload.flatMap { try? JSONParser.parse(Data($0.utf8)).objectValue } ?? [:]
                        let customer = Int64(block.customers[i])
                        try SQLiteMessageWriter.storeOptOut(properties, customer: merged[customer] ?? customer, at: block.times[i], db)
                    }
                }
            }
            try db.execute(sql: "DELETE FROM store_task WHERE name = ?", arguments: [task])
        }
    }
}
