#!/usr/bin/env python3
"""Independent check of mdrsim's Parquet output with pyarrow and DuckDB (not mdrsim's
reader).

Runs the release binary, then reads every file it wrote with pyarrow: event logs,
result tables, and the hive-partitioned event dataset. Recomputes metrics from the
tables in plain Python and compares them with runs.parquet; runs the SQL that
docs/results-schema.md documents in DuckDB. Fails loudly if pyarrow or duckdb is
missing.

Usage: cargo build --release && python3 tests/interop/check_parquet.py
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import duckdb
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
except ImportError as e:
    print(f"error: {e.name} is not installed (pip install pyarrow duckdb); these tests cannot run", file=sys.stderr)
    sys.exit(1)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "mdrsim")
passed, failed = 0, 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def peak_backlog(alerts):
    """Most waits open at the end of any instant: +1 at a start, -1 at an end, ends first."""
    steps = []
    for a in alerts:
        for s, e in zip(a["wait_started_ms"], a["wait_ended_ms"]):
            steps.append((s, 1))
            if e is not None:
                steps.append((e, -1))
    now = peak = 0
    for _, d in sorted(steps):
        now += d
        peak = max(peak, now)
    return peak


def mdrsim(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


with tempfile.TemporaryDirectory() as tmp:
    # A single run's event log.
    log = os.path.join(tmp, "log.parquet")
    out = json.loads(mdrsim("run", "--scenario", os.path.join(ROOT, "scenarios/identity-takeover.toml"), "--strategy", "ai_mdr", "--events", log, "--format", "json"))
    t = pq.read_table(log)
    meta = pq.ParquetFile(log).metadata.metadata
    check("event log has schema version 3", meta[b"mdrsim.schema_version"] == b"3")
    check("event count matches metadata", t.num_rows == int(meta[b"mdrsim.events"]))
    check("seq is dense", t.column("seq").to_pylist() == list(range(t.num_rows)))
    types = t.column("type").to_pylist()
    check("alerts in log match metrics", types.count("alert_queued") == out["metrics"]["alerts"])
    check("verdicts in log match metrics", types.count("verdict_reached") == out["metrics"]["verdicts"])
    payloads = [json.loads(p) for p in t.column("payload").to_pylist()]
    check("payload JSON carries its type", all(p["type"] == ty for p, ty in zip(payloads, types)))

    # An evaluation with event logs.
    res = os.path.join(tmp, "res")
    mdrsim("eval", "--suite", os.path.join(ROOT, "scenarios/friday-night-ransomware.toml"), "--seeds", "3", "--strategies", "ai_mdr,legacy_mdr", "--events", "--out", res, "--format", "json")
    runs = pq.read_table(os.path.join(res, "runs.parquet")).to_pylist()
    alerts = pq.read_table(os.path.join(res, "alerts.parquet")).to_pylist()
    camps = pq.read_table(os.path.join(res, "campaigns.parquet")).to_pylist()
    backlog = pq.read_table(os.path.join(res, "backlog.parquet"))
    check("runs.parquet has one row per run", len(runs) == 6)
    check("backlog.parquet is readable", backlog.num_rows > 0)
    for r in runs:
        mine = [a for a in alerts if a["run"] == r["run"]]
        check(f"run {r['run']}: alerts recompute", sum(a["queued_at_ms"] is not None for a in mine) == r["alerts"])
        check(f"run {r['run']}: escalations recompute", sum(a["escalated"] for a in mine) == r["escalated"])
        check(f"run {r['run']}: peak backlog recomputes", peak_backlog(mine) == r["peak_backlog"])
        check(f"run {r['run']}: customer work recomputes", sum(a["customer_work_ms"] for a in mine) / 3_600_000 == r["customer_work_hours"])
        check(f"run {r['run']}: provider work recomputes", sum(a["provider_work_ms"] for a in mine) / 3_600_000 == r["provider_work_hours"])
        check(f"run {r['run']}: false containments recompute", sum(a["false_containments"] for a in mine) == r["false_containments"])
        decided = [a for a in mine if a["verdict"] is not None]
        coverage = sum(a["evidence_resolves"] for a in decided) / len(decided) if decided else None
        check(f"run {r['run']}: evidence coverage recomputes", coverage == r["evidence_coverage"])
        c = [x for x in camps if x["run"] == r["run"]]
        check(f"run {r['run']}: containment recomputes", sum(x["contained_at_ms"] is not None for x in c) == r["contained"])
    events = ds.dataset(os.path.join(res, "events"), format="parquet", partitioning="hive")
    table = events.to_table(columns=["type", "scenario", "strategy", "seed"])
    check("hive-partitioned events expose partition columns", set(table.column("strategy").to_pylist()) == {"ai_mdr", "legacy_mdr"})
    check("every run's log is in the dataset", len(set(zip(table.column("strategy").to_pylist(), table.column("seed").to_pylist()))) == 6)

    # DuckDB: the queries docs/results-schema.md shows.
    con = duckdb.connect()
    logs = con.execute(f"SELECT strategy, seed, count(*) FROM read_parquet('{res}/events/**/*.parquet', hive_partitioning = true) GROUP BY ALL").fetchall()
    check("DuckDB reads the hive-partitioned events", len(logs) == 6 and {s for s, _, _ in logs} == {"ai_mdr", "legacy_mdr"}, logs)
    peaks = dict(con.execute(f"""
        WITH w AS (
          SELECT run, unnest(wait_started_ms) AS s, unnest(wait_ended_ms) AS e FROM '{res}/alerts.parquet'),
        steps AS (
          SELECT run, s AS t, 1 AS d FROM w UNION ALL SELECT run, e, -1 FROM w WHERE e IS NOT NULL),
        running AS (
          SELECT run, sum(d) OVER (PARTITION BY run ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM steps)
        SELECT run, max(n) AS peak_backlog FROM running GROUP BY run""").fetchall())
    check("DuckDB recomputes every peak backlog", all(peaks.get(r["run"], 0) == r["peak_backlog"] for r in runs), peaks)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
