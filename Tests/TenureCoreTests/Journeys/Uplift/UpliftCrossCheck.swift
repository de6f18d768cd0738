import Foundation
import Testing

/// Runs the uplift statistics' Python peers: statsmodels and scipy for the intervals, tests and
/// t quantiles, scikit-uplift for the Qini curve. The script is kept here, beside the tests that
/// feed it, and written to a temporary file for each run; it reads a JSON document of cases and
/// writes the peers' answers as JSON.
///
/// When python3 or a package is missing the check prints "skipped cross-check: …", unless
/// `TENURE_REQUIRE_CROSSCHECKS=1` (CI), where it records an issue instead.
enum UpliftCrossCheck {
    enum Peer: String {
        /// statsmodels and scipy (`pip install statsmodels scipy`).
        case statistics
        /// scikit-uplift (`pip install scikit-uplift`).
        case qini

        var packages: String { self == .statistics ? "statsmodels scipy" : "scikit-uplift" }
    }

    static var requireCrossChecks: Bool { ProcessInfo.processInfo.environment["TENURE_REQUIRE_CROSSCHECKS"] == "1" }

    /// The peer's answer to `input` (encoded as JSON), or nil when the peer is unavailable.
    static func run<Input: Encodable, Output: Decodable>(_ peer: Peer, _ input: Input, as _: Output.Type) throws -> Output? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-uplift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("uplift_peers.py"), inputFile = dir.appendingPathComponent("input.json")
        let outputFile = dir.appendingPathComponent("output.json")
        try Data(Self.script.utf8).write(to: script)
        try JSONEncoder().encode(input).write(to: inputFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, peer.rawValue, inputFile.path, outputFile.path]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { return unavailable("python3 could not be started: \(error)") }
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 { return unavailable("python3 is not installed") }
        if process.terminationStatus == 3 {
            return unavailable("\(errorText.trimmingCharacters(in: .whitespacesAndNewlines)) (pip install \(peer.packages))")
        }
        guard process.terminationStatus == 0 else {
            Issue.record(Comment(rawValue: "uplift_peers.py \(peer.rawValue) failed: \(errorText)"))
            return nil
        }
        return try JSONDecoder().decode(Output.self, from: Data(contentsOf: outputFile))
    }

    private static func unavailable<T>(_ reason: String) -> T? {
        if requireCrossChecks {
            Issue.record(Comment(rawValue: "cross-check required but \(reason)"))
        } else {
            print("skipped cross-check: \(reason)")
        }
        return nil
    }

    /// Exit status 3 means a package is missing. NaN answers (statsmodels' z-test when every
    /// customer has the same outcome) are written as null.
    static let script = #"""
    import json, math, sys, warnings

    def clean(v):
        v = float(v)
        return v if math.isfinite(v) else None

    def statistics(data):
        import numpy as np
        from scipy import stats
        from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
        from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind
        out = {"proportions": [], "means": [], "quantiles": [], "survivals": []}
        for c in data["proportions"]:
            alpha = 1 - c["level"]
            nl, nu = confint_proportions_2indep(c["x1"], c["n1"], c["x2"], c["n2"], method="newcomb", compare="diff", alpha=alpha)
            wl, wu = confint_proportions_2indep(c["x1"], c["n1"], c["x2"], c["n2"], method="wald", compare="diff", alpha=alpha)
            z, p = proportions_ztest([c["x1"], c["x2"]], [c["n1"], c["n2"]])
            out["proportions"].append({"newcombe": [clean(nl), clean(nu)], "wald": [clean(wl), clean(wu)], "z": clean(z), "p": clean(p)})
        for c in data["means"]:
            a, b = np.array(c["treatment"]), np.array(c["control"])
            t, p, df = ttest_ind(a, b, usevar="unequal")
            low, upp = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(alpha=1 - c["level"], usevar="unequal")
            out["means"].append({"t": clean(t), "p": clean(p), "df": clean(df), "interval": [clean(low), clean(upp)]})
        for c in data["quantiles"]:
            out["quantiles"].append(clean(stats.t.ppf(c["p"], c["df"])))
        for c in data["survivals"]:
            out["survivals"].append(clean(stats.t.sf(c["t"], c["df"])))
        return out

    def qini(data):
        import numpy as np
        from sklearn.metrics import auc
        from sklift.metrics import perfect_qini_curve, qini_auc_score, qini_curve
        out = []
        for c in data:
            y, s, t = np.array(c["outcomes"], dtype=int), np.array(c["scores"]), np.array(c["treated"], dtype=int)
            x, q = qini_curve(y, s, t)
            px, pq = perfect_qini_curve(y, t)
            out.append({"customers": [int(v) for v in x], "incremental": [float(v) for v in q], "auc": float(auc(x, q)),
                        "perfectAuc": float(auc(px, pq)), "coefficient": clean(qini_auc_score(y, s, t))})
        return out

    def main():
        peer, source, target = sys.argv[1:4]
        try:
            import numpy
            if peer == "statistics":
                import scipy, statsmodels
            else:
                import sklift, sklearn
        except ImportError as error:
            print(f"python module {error.name} is not installed", file=sys.stderr)
            sys.exit(3)
        with open(source) as f:
            data = json.load(f)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = statistics(data) if peer == "statistics" else qini(data)
        with open(target, "w") as f:
            json.dump(result, f)

    main()
    """#
}
