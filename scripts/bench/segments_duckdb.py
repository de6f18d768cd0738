#!/usr/bin/env python3
"""DuckDB's side of `tenure bench segments`: the benchmark's 5-condition segment in SQL over the
same data (customers.csv: customer, plan, rfm, churn_risk; events.csv: customer, day, event,
category, revenue), timed over RUNS runs after loading.

    segments_duckdb.py FOLDER AS_OF_DAY RUNS

Prints `duckdb_ms <median>` and `members <comma-separated sorted customer indices>`.
The segment (Tenure's text form):
  trait("plan") = "pro" and rfm in ["Champions", "Loyal", "Potential loyalist", "Needs attention",
  "About to sleep"] and churn_risk >= 0.3 and count("Order Completed", last 90 days, where
  category = "Tea") >= 1 and sum("Order Completed", revenue, last 365 days) > 60
"""
import statistics
import sys
import time

import duckdb

folder, as_of, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = duckdb.connect()
con.execute(f"CREATE TABLE customers AS SELECT * FROM read_csv('{folder}/customers.csv', header=true, "
            "columns={'customer': 'INTEGER', 'plan': 'VARCHAR', 'rfm': 'VARCHAR', 'churn_risk': 'DOUBLE'})")
con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{folder}/events.csv', header=true, "
            "columns={'customer': 'INTEGER', 'day': 'INTEGER', 'event': 'VARCHAR', 'category': 'VARCHAR', 'revenue': 'DOUBLE'})")
SQL = f"""
WITH tea AS (
  SELECT customer FROM events
  WHERE event = 'Order Completed' AND category = 'Tea' AND day BETWEEN {as_of} - 89 AND {as_of}
  GROUP BY customer HAVING count(*) >= 1),
spend AS (
  SELECT customer FROM events
  WHERE event = 'Order Completed' AND day BETWEEN {as_of} - 364 AND {as_of}
  GROUP BY customer HAVING sum(revenue) > 60)
SELECT c.customer FROM customers c
JOIN tea USING (customer) JOIN spend USING (customer)
WHERE c.plan = 'pro'
  AND c.rfm IN ('Champions', 'Loyal', 'Potential loyalist', 'Needs attention', 'About to sleep')
  AND c.churn_risk >= 0.3
ORDER BY c.customer
"""
times, rows = [], []
for _ in range(max(1, runs)):
    start = time.perf_counter()
    rows = con.execute(SQL).fetchall()
    times.append((time.perf_counter() - start) * 1000)
print(f"duckdb_ms {statistics.median(times):.3f}")
print("members " + ",".join(str(r[0]) for r in rows))
