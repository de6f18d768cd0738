import Foundation
import Testing
import TenureCore

/// Locates reference data and external tools for the learning tests.
enum LearnTestSupport {
    /// The repository root, found by walking up from this file to `Package.swift`.
    static var repositoryRoot: URL? {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        // Resolve the symlinked test folder of a development package to the real repository.
        url = url.resolvingSymlinksInPath()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: url.appendingPathComponent("scripts").path) {
                return url
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// `$TENURE_REFERENCE_DATA`, or `.reference-data` at the repository root.
    static var referenceDataDirectory: URL? {
        if let env = ProcessInfo.processInfo.environment["TENURE_REFERENCE_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot?.appendingPathComponent(".reference-data")
    }

    static var requireReferenceData: Bool { ProcessInfo.processInfo.environment["TENURE_REQUIRE_REFERENCE_DATA"] == "1" }
    static var requireCrosschecks: Bool { ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1" }

    /// The contents of a reference file, or nil (after recording an issue when data is required).
    static func referenceFile(_ relativePath: String) -> Data? {
        guard let dir = referenceDataDirectory,
              let data = FileManager.default.contents(atPath: dir.appendingPathComponent(relativePath).path) else {
            let message = "reference data \(relativePath) not found; run scripts/fetch-reference-data.sh or set TENURE_REFERENCE_DATA"
            if requireReferenceData { Issue.record(Comment(rawValue: message)) } else { print("skipped: \(message)") }
            return nil
        }
        return data
    }

    /// Runs `python3 scripts/crosscheck/learn_sklearn.py <arguments>` and returns its stdout as JSON,
    /// or nil when python3 or scikit-learn is missing (an issue when cross-checks are required).
    static func runSklearn(_ arguments: [String]) throws -> [String: Any]? {
        guard let root = repositoryRoot else { return unavailable("repository root not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/crosscheck/learn_sklearn.py").path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return unavailable("python3 could not be started: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 3 { return unavailable("scikit-learn is not installed (pip install scikit-learn)") }
        guard process.terminationStatus == 0 else {
            Issue.record(Comment(rawValue: "learn_sklearn.py failed: \(errorText)"))
            return nil
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    private static func unavailable(_ reason: String) -> [String: Any]? {
        if requireCrosschecks { Issue.record(Comment(rawValue: "cross-check required but \(reason)")) } else { print("skipped cross-check: \(reason)") }
        return nil
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tenure-learn-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }

    /// Synthetic data: `n` rows, numeric features from a seeded normal, labels from a logistic model.
    static func logisticData(n: Int, seed: UInt64, weights: [Double], intercept: Double) -> (FeatureMatrix, [Bool]) {
        var generator = SeededGenerator(seed: seed)
        var columns = [[Float]](repeating: [], count: weights.count)
        var labels: [Bool] = []
        for _ in 0..<n {
            var eta = intercept
            for j in weights.indices {
                let v = generator.nextStandardNormal()
                columns[j].append(Float(v))
                eta += weights[j] * Double(Float(v))
            }
            labels.append(generator.nextUnitInterval() < 1 / (1 + exp(-eta)))
        }
        let x = FeatureMatrix(columns: columns.enumerated().map { (FeatureMatrix.Feature(name: "x\($0.offset)"), $0.element) })
        return (x, labels)
    }
}
