import Foundation
import TenureCore

/// Times BTYD fits on simulated, day-granular customer bases (for `tenure bench predict`).
public enum BTYDBenchmark {
    /// A CDNOW-like simulated base: first purchases spread over 84 days, observed until day 273
    /// (39 weeks), purchase days rounded down to whole days, reported in weeks — the shape of real
    /// transaction summaries, which therefore collapse into patterns.
    public static func simulateCDNOWLike(
        customers: Int, seed: UInt64, pareto: Bool
    ) -> BTYDSimulation.Customers {
        var generator = SeededGenerator(seed: seed)
        let ageDays = (0..<customers).map { _ in 273 - Int(generator.next() % 84) }
        let ages = ageDays.map { Double($0) / 7 }
        var simulated = pareto
            ? BTYDSimulation.paretoNBD(ParetoNBDModel(r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67), ages: ages, using: &generator)
            : BTYDSimulation.bgnbd(BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426), ages: ages, using: &generator)
        for i in 0..<customers {
            simulated.recency[i] = min(Double(Int(simulated.recency[i] * 7)), Double(ageDays[i])) / 7
        }
        return simulated
    }

    /// Simulates `customers` BG/NBD customers and `paretoCustomers` (default min(customers, 100 000))
    /// Pareto/NBD customers, then times collapse + fit (with standard errors) of each. Keys:
    /// `bgnbd.customers`, `bgnbd.patterns`, `bgnbd.collapse_seconds`, `bgnbd.fit_seconds`,
    /// `bgnbd.total_seconds`, `bgnbd.iterations`, `bgnbd.log_likelihood`, `bgnbd.r`, `bgnbd.alpha`,
    /// `bgnbd.a`, `bgnbd.b`, and the same with prefix `pareto_nbd.` (parameters r, alpha, s, beta).
    /// `*_seconds` are wall-clock, `*_cpu_seconds` the CPU time of the process over all threads (the
    /// likelihood sums run on up to `activeProcessorCount` threads above 32k patterns). A failed fit reports `<prefix>.failed = 1`.
    public static func run(customers: Int, seed: UInt64, paretoCustomers: Int? = nil) -> [String: Double] {
        var results: [String: Double] = [:]
        let bg = simulateCDNOWLike(customers: customers, seed: seed, pareto: false)
        time(prefix: "bgnbd", bg, into: &results) { (data) throws(BTYDError) in try BGNBDModel.fit(data) }
        let paretoCount = paretoCustomers ?? min(customers, 100_000)
        let pn = simulateCDNOWLike(customers: paretoCount, seed: seed &+ 1, pareto: true)
        time(prefix: "pareto_nbd", pn, into: &results) { (data) throws(BTYDError) in try ParetoNBDModel.fit(data) }
        return results
    }

    private static func time<M: BTYDModel>(
        prefix: String, _ customers: BTYDSimulation.Customers, into results: inout [String: Double],
        fit: (RFMPatterns) throws(BTYDError) -> BTYDFit<M>
    ) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = processCPUSeconds()
        results["\(prefix).customers"] = Double(customers.frequency.count)
        do {
            let patterns = try RFMPatterns(frequency: customers.frequency, recency: customers.recency, age: customers.age)
            let collapsed = clock.now
            let cpuCollapsed = processCPUSeconds()
            let result = try fit(patterns)
            let end = clock.now
            let cpuEnd = processCPUSeconds()
            results["\(prefix).collapse_cpu_seconds"] = cpuCollapsed - cpuStart
            results["\(prefix).fit_cpu_seconds"] = cpuEnd - cpuCollapsed
            results["\(prefix).total_cpu_seconds"] = cpuEnd - cpuStart
            results["\(prefix).patterns"] = Double(patterns.count)
            results["\(prefix).collapse_seconds"] = (collapsed - start).inSeconds
            results["\(prefix).fit_seconds"] = (end - collapsed).inSeconds
            results["\(prefix).total_seconds"] = (end - start).inSeconds
            results["\(prefix).iterations"] = Double(result.iterations)
            results["\(prefix).evaluations"] = Double(result.evaluations)
            results["\(prefix).log_likelihood"] = result.logLikelihood
            for (name, value) in zip(M.parameterNames, result.parameters) { results["\(prefix).\(name)"] = value }
        } catch {
            results["\(prefix).failed"] = 1
        }
    }
}
