#!/usr/bin/env python3
"""Independent check of mdrsim's Parquet output with pyarrow (not mdrsim's reader).

Runs the release binary, then reads every file it wrote with pyarrow: event logs,
result tables, and the hive-partitioned event dataset. Recomputes metrics from the
tables and compares them with runs.parquet. Fails loudly if pyarrow is missing.

Usage: cargo build --release && python3 tests/interop/check_parquet.py
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
except ImportError:
    print("error: pyarrow is not installed (pip install pyarrow); these tests cannot run", file=sys.stderr)
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


def mdrsim(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


with tempfile.TemporaryDirectory() as tmp:
    # A single run's event log.
    log = os.path.join(tmp, "log.parquet")
    out = json.loads(mdrsim("run", "--scenario", os.path.join(ROOT, "scenarios/identity-takeover.toml"), "--strategy", "ai_mdr", "--events", log, "--format", "json"))
    t = pq.read_table(log)
    meta = pq.ParquetFile(log).metadata.metadata
    check("event log has schema version 2", meta[b"mdrsim.schema_version"] == b"2")
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
        c = [x for x in camps if x["run"] == r["run"]]
        check(f"run {r['run']}: containment recomputes", sum(x["contained_at_ms"] is not None for x in c) == r["contained"])
    events = ds.dataset(os.path.join(res, "events"), format="parquet", partitioning="hive")
    table = events.to_table(columns=["type", "scenario", "strategy", "seed"])
    check("hive-partitioned events expose partition columns", set(table.column("strategy").to_pylist()) == {"ai_mdr", "legacy_mdr"})
    check("every run's log is in the dataset", len(set(zip(table.column("strategy").to_pylist(), table.column("seed").to_pylist()))) == 6)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
