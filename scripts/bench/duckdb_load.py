"""Times DuckDB loading a transactions CSV into a table (the peer figure for `tenure bench ingest`).

Usage: python3 duckdb_load.py FILE.csv  -> prints `seconds rows`
"""
import sys, time, tempfile, os
import duckdb

path = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    con = duckdb.connect(os.path.join(d, "bench.duckdb"))
    start = time.perf_counter()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{path}', header=true)")
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
    print(f"{seconds:.3f} {rows}")
