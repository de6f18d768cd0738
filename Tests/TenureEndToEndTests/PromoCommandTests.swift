import Foundation
import Testing

/// `tenure promo` as a user runs it.
@Suite("tenure promo")
struct PromoCommandTests {
    @Test("upload a pool from a CSV and a plain list, refuse a duplicate with its line and store nothing of it, list the pools' counts")
    func uploadAndPools() throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/promo.sqlite"
        let csv = folder.path + "/codes.csv"
        try Data("code,discount\nWB-ONE,20\n\nWB-TWO,20\nWB-THREE,20\n".utf8).write(to: URL(fileURLWithPath: csv))
        let added = try TenureBinary.run(["promo", "upload", "WINBACK20", csv, "--database", database])
        #expect(added.contains(#"added 3 codes to pool "WINBACK20""#) && added.contains("total 3") && added.contains("remaining 3"))
        let plain = folder.path + "/more.txt"
        try Data("NEW-1\nNEW-2\nwb-two\n".utf8).write(to: URL(fileURLWithPath: plain))
        let failure = #expect(throws: TenureBinary.CommandFailed.self) {
            try TenureBinary.run(["promo", "upload", "WINBACK20", plain, "--database", database])
        }
        #expect(failure.map { "\($0)".contains("line 3") && "\($0)".contains("already stored") } == true)
        let pools = try TenureBinary.run(["promo", "pools", "--database", database])
        #expect(pools.split(separator: "\n") == ["pool\ttotal\tissued\tredeemed\tremaining", "WINBACK20\t3\t0\t0\t3"])
        // A journey with a promo_code step reports its codes.
        let document = folder.path + "/win-back.json"
        try Data(#"""
            {"name": "Win-back", "trigger": {"event": "Offer Eligible"},
             "steps": [{"id": "code", "promo_code": {"pool": "WINBACK20", "offer": "20% off"}},
                       {"id": "offer", "send": {"channel": "webhook", "template": "offer"}}]}
            """#.utf8).write(to: URL(fileURLWithPath: document))
        #expect(try TenureBinary.run(["journeys", "create", document, "--database", database]).contains(#"created journey "Win-back""#))
        let report = try TenureBinary.run(["journeys", "report", "Win-back", "--database", database])
        #expect(report.contains("step code\tpromo_code\truns 0"))
        #expect(report.contains("promo codes\tissued 0\tredeemed 0\tredemption rate –\tused after expiry 0\tused by another customer 0\tpool exhausted 0"))
    }
}
