#!/usr/bin/env python3
"""Regenerates the figure tables of BENCHMARKS.md from a benchmark record.

    render_benchmarks.py RECORD.json [--output BENCHMARKS.md] [--allow-quick]

RECORD.json is what `tenure bench all --json FILE` (or `tenure bench ingest --json FILE`) wrote
(scripts/bench/record.schema.json). The output keeps its hand-written prose; only the text between
a pair of markers is rewritten:

    <!-- generated:record -->             the machine, commit, build and command of the record
    <!-- end generated:record -->
    <!-- generated:ingest.import -->      one benchmark: the command that measures it alone, its
    <!-- end generated:ingest.import -->  figures, its peer's from the same run, and their ratio

A block naming a benchmark the record lacks is an error (its figures would go stale), and so is a
quick record over figures of a full-size run unless --allow-quick is given. A benchmark of the
record without a block gets one at the end of the file, to be moved beside its prose. Rerunning
with the same record changes nothing. Standard library only.
"""
import argparse
import json
import os
import re
import sys

BLOCK = re.compile(r"<!-- generated:([a-z0-9_.]+) -->\n(.*?)<!-- end generated:([a-z0-9_.]+) -->", re.S)
MARKER = re.compile(r"<!-- (end )?generated:([a-z0-9_.]+) -->")
QUICK = "quick run (sizes that only check that the benchmarks work: not figures to compare)"
FULL = "full-size run"


class RenderError(Exception):
    pass


def number(value):
    """A figure as the tables show it: whole numbers and values of 100 or more grouped by
    thousands, smaller ones to three significant digits."""
    if value != value:  # NaN
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def run_label(record):
    return QUICK if record.get("quick") else FULL


def machine_text(record):
    m = record["machine"]
    return f"{m['cores']} cores, {m['memory_bytes'] / 2**30:.1f} GiB, {m['system']}"


def commit_text(record):
    commit = record.get("commit")
    return f"commit `{commit[:12]}`" if commit else "commit unknown"


def render_record(record):
    command = record.get("command") or ("tenure bench all --json FILE" + (" --quick" if record.get("quick") else ""))
    lines = [
        f"Record of `{command}`, started {record['started_at']}: {run_label(record)}, "
        f"{commit_text(record)}, {record.get('build', 'unknown')} build; machine: {machine_text(record)}.",
        "Each table below gives the command that measures its benchmark alone. Tenure ÷ peer above 1 "
        "is better for Tenure when the figure is a rate (`_per_second`), below 1 when it is a time "
        "(`seconds`, `_ms`); for counts (`rows`, `members`) it must be 1.",
    ]
    return "\n".join(lines) + "\n"


def render_benchmark(record, entry):
    load = entry.get("load_average_before")
    head = (f"`{entry['command']}`: {run_label(record)}, {commit_text(record)}, {record.get('build', 'unknown')} build, "
            f"{machine_text(record)}" + (f", load average {load:.2f} before" if load is not None else "") + ".")
    figures, peer = entry["figures"], entry.get("peer")
    ratios = entry.get("ratios", {})
    if peer is None:
        rows = ["| figure | Tenure |", "|---|---:|"]
        rows += [f"| {name} | {number(figures[name])} |" for name in sorted(figures)]
        return head + " No peer in this run.\n\n" + "\n".join(rows) + "\n"
    theirs = peer["figures"]
    shared = sorted(set(figures) & set(theirs))
    order = shared + sorted(set(figures) - set(theirs)) + sorted(set(theirs) - set(figures))
    rows = [f"| figure | Tenure | {peer['name']} | Tenure ÷ peer |", "|---|---:|---:|---:|"]
    for name in order:
        mine = number(figures[name]) if name in figures else "—"
        other = number(theirs[name]) if name in theirs else "—"
        ratio = number(ratios[name]) + "×" if name in ratios else "—"
        rows.append(f"| {name} | {mine} | {other} | {ratio} |")
    return head + "\n\n" + "\n".join(rows) + "\n"


def render(record, text, allow_quick=False):
    """`text` with every generated block rewritten from `record`; raises RenderError."""
    if record.get("schema") != "tenure-bench-record/1":
        raise RenderError(f"not a tenure benchmark record (schema {record.get('schema')!r})")
    entries = {e["name"]: e for e in record["benchmarks"]}
    opened = [m.group(2) for m in MARKER.finditer(text) if not m.group(1)]
    blocks = list(BLOCK.finditer(text))
    for block in blocks:
        if block.group(1) != block.group(3):
            raise RenderError(f"block generated:{block.group(1)} ends with end generated:{block.group(3)}")
    if len(blocks) != len(opened) or len(opened) != len(MARKER.findall(text)) / 2:
        raise RenderError("a generated block is not closed (each `<!-- generated:NAME -->` needs its `<!-- end generated:NAME -->`)")
    names = [b.group(1) for b in blocks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RenderError(f"blocks appear twice: {', '.join(duplicates)}")
    for block in blocks:
        name = block.group(1)
        if name != "record" and name not in entries:
            raise RenderError(f"block generated:{name} has no benchmark in the record (it has: {', '.join(entries)})")
        if record.get("quick") and not allow_quick and FULL in block.group(2):
            raise RenderError(f"block generated:{name} holds a full-size run's figures; a quick record replaces them "
                              "only with --allow-quick")

    def replace(match):
        name = match.group(1)
        body = render_record(record) if name == "record" else render_benchmark(record, entries[name])
        return f"<!-- generated:{name} -->\n{body}<!-- end generated:{name} -->"

    out = BLOCK.sub(replace, text)
    missing = [n for n in entries if n not in names]
    if "record" not in names:
        missing.insert(0, "record")
    for name in missing:
        body = render_record(record) if name == "record" else render_benchmark(record, entries[name])
        out = out.rstrip("\n") + f"\n\n<!-- generated:{name} -->\n{body}<!-- end generated:{name} -->\n"
    return out, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("record")
    parser.add_argument("--output", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "BENCHMARKS.md"))
    parser.add_argument("--allow-quick", action="store_true", help="let a quick record replace a full-size run's figures")
    args = parser.parse_args()
    with open(args.record) as f:
        record = json.load(f)
    text = "# Benchmarks\n"
    if os.path.exists(args.output):
        with open(args.output) as f:
            text = f.read()
    try:
        out, added = render(record, text, allow_quick=args.allow_quick)
    except RenderError as error:
        print(f"render_benchmarks.py: {args.output}: {error}", file=sys.stderr)
        return 1
    if out != text:
        with open(args.output, "w") as f:
            f.write(out)
    for name in added:
        print(f"added block generated:{name} at the end of {args.output}: move it beside its prose", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
