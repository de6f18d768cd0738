#!/usr/bin/env python3
"""Independent DuckDB evaluation of segment expressions, for the segment cross-check
(Tests/TenureCoreTests/Segments/SegmentDuckDBCrossCheckTests.swift).

    segments_duckdb.py members --customers customers.json --events events.json \
        --as-of DAY --expressions expressions.json --out members.json

Input (JSON arrays; days are days since 1970-01-01 UTC):
- customers: [{"customer": 0, "created": 20100, "traits": {"plan": "free", "age": "41", ...}}, ...]
  (`created`, the day the profile was created, may be left out);
- events: [{"customer": 0, "day": 20450, "event": "Order Completed", "properties": {...}}, ...];
- expressions: [{"name": "...", "sql": "<a DuckDB boolean expression>"}, ...], each over a
  customer row `c` (customer, created, traits), its metrics row `m` (below) and correlated
  subqueries on `events`, using the macros below.

Output: a JSON list with, for each expression in order, the ascending customers it holds for.

The macros read a JSON value (SQL NULL when absent) with the semantics of Tenure's segments:
- `seg_number(x)`: a JSON number, or a string that is a finite number once spaces and tabs
  around it are trimmed; else NULL;
- `seg_string(x)`, `seg_boolean(x)`: a JSON string, a JSON boolean; else NULL;
- `seg_day(x)`: for a string, its day: `YYYY-MM-DD` as a date, anything else as a timestamp
  (an offset is honoured, none means UTC) floored to its UTC day; else NULL;
- `as_of()`: the evaluation day.

Metrics (table `metrics`, one row per customer, NULL when the customer lacks the metric):
- purchases are `Order Completed` events on or before as_of; the value of each is its `revenue`
  (`seg_number`, 0 when not a number) stored as a 32-bit float, as in the Swift snapshot;
- recency = as_of - last purchase day; frequency = purchase count; monetary = sum of values;
- r_score, f_score, m_score: NTILE(5) over purchasers ordered by last purchase day, purchase
  count and total, ties by customer index (RFMQuery's definition);
- days_since_signup = as_of - first-seen day, the earlier of `created` and the customer's first
  event of any name on any day; none when that day is after as_of (not signed up yet).
"""
import argparse
import json
import sys

import duckdb

MACROS = r"""
CREATE MACRO seg_string(x) AS CASE WHEN json_type(x) = 'VARCHAR' THEN json_extract_string(x, '$') END;
CREATE MACRO seg_boolean(x) AS CASE WHEN json_type(x) = 'BOOLEAN' THEN CAST(x AS BOOLEAN) END;
CREATE MACRO seg_parsed_number(s) AS TRY_CAST(trim(s, E' \t') AS DOUBLE);
CREATE MACRO seg_number(x) AS CASE
    WHEN json_type(x) IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') THEN CAST(x AS DOUBLE)
    WHEN json_type(x) = 'VARCHAR' AND isfinite(seg_parsed_number(json_extract_string(x, '$')))
        THEN seg_parsed_number(json_extract_string(x, '$'))
    END;
CREATE MACRO seg_string_day(s) AS CASE
    WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(s AS DATE) - DATE '1970-01-01'
    ELSE CAST(floor(epoch(TRY_CAST(s AS TIMESTAMPTZ)) / 86400) AS BIGINT)
    END;
CREATE MACRO seg_day(x) AS seg_string_day(seg_string(x));
"""

METRICS = """
CREATE TABLE metrics AS
WITH purchases AS (
    SELECT customer, max(day) AS last_day, count(*) AS n,
           sum(CAST(CAST(coalesce(seg_number(json_extract(properties, '$."revenue"')), 0) AS FLOAT) AS DOUBLE)) AS total
    FROM events WHERE event = 'Order Completed' AND day <= as_of() GROUP BY customer),
scored AS (
    SELECT *, ntile(5) OVER (ORDER BY last_day, customer) AS r,
              ntile(5) OVER (ORDER BY n, customer) AS f,
              ntile(5) OVER (ORDER BY total, customer) AS mm
    FROM purchases),
seen AS (
    SELECT c.customer, least(c.created, min(e.day)) AS first_day
    FROM customers c LEFT JOIN events e ON e.customer = c.customer GROUP BY c.customer, c.created)
SELECT c.customer,
       CAST(as_of() - s.last_day AS DOUBLE) AS recency, CAST(s.n AS DOUBLE) AS frequency, s.total AS monetary,
       CAST(s.r AS DOUBLE) AS r_score, CAST(s.f AS DOUBLE) AS f_score, CAST(s.mm AS DOUBLE) AS m_score,
       CASE WHEN seen.first_day <= as_of() THEN CAST(as_of() - seen.first_day AS DOUBLE) END AS days_since_signup
FROM customers c LEFT JOIN scored s ON s.customer = c.customer LEFT JOIN seen ON seen.customer = c.customer
"""


def load(con, customers, events, as_of):
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE customers AS SELECT * FROM read_json(?, format = 'array', "
        "columns = {'customer': 'INTEGER', 'created': 'INTEGER', 'traits': 'JSON'})",
        [customers],
    )
    con.execute(
        "CREATE TABLE events AS SELECT * FROM read_json(?, format = 'array', "
        "columns = {'customer': 'INTEGER', 'day': 'INTEGER', 'event': 'VARCHAR', 'properties': 'JSON'})",
        [events],
    )
    con.execute(f"CREATE MACRO as_of() AS {int(as_of)}")
    for statement in MACROS.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(METRICS)


def members(con, sql):
    rows = con.execute(
        f"SELECT c.customer FROM customers c LEFT JOIN metrics m ON m.customer = c.customer WHERE {sql} ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("members")
    m.add_argument("--customers", required=True)
    m.add_argument("--events", required=True)
    m.add_argument("--as-of", type=int, required=True)
    m.add_argument("--expressions", required=True)
    m.add_argument("--out", required=True)
    args = parser.parse_args()

    con = duckdb.connect()
    load(con, args.customers, args.events, args.as_of)
    with open(args.expressions) as f:
        expressions = json.load(f)
    out = []
    for e in expressions:
        try:
            out.append(members(con, e["sql"]))
        except duckdb.Error as error:
            sys.exit(f"expression {e['name']!r} failed in DuckDB: {error}\nSQL: {e['sql']}")
    with open(args.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
