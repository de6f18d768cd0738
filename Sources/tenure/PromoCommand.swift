import ArgumentParser
import Foundation
import TenureCore
import TenureStore

/// `tenure promo …`: pools of promo codes that journeys' `promo_code` steps give out.
struct PromoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promo",
        abstract: "Upload and inspect pools of promo codes for journeys' promo_code steps.",
        discussion: """
            A promo_code step gives the next unused code of a pool ({"pool": "WINBACK20"}) or generates a unique one \
            ({"generate": {"prefix": "WB-", "length": 8}}). An Order Completed event whose coupon is the code redeems it.
            """,
        subcommands: [Upload.self, Pools.self])

    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add codes to a pool (created when new): one code per line, or the first column of a CSV headed `code`.",
            discussion: "Blank lines are skipped. A code twice in the file, or already stored, refuses the whole upload with its line number.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The pool's name, as promo_code steps name it.") var pool: String
        @Argument(help: "The file of codes.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file): not UTF-8 text") }
            let list: PromoCodeList
            do {
                list = try PromoCodeList(text: text)
            } catch {
                throw ValidationError("\(file): \(error)")
            }
            do {
                let upload = try await database.open().uploadPromoCodes(list, pool: pool, at: Date())
                print("added \(upload.added) codes to pool \"\(upload.pool)\"\ttotal \(upload.total)\tremaining \(upload.remaining)")
            } catch let error as PromoCodeStoreError {
                throw ValidationError("\(file): \(error)")
            }
        }
    }

    struct Pools: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pools: codes in total, given, redeemed and remaining.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            print("pool\ttotal\tissued\tredeemed\tremaining")
            for pool in try await database.open().promoPools() {
                print("\(pool.name)\t\(pool.total)\t\(pool.issued)\t\(pool.redeemed)\t\(pool.remaining)")
            }
        }
    }
}
