import Foundation
import TenureCore

/// `tenure bench predict`: BTYD fits (``BTYDBenchmark``), TreeSHAP scoring on the Telco table and
/// gradient-boosted trees (``LearnBenchmark``), beside XGBoost when installed.
public enum PredictBenchmark {
    /// What `tenure bench predict` is asked to measure.
    public struct Options: Sendable {
        /// Customers for the BG/NBD fit.
        public var customers = 1_000_000
        /// Customers for the Pareto/NBD fit.
        public var paretoCustomers = 100_000
        /// Rows for the boosted trees.
        public var rows = 1_000_000
        public var trees = 200
        public var depth = 6
        /// Only the BTYD fits.
        public var btydOnly = false
        /// Customers scored with explanations.
        public var explainCustomers = 1_000_000
        /// The Telco churn table for the explanation benchmark.
        public var telcoPath = ".reference-data/telco/Customer_Churn.csv"

        public init() {}
    }

    /// Runs the benchmark, printing each figure.
    public static func report(_ options: Options) throws {
        let btyd = BTYDBenchmark.run(customers: options.customers, seed: 1, paretoCustomers: options.paretoCustomers)
        for key in btyd.keys.sorted() where key.hasSuffix("seconds") || key.hasSuffix("patterns") || key.hasSuffix("log_likelihood") {
            print(key.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: " %.4f", btyd[key] ?? .nan))
        }
        guard !options.btydOnly else { return }
        if let telco = FileManager.default.contents(atPath: options.telcoPath) {
            let e = try LearnBenchmark.runExplanations(
                table: telco, labelColumn: "Churn", idColumn: "customerID", customers: options.explainCustomers)
            print("scoring \(ProgressLine.grouped(e.customers)) customers with top-3 TreeSHAP reasons (Telco, \(e.trees) trees depth \(e.maxDepth)): "
                + String(format: "%.3f s wall, %.3f s CPU, %d threads", e.scoringSeconds, e.scoringCPUSeconds, e.threads))
        } else {
            print("explanations: skipped (scripts/fetch-reference-data.sh fetches \(options.telcoPath))")
        }
        let (rows, trees, depth) = (options.rows, options.trees, options.depth)
        let gbt = LearnBenchmark.run(rows: rows, features: 40, trees: trees, depth: depth, seed: 42)
        print(String(format: "gbt training %d×40, %d trees depth %d: %.1f s, test AUC %.5f", rows, trees, depth, gbt.trainingSeconds, gbt.testAUC))
        if let out = BenchPeers.run([
            "python3", try BenchPeers.script("bench/gbt_xgboost.py"), "--rows", "\(rows)", "--trees", "\(trees)", "--depth", "\(depth)", "--seed", "42",
        ]) {
            print("xgboost hist: " + out.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            print("xgboost: skipped (pip install xgboost)")
        }
    }
}
