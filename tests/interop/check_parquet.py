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
import re
import subprocess
import zlib
import sys
import tempfile

try:
    import duckdb
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
except ImportError as e:
    print(f"error: {e.name} is not installed (pip install pyarrow duckdb); these tests cannot run", file=sys.stderr)
    sys.exit(1)

from common import BIN, ROOT, check, close, finish, km_quantile, mdrsim, payloads


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


def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def from_log(path):
    """Containment credit and disruption, recomputed from a run's event log alone."""
    t = pq.read_table(path)
    header = json.loads(pq.ParquetFile(path).metadata.metadata[b"mdrsim.header"])
    ev = list(zip(t.column("seq").to_pylist(), t.column("at_ms").to_pylist(), payloads(t)))
    by_seq = {s: p for s, _, p in ev}
    label = {p["alert"]: p for _, _, p in ev if p["type"] == "alert_labeled"}
    malicious_campaign = [c.get("malicious", True) for c in header["campaigns"]]
    compromised, executed, released = {}, {}, {}
    raised = {p["alert"]: (at, p["entities"]) for _, at, p in ev if p["type"] == "alert_raised"}
    contained = incidental = 0
    for s, at, p in ev:
        if p["type"] == "attack_step_executed" and malicious_campaign[p["campaign"]]:
            compromised.setdefault(p["target"], at)
        elif p["type"] == "alert_labeled" and p["truth"] == "malicious":
            # The entities a malicious alert names are the attacker's, from its raise.
            when, entities = raised[p["alert"]]
            for t in entities:
                compromised[t] = min(compromised.get(t, when), when)
        elif p["type"] == "containment_executed" and p["action"] not in ("reset_credentials", "reimage_host", "revoke_grant"):
            executed[s] = (at, p["target"])
        elif p["type"] == "containment_released":
            released[p["execution"]] = at
        elif p["type"] == "campaign_stopped" and malicious_campaign[p["campaign"]]:
            decided_on = by_seq[p["containment"]]["alert"]
            if label[decided_on].get("campaign") == p["campaign"]:
                contained += 1
            else:
                incidental += 1
    disruption = 0
    for s, (at, target) in executed.items():
        end = released.get(s, header["horizon_ms"])
        if target in compromised:
            end = min(end, compromised[target])
        disruption += max(0, end - at)
    return header["run"], contained, incidental, disruption / 3_600_000


