import ArgumentParser
import Foundation
import TenureCore
import TenureStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a JSONL file of Segment messages or a CSV file of transactions.",
        discussion: """
            All or nothing: a malformed record stops the import before anything is committed, unless
            --skip-bad-rows is given. Importing the same file twice stores nothing the second time.
            Example (the CDNOW log): tenure import CDNOW_master.txt --customer-column customer_id \\
              --date-column date --amount-column dollar_value --date-format yyyyMMdd --delimiter whitespace
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The file to import.") var file: String
    @Option(help: "jsonl or csv (default: from the file's extension; .jsonl/.ndjson are JSONL, anything else CSV).")
    var format: ImportOptions.Format?
    @Option(help: "CSV: column with the customer's id (header name or 1-based number).") var customerColumn: String?
    @Option(help: "CSV: column with the transaction date.") var dateColumn: String?
    @Option(help: "CSV: column with the transaction's money value.") var amountColumn: String?
    @Option(help: "CSV: column with the order id (default: each record is one order).") var orderColumn: String?
    @Option(help: "CSV: \(TransactionMapping.DateFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dateFormat: TransactionMapping.DateFormat = .auto
    @Option(help: "CSV: the event each record becomes.") var event = StandardEvent.orderCompleted
    @Option(help: "CSV: currency code of the amounts.") var currency: String?
    @Option(help: "CSV: comma, tab, semicolon, whitespace (default: guessed).") var delimiter: String?
    @Flag(help: "CSV: the first record is data, not column names (name columns by number).") var noHeader = false
    @Flag(help: "Skip malformed records, listing them, instead of stopping.") var skipBadRows = false
    @Option(help: "With --skip-bad-rows: write every skipped record's line and reason (tab-separated) to this file.")
    var rejected: String?
    @Option(help: "Earliest event date accepted (YYYY-MM-DD, default 1990-01-01, not before 1900-01-01): set it to import older history.")
    var earliest: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let format = format ?? (file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson") ? .jsonl : .csv)
        var mapping: TransactionMapping?
        if format == .csv {
            guard let customerColumn, let dateColumn else {
                throw ValidationError("a CSV import needs --customer-column and --date-column")
            }
            mapping = TransactionMapping(
                customerColumn: customerColumn, dateColumn: dateColumn, amountColumn: amountColumn, orderColumn: orderColumn,
                dateFormat: dateFormat, event: event, currency: currency)
        }
        let delimiterValue: CSVRecordReader.Delimiter?
        switch delimiter?.lowercased() {
        case nil: delimiterValue = nil
        case "comma", ",": delimiterValue = .comma
        case "tab", "\\t", "\t": delimiterValue = .tab
        case "semicolon", ";": delimiterValue = .semicolon
        case "whitespace", "space", " ": delimiterValue = .whitespace
        case let other?: throw ValidationError("unknown --delimiter \(other); use comma, tab, semicolon or whitespace")
        }
        var values = ValuePolicy.live
        if let earliest {
            guard let date = ISO8601Timestamp.parse(earliest), date >= ValuePolicy.earliestAllowed else {
                throw ValidationError("--earliest must be a date such as 1970-01-01, not before 1900-01-01")
            }
            values.earliestTimestamp = date
        }
        let options = ImportOptions(
            format: format, mapping: mapping, delimiter: delimiterValue, hasHeader: !noHeader, skipBadRows: skipBadRows,
            values: values, rejectedPath: rejected)
        let store = try database.open()
        let terminal = isatty(STDERR_FILENO) != 0
        let started = Date()
        do {
            let report = try await FileImporter(options: options).run(path: file, into: store) { progress in
                guard terminal else { return }
                let elapsed = max(Date().timeIntervalSince(started), 0.001)
                let line = ProgressLine.render(
                    fraction: Double(progress.bytesRead) / Double(max(progress.totalBytes, 1)), count: progress.records,
                    noun: "records", perSecond: Double(progress.records) / elapsed)
                FileHandle.standardError.write(Data(("\r" + line).utf8))
            }
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(
                    "imported \(file): \(ProgressLine.grouped(report.records)) records, \(ProgressLine.grouped(report.stored)) stored, \(ProgressLine.grouped(report.duplicates)) already present, \(ProgressLine.grouped(report.skipped)) skipped, in \(String(format: "%.2f", report.seconds)) s (\(ProgressLine.grouped(Int(Double(report.records) / max(report.seconds, 0.000_001)))) records/s)"
                )
                for row in report.badRows { print("  skipped \(row)") }
                if report.skipped > report.badRows.count { print("  … and \(report.skipped - report.badRows.count) more") }
            }
        } catch let failure as ImportFailure {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            throw ValidationError("import failed: \(failure)")
        }
    }
}

extension ImportOptions.Format: ExpressibleByArgument {}
extension TransactionMapping.DateFormat: ExpressibleByArgument {}
