#!/usr/bin/env python3
"""Independent DuckDB computation of Tenure's analytics, for cross-checks and benchmarks.

Input: an events CSV written by ActivitySnapshot.forEachCSVChunk (columns customer, day, type,
value; day = days since 1970-01-01 UTC; type 0 = Order Completed).

    analytics_duckdb.py crosscheck --events events.csv --out DIR --as-of DAY --window DAYS
        Writes DIR/cohort.csv        (cohort_month, offset, customers, on_or_after, revenue)
               DIR/churn.csv         (month, at_start, lost)
               DIR/rfm.csv           (customer, recency, frequency, monetary, r, f, m)
    analytics_duckdb.py bench --events events.csv --as-of DAY --window DAYS [--runs N] [--threads N]
        Prints the best and median time of each query in seconds, as JSON.

Months are numbered year * 12 + month - 1. Definitions (the same as the Swift engine's):
- cohort matrix: first-time monthly cohorts of any event; offset k counts customers with any
  event k months after their first month (k = 0: the cohort size); on_or_after counts those whose
  last active month is k or more months after; revenue sums event values in month cohort + k.
  Events after --as-of are ignored.
- non-contractual churn: purchases (type 0) up to --as-of; a customer is active at the start of a
  month if they bought in the --window days before it; lost in the month if active at its start
  and some purchase day d has no next purchase within d + window days, with d + window in the
  month and not after --as-of.
- RFM: purchases up to --as-of; scores NTILE(5) over customers ordered by last purchase day,
  purchase count and purchase total, ties by customer index.
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time

import duckdb

EPOCH = datetime.date(1970, 1, 1)


def month_number(day):
    d = EPOCH + datetime.timedelta(days=day)
    return d.year * 12 + d.month - 1


def month_bounds(month):
    y, m = divmod(month, 12)
    start = datetime.date(y, m + 1, 1)
    ny, nm = divmod(month + 1, 12)
    end = datetime.date(ny, nm + 1, 1) - datetime.timedelta(days=1)
    return (start - EPOCH).days, (end - EPOCH).days


def load(con, path):
    con.execute(
        "CREATE OR REPLACE TABLE ev AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'customer': 'INTEGER', 'day': 'INTEGER', 'type': 'SMALLINT', 'value': 'DOUBLE'})",
        [path],
    )
    first_day, = con.execute("SELECT min(day) FROM ev").fetchone()
    return first_day


def month_expr(col):
    return f"(year(DATE '1970-01-01' + {col}) * 12 + month(DATE '1970-01-01' + {col}) - 1)"


def cohort_sql(as_of):
    return f"""
        WITH e AS (SELECT customer, {month_expr('day')} AS m, value FROM ev WHERE day <= {as_of}),
        firsts AS (SELECT customer, min(m) AS cohort FROM e GROUP BY customer),
        act AS (SELECT DISTINCT customer, m FROM e)
        SELECT f.cohort, a.m - f.cohort AS k, count(*) AS n
        FROM firsts f JOIN act a USING (customer)
        GROUP BY ALL"""


def cohort_extras_sql(as_of):
    return f"""
        WITH e AS (SELECT customer, {month_expr('day')} AS m, value FROM ev WHERE day <= {as_of}),
        firsts AS (SELECT customer, min(m) AS cohort, max(m) AS last_m FROM e GROUP BY customer),
        offsets AS (SELECT cohort, unnest(generate_series(0, (SELECT max(m) FROM e) - cohort)) AS k
                    FROM (SELECT DISTINCT cohort FROM firsts)),
        reach AS (SELECT o.cohort, o.k, count(f.customer) AS on_or_after
                  FROM offsets o LEFT JOIN firsts f ON f.cohort = o.cohort AND f.last_m - f.cohort >= o.k
                  GROUP BY ALL),
        revenue AS (SELECT f.cohort, e.m - f.cohort AS k, sum(e.value) AS revenue
                    FROM firsts f JOIN e USING (customer) GROUP BY ALL)
        SELECT r.cohort, r.k, r.on_or_after, coalesce(v.revenue, 0)
        FROM reach r LEFT JOIN revenue v USING (cohort, k)"""


def churn_sql(as_of, window, months):
    values = ", ".join(f"({m}, {s}, {e})" for m, (s, e) in months)
    return f"""
        WITH p AS (SELECT DISTINCT customer, day FROM ev WHERE type = 0 AND day <= {as_of}),
        nx AS (SELECT customer, day, lead(day) OVER (PARTITION BY customer ORDER BY day) AS nxt FROM p),
        loss AS (SELECT customer, day + {window} AS lday FROM nx WHERE nxt IS NULL OR nxt > day + {window}),
        months(m, start_day, end_day) AS (VALUES {values}),
        active AS (SELECT DISTINCT mo.m, p.customer FROM months mo
                   JOIN p ON p.day BETWEEN mo.start_day - {window} AND mo.start_day - 1),
        lostc AS (SELECT DISTINCT mo.m, l.customer FROM months mo
                  JOIN loss l ON l.lday BETWEEN mo.start_day AND least(mo.end_day, {as_of}))
        SELECT mo.m, count(a.customer) AS at_start, count(lc.customer) AS lost
        FROM months mo LEFT JOIN active a ON a.m = mo.m
        LEFT JOIN lostc lc ON lc.m = a.m AND lc.customer = a.customer
        GROUP BY mo.m"""


def rfm_sql(as_of):
    return f"""
        WITH p AS (SELECT customer, max(day) AS last, count(*) AS f, sum(value) AS mon
                   FROM ev WHERE type = 0 AND day <= {as_of} GROUP BY customer)
        SELECT customer, {as_of} - last AS recency, f, mon,
               ntile(5) OVER (ORDER BY last, customer) AS r,
               ntile(5) OVER (ORDER BY f, customer) AS fs,
               ntile(5) OVER (ORDER BY mon, customer) AS ms
        FROM p"""


def months_between(first_day, as_of):
    return [(m, month_bounds(m)) for m in range(month_number(first_day), month_number(as_of) + 1)]


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(x) if isinstance(x, float) else str(x) for x in r) + "\n")


def crosscheck(args):
    con = duckdb.connect()
    first_day = load(con, args.events)
    os.makedirs(args.out, exist_ok=True)
    counts = {(c, k): n for c, k, n in con.execute(cohort_sql(args.as_of)).fetchall()}
    extras = con.execute(cohort_extras_sql(args.as_of)).fetchall()
    rows = sorted((c, k, counts.get((c, k), 0), reach, rev) for c, k, reach, rev in extras)
    write_csv(os.path.join(args.out, "cohort.csv"), ["cohort_month", "offset", "customers", "on_or_after", "revenue"], rows)
    months = months_between(first_day, args.as_of)
    churn = sorted(con.execute(churn_sql(args.as_of, args.window, months)).fetchall())
    write_csv(os.path.join(args.out, "churn.csv"), ["month", "at_start", "lost"], churn)
    rfm = sorted(con.execute(rfm_sql(args.as_of)).fetchall())
    write_csv(os.path.join(args.out, "rfm.csv"), ["customer", "recency", "frequency", "monetary", "r", "f", "m"], rfm)


def bench(args):
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    t = time.perf_counter()
    first_day = load(con, args.events)
    load_s = time.perf_counter() - t
    n, = con.execute("SELECT count(*) FROM ev").fetchone()
    months = months_between(first_day, args.as_of)
    queries = {
        "cohort retention matrix (monthly, first-time)": cohort_sql(args.as_of),
        "non-contractual churn per month (fixed window)": churn_sql(args.as_of, args.window, months),
        "RFM scores": rfm_sql(args.as_of),
    }
    out = {"events": n, "threads": args.threads, "duckdb": duckdb.__version__, "load_csv_seconds": load_s, "queries": {}}
    for name, sql in queries.items():
        times, cpu = [], []
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            # Materialized inside DuckDB so Python result conversion is not timed.
            con.execute(f"CREATE OR REPLACE TEMP TABLE result AS {sql}")
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["queries"][name] = {
            "best_seconds": min(times),
            "median_seconds": statistics.median(times),
            "best_cpu_seconds": min(cpu),
        }
    json.dump(out, sys.stdout, indent=2)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("crosscheck", "bench"):
        p = sub.add_parser(name)
        p.add_argument("--events", required=True)
        p.add_argument("--as-of", type=int, required=True, dest="as_of")
        p.add_argument("--window", type=int, required=True)
        if name == "crosscheck":
            p.add_argument("--out", required=True)
        else:
            p.add_argument("--runs", type=int, default=3)
            p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    crosscheck(args) if args.command == "crosscheck" else bench(args)


if __name__ == "__main__":
    main()
