import ArgumentParser
import Logging
import TenureStore

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file.")
    var database: String = "./tenure.sqlite"

    func open() throws -> SQLiteStore {
        try SQLiteStore(path: database, logger: Logger(label: "tenure.store"))
    }
}