with tempfile.TemporaryDirectory() as tmp:
    # A single run's event log.
    log = os.path.join(tmp, "log.parquet")
    out = json.loads(mdrsim("run", "--scenario", os.path.join(ROOT, "scenarios/identity-takeover.toml"), "--strategy", "ai_mdr", "--events", log, "--format", "json"))
    t = pq.read_table(log)
    meta = pq.ParquetFile(log).metadata.metadata
    # The version docs/event-log.md documents, so the docs and the writer cannot drift.
    documented = re.search(r"`mdrsim.schema_version` \(now `(\d+)`", open("docs/event-log.md").read())
    check(
        f"event log has the documented schema version {documented.group(1)}",
        meta[b"mdrsim.schema_version"] == documented.group(1).encode(),
    )
    # Checksums recomputed with zlib (not mdrsim): the data pages' CRC-32 ("LENGTH:CRC").
    raw = open(log, "rb").read()
    length, crc = meta[b"mdrsim.data_crc32"].decode().split(":")
    check("Parquet log's data-page CRC-32 recomputes with zlib", f"{zlib.crc32(raw[:int(length)]):08x}" == crc)
    jl = os.path.join(tmp, "log.jsonl")
    mdrsim("run", "--scenario", os.path.join(ROOT, "scenarios/identity-takeover.toml"), "--strategy", "ai_mdr", "--events", jl, "--format", "json")
    body = open(jl, "rb").read()
    cut = body.rstrip(b"\n").rfind(b"\n") + 1
    end = json.loads(body[cut:])["end"]
    check("JSON Lines log's CRC-32 recomputes with zlib", f"{zlib.crc32(body[:cut]):08x}" == end["crc32"], end)
    check("event count matches metadata", t.num_rows == int(meta[b"mdrsim.events"]))
    check("seq is dense", t.column("seq").to_pylist() == list(range(t.num_rows)))
    types = t.column("type").to_pylist()
    check("alerts in log match metrics", types.count("alert_queued") == out["metrics"]["alerts"])
    check("verdicts in log match metrics", types.count("verdict_reached") == out["metrics"]["verdicts"])
    # The typed columns hold every field: rebuilt from them alone, each event is the one
    # the JSON Lines log of the same run writes (null fields left out of both).
    typed = payloads(t)
    lines = [json.loads(x) for x in body[:cut].splitlines()[1:]]
    as_written = [{k: v for k, v in e["payload"].items() if v is not None} for e in lines]
    check("typed Parquet columns rebuild every JSON Lines payload of the same run", typed == as_written, next(((a, b) for a, b in zip(typed, as_written) if a != b), None))
    check("typed columns keep seq and time", [(e["seq"], e["at"]) for e in lines] == list(zip(t.column("seq").to_pylist(), t.column("at_ms").to_pylist())))
    # DuckDB reads the typed columns directly, no JSON: verdicts by truth, joined on alert.
    con = duckdb.connect()
    tp = con.execute(f"""
        SELECT count(*) FROM read_parquet('{log}') v JOIN read_parquet('{log}') l USING (alert)
        WHERE v.type = 'verdict_reached' AND v.verdict = 'malicious'
          AND l.type = 'alert_labeled' AND l.truth = 'malicious'""").fetchone()[0]
    check("DuckDB counts true positives from the typed columns", tp == out["metrics"]["tp"], (tp, out["metrics"]["tp"]))

    # An evaluation with event logs.
    res = os.path.join(tmp, "res")
    suite = [os.path.join(ROOT, f"scenarios/{n}.toml") for n in ("friday-night-ransomware", "insider-before-termination")]
    # The oracle too: under footholds honest strategies rarely earn "contained" in 3
    # seeds, and the credit rule must be recomputed where it happens.
    strategies = {"ai_mdr", "legacy_mdr", "oracle", "threshold"}
    mdrsim("eval", "--suite", *suite, "--seeds", "3", "--strategies", ",".join(sorted(strategies)), "--events", "--out", res, "--format", "json")
    runs = pq.read_table(os.path.join(res, "runs.parquet")).to_pylist()
    alerts = pq.read_table(os.path.join(res, "alerts.parquet")).to_pylist()
    camps = pq.read_table(os.path.join(res, "campaigns.parquet")).to_pylist()
    backlog = pq.read_table(os.path.join(res, "backlog.parquet"))
    timeline = pq.read_table(os.path.join(res, "timeline.parquet")).to_pylist()
    check("runs.parquet carries each scenario's start", {r["start"] for r in runs} == {"2026-11-27T18:00:00-05:00", "2026-12-07T08:00:00+00:00"}, {r["start"] for r in runs})
    check("runs.parquet has one row per run", len(runs) == 24)
    # Each recomputation below can only fail if what it recomputes happens at all.
    for metric in ("disruption_hours", "stopped_incidentally", "contained", "unhandled", "false_containments", "missed"):
        check(f"the eval exercises {metric}", any(r[metric] for r in runs))
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
        check(f"run {r['run']}: incidental stops recompute", sum(x["stopped_incidentally"] for x in c) == r["stopped_incidentally"])
        dtc = [(x["contained_at_ms"] - x["detected_at_ms"]) / 1000 for x in c if x["contained_at_ms"] is not None and x["detected_at_ms"] is not None]
        check(f"run {r['run']}: detect-to-contain recomputes", close(median(dtc), r["detect_to_contain_p50_s"]))
        mal = [a for a in mine if a["truth"] == "malicious" and a["queued_at_ms"] is not None]
        caught = [a for a in mal if (a["verdict"] or a["customer_verdict"]) == "malicious"]
        check(f"run {r['run']}: malicious recall recomputes", close(len(caught) / len(mal) if mal else None, r["malicious_recall"]))
        check(f"run {r['run']}: missed recomputes", len(mal) - len(caught) == r["missed"])
        tp = sum(a["verdict"] == "malicious" and a["truth"] == "malicious" for a in decided)
        fp = sum(a["verdict"] == "malicious" and a["truth"] != "malicious" for a in decided)
        tn = sum(a["verdict"] == "benign" and a["truth"] != "malicious" for a in decided)
        fn = sum(a["verdict"] == "benign" and a["truth"] == "malicious" for a in decided)
        ba = (tp / (tp + fn) + tn / (tn + fp)) / 2 if tp + fn and tn + fp else None
        check(f"run {r['run']}: balanced accuracy recomputes", close(ba, r["balanced_accuracy"]))
        den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
        mcc = None if not decided else (0.0 if den == 0 else (tp * tn - fp * fn) / den)
        check(f"run {r['run']}: MCC recomputes", close(mcc, r["mcc"]))
        stated = [(a["confidence"] if a["verdict"] == "malicious" else 1 - a["confidence"], a["truth"] == "malicious") for a in decided]
        brier = sum((p - y) ** 2 for p, y in stated) / len(stated) if stated else None
        check(f"run {r['run']}: Brier score recomputes", close(brier, r["brier"]))
        check(f"run {r['run']}: unhandled recomputes", sum(bool(a["wait_ended_ms"]) and a["wait_ended_ms"][-1] is None for a in mine) == r["unhandled"])
        waits = []
        for a in mine:
            if not a["wait_started_ms"]:
                continue
            start, end = a["wait_started_ms"][0], a["wait_ended_ms"][0]
            if a["queue_wait_s"] is not None:
                waits.append((a["queue_wait_s"], True))
            else:
                waits.append((((end if end is not None else r["horizon_ms"]) - start) / 1000, False))
        check(f"run {r['run']}: censored queue-wait median recomputes (Kaplan-Meier)", close(km_quantile(waits, 0.5), r["queue_wait_p50_s"]))
        # docs/metrics.md: time in queue per queue entry, open waits up to the horizon.
        spans = [((e if e is not None else r["horizon_ms"]) - s0) / 1000 for a in mine for s0, e in zip(a["wait_started_ms"], a["wait_ended_ms"])]
        check(f"run {r['run']}: mean queue wait per entry recomputes", close(sum(spans) / len(spans) if spans else None, r["queue_wait_mean_s"]))
        served = [a["queue_wait_s"] for a in mine if a["queue_wait_s"] is not None]
        check(f"run {r['run']}: served mean queue wait recomputes", close(sum(served) / len(served) if served else None, r["queue_wait_served_mean_s"]))
        expired = sum(bool(a["expired"]) for a in mine)
        check(f"run {r['run']}: expired and its rate recompute", expired == r["expired"] and close(expired / r["alerts"] if r["alerts"] else None, r["expired_rate"]))
        started = [x for x in c if x["started_at_ms"] is not None]
        dwell = sum(((x["contained_at_ms"] if x["contained_at_ms"] is not None else r["horizon_ms"]) - x["started_at_ms"]) for x in started) / 3_600_000
        check(f"run {r['run']}: attacker dwell recomputes", close(dwell, r["attacker_dwell_hours"]))
        # The default cost table (docs/metrics.md), from its documented prices: impact by
        # each impacted campaign's objective (or stated worth), disruption by tier from
        # the alerts table, staff on shift, automation actions, customer hours,
        # eradications and call-outs from the alerts table.
        impact_price = {"data_breach": 4_880_000, "ransomware": 2_730_000, "business_email_compromise": 137_132, "insider_theft": 4_990_000}
        impact = sum(x["stated_worth"] if x["stated_worth"] is not None else impact_price[x["objective"]] for x in c if x["impact"])
        tiers = {"low": 7.87, "medium": 31.48, "high": 787, "critical": 300_000}
        disruption = sum(price * sum(a[f"disruption_{t}_ms"] for a in mine) / 3_600_000 for t, price in tiers.items())
        staffing = 57.87 * r["staffed_analyst_hours"] + 87.68 * r["staffed_expert_hours"] + 0.10 * sum(a["automation_actions"] for a in mine)
        eradication = sum(70 * a["credential_resets"] + 241.66 * a["host_reimages"] + 57.87 * a["grant_revocations"] for a in mine)
        callouts = 173.61 * sum(a["on_call_callouts"] for a in mine)
        customer = 57.87 * sum(a["customer_work_ms"] for a in mine) / 3_600_000
        cost = impact + disruption + staffing + eradication + callouts + customer + 0 * dwell
        check(f"run {r['run']}: cost recomputes from the documented default table", close(cost, r["cost"]), (cost, r["cost"]))
        check(f"run {r['run']}: impact cost recomputes from the campaigns table", close(impact, r["cost_impact"]))
        # AUC of the stated P(malicious): Mann–Whitney over (malicious, benign) pairs, ties half.
        pos = [p for p, y in stated if y]
        neg = [p for p, y in stated if not y]
        auc = (sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))) if pos and neg else None
        check(f"run {r['run']}: AUC recomputes", close(auc, r["auc"]), (auc, r["auc"]))
        # Time to resolution: Kaplan–Meier median over started campaigns, from the first
        # step to the credited containment, censored at the horizon.
        res_obs = [((x["contained_at_ms"] - x["started_at_ms"]) / 1000, True) if x["contained_at_ms"] is not None
                   else ((r["horizon_ms"] - x["started_at_ms"]) / 1000, False) for x in started]
        check(f"run {r['run']}: time to resolution recomputes (Kaplan-Meier)", close(km_quantile(res_obs, 0.5), r["time_to_resolution_p50_s"]))
        check(f"run {r['run']}: disruption recomputes from the alerts table", close(sum(a["disruption_ms"] for a in mine) / 3_600_000, r["disruption_hours"]))
    events = ds.dataset(os.path.join(res, "events"), format="parquet", partitioning="hive")
    table = events.to_table(columns=["type", "scenario", "strategy", "seed"])
    check("hive-partitioned events expose partition columns", set(table.column("strategy").to_pylist()) == strategies)
    check("every run's log is in the dataset", len(set(zip(table.column("scenario").to_pylist(), table.column("strategy").to_pylist(), table.column("seed").to_pylist()))) == 24)
    by_run = {r["run"]: r for r in runs}
    for root, _, files in os.walk(os.path.join(res, "events")):
        for f in files:
            run, contained, incidental, disruption = from_log(os.path.join(root, f))
            r = by_run[run]
            check(f"run {run}: credit and disruption recompute from the event log", (contained, incidental) == (r["contained"], r["stopped_incidentally"]) and close(disruption, r["disruption_hours"]), (contained, incidental, disruption, r["contained"], r["stopped_incidentally"], r["disruption_hours"]))
            # timeline.parquet against the log: containments and attack steps, one row each.
            log = pq.read_table(os.path.join(root, f))
            header = json.loads(pq.ParquetFile(os.path.join(root, f)).metadata.metadata[b"mdrsim.header"])
            payloads_at = list(zip(log.column("at_ms").to_pylist(), payloads(log)))
            mine = [t for t in timeline if t["run"] == run]
            seq_at = {s: at for s, at in zip(log.column("seq").to_pylist(), log.column("at_ms").to_pylist())}
            released = {}
            for s, (at, p) in zip(log.column("seq").to_pylist(), payloads_at):
                if p["type"] == "containment_released":
                    released[p["execution"]] = at
            executed = sorted((at, released.get(s)) for s, (at, p) in zip(log.column("seq").to_pylist(), payloads_at) if p["type"] == "containment_executed")
            check(f"run {run}: timeline containments and their releases are the log's", sorted((t["from_ms"], t["to_ms"]) for t in mine if t["kind"] == "containment") == executed, executed[:3])
            steps = sorted(at for at, p in payloads_at if p["type"] == "attack_step_executed" and header["campaigns"][p["campaign"]].get("malicious", True))
            check(f"run {run}: timeline attack steps are the log's", sorted(t["from_ms"] for t in mine if t["kind"] == "attack_step") == steps)
            # Capacity intervals of each pool tile [0, horizon) without gap or overlap.
            for who in {(t["party"], t["name"]) for t in mine if t["kind"] == "capacity"}:
                spans = sorted((t["from_ms"], t["to_ms"]) for t in mine if t["kind"] == "capacity" and (t["party"], t["name"]) == who)
                tiles = spans[0][0] == 0 and spans[-1][1] == r["horizon_ms"] and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
                check(f"run {run}: capacity of {who[1]} tiles the run", tiles, spans[:4])

    # DuckDB: the queries docs/results-schema.md shows.
    con = duckdb.connect()
    logs = con.execute(f"SELECT strategy, seed, count(*) FROM read_parquet('{res}/events/**/*.parquet', hive_partitioning = true) GROUP BY ALL").fetchall()
    logs = con.execute(f"SELECT scenario, strategy, seed, count(*) FROM read_parquet('{res}/events/**/*.parquet', hive_partitioning = true) GROUP BY ALL").fetchall()
    check("DuckDB reads the hive-partitioned events", len(logs) == 24 and {s for _, s, _, _ in logs} == strategies, logs)
    peaks = dict(con.execute(f"""
        WITH w AS (
          SELECT run, unnest(wait_started_ms) AS s, unnest(wait_ended_ms) AS e FROM '{res}/alerts.parquet'),
        steps AS (
          SELECT run, s AS t, 1 AS d FROM w UNION ALL SELECT run, e, -1 FROM w WHERE e IS NOT NULL),
        running AS (
          SELECT run, sum(d) OVER (PARTITION BY run ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM steps)
        SELECT run, max(n) AS peak_backlog FROM running GROUP BY run""").fetchall())
    check("DuckDB recomputes every peak backlog", all(peaks.get(r["run"], 0) == r["peak_backlog"] for r in runs), peaks)
    recall = dict(con.execute(f"""
        SELECT run, avg(CASE WHEN coalesce(verdict, customer_verdict) = 'malicious' THEN 1.0 ELSE 0.0 END)
        FROM '{res}/alerts.parquet' WHERE truth = 'malicious' AND queued_at_ms IS NOT NULL GROUP BY run""").fetchall())
    check("DuckDB recomputes every malicious recall", all(close(recall.get(r["run"]), r["malicious_recall"]) for r in runs), recall)
    ba = dict(con.execute(f"""
        SELECT run, (avg(CASE WHEN verdict = 'malicious' THEN 1.0 ELSE 0.0 END) FILTER (WHERE truth = 'malicious')
                   + avg(CASE WHEN verdict = 'benign' THEN 1.0 ELSE 0.0 END) FILTER (WHERE truth <> 'malicious')) / 2
        FROM '{res}/alerts.parquet' WHERE verdict IS NOT NULL GROUP BY run""").fetchall())
    check("DuckDB recomputes every balanced accuracy", all(close(ba.get(r["run"]), r["balanced_accuracy"]) for r in runs), ba)
    brier = dict(con.execute(f"""
        SELECT run, avg(power(CASE WHEN verdict = 'malicious' THEN confidence ELSE 1 - confidence END
                              - CASE WHEN truth = 'malicious' THEN 1 ELSE 0 END, 2))
        FROM '{res}/alerts.parquet' WHERE verdict IS NOT NULL GROUP BY run""").fetchall())
    check("DuckDB recomputes every Brier score", all(close(brier.get(r["run"]), r["brier"]) for r in runs), brier)
    mcc = dict(con.execute(f"""
        WITH c AS (
          SELECT run,
                 count(*) FILTER (WHERE verdict = 'malicious' AND truth = 'malicious')::DOUBLE AS tp,
                 count(*) FILTER (WHERE verdict = 'malicious' AND truth <> 'malicious')::DOUBLE AS fp,
                 count(*) FILTER (WHERE verdict = 'benign' AND truth <> 'malicious')::DOUBLE AS tn,
                 count(*) FILTER (WHERE verdict = 'benign' AND truth = 'malicious')::DOUBLE AS fn
          FROM '{res}/alerts.parquet' WHERE verdict IS NOT NULL GROUP BY run)
        SELECT run, CASE WHEN (tp+fp)*(tp+fn)*(tn+fp)*(tn+fn) = 0 THEN 0.0
                         ELSE (tp*tn - fp*fn) / sqrt((tp+fp)*(tp+fn)*(tn+fp)*(tn+fn)) END FROM c""").fetchall())
    check("DuckDB recomputes every MCC", all(close(mcc.get(r["run"]), r["mcc"]) for r in runs), mcc)
    unhandled = dict(con.execute(f"""
        SELECT run, count(*) FILTER (WHERE len(wait_ended_ms) > 0 AND wait_ended_ms[len(wait_ended_ms)] IS NULL)
        FROM '{res}/alerts.parquet' GROUP BY run""").fetchall())
    check("DuckDB recomputes every unhandled count", all(unhandled.get(r["run"], 0) == r["unhandled"] for r in runs), unhandled)
    per_run = {run: (dtc, dwell) for run, dtc, dwell in con.execute(f"""
        SELECT r.run,
               quantile_cont((c.contained_at_ms - c.detected_at_ms) / 1000.0, 0.5)
                 FILTER (WHERE c.contained_at_ms IS NOT NULL AND c.detected_at_ms IS NOT NULL),
               coalesce(sum(coalesce(c.contained_at_ms, r.horizon_ms) - c.started_at_ms)
                 FILTER (WHERE c.started_at_ms IS NOT NULL), 0) / 3600000.0
        FROM '{res}/runs.parquet' r LEFT JOIN '{res}/campaigns.parquet' c USING (run) GROUP BY r.run""").fetchall()}
    check("DuckDB recomputes detect-to-contain and attacker dwell", all(close(per_run[r["run"]][0], r["detect_to_contain_p50_s"]) and close(per_run[r["run"]][1], r["attacker_dwell_hours"]) for r in runs), per_run)
    costs = dict(con.execute(f"""
        SELECT r.run,
               coalesce((SELECT sum(coalesce(c.stated_worth, CASE c.objective
                    WHEN 'ransomware' THEN 2730000 WHEN 'business_email_compromise' THEN 137132
                    WHEN 'insider_theft' THEN 4990000 ELSE 4880000 END))
                 FROM '{res}/campaigns.parquet' c WHERE c.run = r.run AND c.impact), 0)
               + 7.87 * disruption_hours_low + 31.48 * disruption_hours_medium
               + 787 * disruption_hours_high + 300000 * disruption_hours_critical
               + 57.87 * staffed_analyst_hours + 87.68 * staffed_expert_hours + 0.10 * automation_actions
               + 57.87 * customer_work_hours + 70 * credential_resets + 241.66 * host_reimages
               + 57.87 * grant_revocations + 173.61 * on_call_callouts + 0 * attacker_dwell_hours
        FROM '{res}/runs.parquet' r""").fetchall())
    check("DuckDB recomputes every cost from the documented default table", all(close(costs[r["run"]], r["cost"]) for r in runs), costs)
    km = dict(con.execute(f"""
        WITH obs AS (
          SELECT a.run,
                 coalesce(a.queue_wait_s, (coalesce(a.wait_ended_ms[1], r.horizon_ms) - a.wait_started_ms[1]) / 1000.0) AS t,
                 (a.queue_wait_s IS NOT NULL)::INTEGER AS e
          FROM '{res}/alerts.parquet' a JOIN '{res}/runs.parquet' r USING (run) WHERE len(a.wait_started_ms) > 0),
        times AS (SELECT run, t, sum(e) AS d, count(*) AS c FROM obs GROUP BY run, t),
        risk AS (SELECT run, t, d, sum(c) OVER (PARTITION BY run ORDER BY t DESC) AS n FROM times),
        surv AS (
          SELECT run, t, d, exp(sum(CASE WHEN d = 0 THEN 0 WHEN d = n THEN -1e9 ELSE ln(1 - d / n) END)
                                OVER (PARTITION BY run ORDER BY t)) AS s FROM risk)
        SELECT run, min(t) FILTER (WHERE d > 0 AND s <= 0.5 + 1e-12) FROM surv GROUP BY run""").fetchall())
    check("DuckDB recomputes every Kaplan-Meier queue-wait median", all(close(km.get(r["run"]), r["queue_wait_p50_s"]) for r in runs), km)
    camp = {run: (inc, dis) for run, inc, dis in con.execute(f"""
        SELECT r.run, coalesce(c.incidental, 0), coalesce(a.disruption, 0) FROM '{res}/runs.parquet' r
        LEFT JOIN (SELECT run, count(*) FILTER (WHERE stopped_incidentally) AS incidental FROM '{res}/campaigns.parquet' GROUP BY run) c USING (run)
        LEFT JOIN (SELECT run, sum(disruption_ms) / 3600000.0 AS disruption FROM '{res}/alerts.parquet' GROUP BY run) a USING (run)""").fetchall()}
    check("DuckDB recomputes incidental stops and disruption", all(camp[r["run"]][0] == r["stopped_incidentally"] and close(camp[r["run"]][1], r["disruption_hours"]) for r in runs), camp)

    manifest = json.load(open(os.path.join(res, "manifest.json")))
    for name, entry in manifest["tables"].items():
        table_bytes = open(os.path.join(res, name), "rb").read()
        check(f"manifest CRC-32 of {name} recomputes with zlib", f"{zlib.crc32(table_bytes):08x}" == entry["crc32"])
        check(f"manifest row count of {name} matches", pq.ParquetFile(os.path.join(res, name)).metadata.num_rows == entry["rows"])

    # A sweep over a value with a slash: one percent-encoded hive level, decoded by pyarrow.
    sw = os.path.join(tmp, "sweep")
    mdrsim("eval", "--suite", os.path.join(ROOT, "scenarios/quiet-period.toml"), "--strategies", "legacy_mdr", "--seeds", "1", "--events",
           "--sweep", "provider.pools.analysts.schedule.tz=UTC,America/New_York", "--out", sw, "--format", "json")
    sweep = ds.dataset(os.path.join(sw, "events"), format="parquet", partitioning="hive").to_table(columns=["provider.pools.analysts.schedule.tz", "seed"])
    check("pyarrow decodes percent-encoded sweep values", set(sweep.column("provider.pools.analysts.schedule.tz").to_pylist()) == {"UTC", "America/New_York"})
    tzs = {r[0] for r in duckdb.sql(f"SELECT DISTINCT \"provider.pools.analysts.schedule.tz\" FROM read_parquet('{sw}/events/**/*.parquet', hive_partitioning = true)").fetchall()}
    check("DuckDB decodes percent-encoded sweep values", tzs == {"UTC", "America/New_York"}, tzs)

finish()
