/// `tenure bench all`: every benchmark that keeps a JSON record, one after the other, into one
/// record: ingestion (the import beside DuckDB, HTTP, the stages), segments beside DuckDB, and a
/// journey's campaign to a loopback webhook sink (its duplicates and misses counted by the sink),
/// the triggers of 10 journeys over the simulated shop, and pending waits' memory and lateness.
public enum BenchAll {
    /// Runs them at their default sizes (`quick`: at the sizes that only check they work), their
    /// generated files and databases in `folder`; `requirePeers` makes a missing peer a failure.
    /// Returns the record; nothing is returned when any of them fails.
    public static func run(quick: Bool, requirePeers: Bool, folder: String) async throws -> BenchRecord {
        var record = BenchRecord(quick: quick)
        var ingest = IngestBenchmark.Options()
        ingest.folder = folder
        ingest.quick = quick
        ingest.requirePeers = requirePeers
        try await IngestBenchmark.measure(ingest, into: &record)
        ingest.stages = true
        try await IngestBenchmark.measure(ingest, into: &record)
        var segments = SegmentsBenchmark.Options()
        segments.quick = quick
        segments.requirePeers = requirePeers
        try await SegmentsBenchmark.measure(segments, into: &record)
        var journeys = JourneysBenchmark.Options()
        journeys.quick = quick
        try await JourneysBenchmark.measure(journeys, into: &record)
        var triggers = JourneyTriggersBenchmark.Options()
        triggers.quick = quick
        try await JourneyTriggersBenchmark.measure(triggers, into: &record)
        var timers = JourneyTimersBenchmark.Options()
        timers.quick = quick
        try await JourneyTimersBenchmark.measure(timers, into: &record)
        return record
    }
}
