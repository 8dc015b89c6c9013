"""Recorded scenarios checked independently: the expected values are computed here from
the raw dataset files (Python's json, no mdrsim code) and compared with what DuckDB
reads from an eval's Parquet results and event logs.

- every CloudTrail record of the S3 recording arrives in the overlay at
  Saturday 22:00 + (its @timestamp - the first record's), for a provider that contains
  nothing;
- the malicious alerts are exactly the calls made through the stolen role (raw:
  userIdentity.type AssumedRole, sessionIssuer.type Role), all from SigmaHQ's AssumeRole
  rule, for every provider that runs rules; none for legacy_mdr, which runs none;
- LSASS: the malicious alerts' triggering records are the derived table's rows (event
  id and time field);
- Golden SAML: an oracle run is contained exactly when it sees no mailbox read and
  has no impact (a rule's alert waits its detection latency, so the oracle does not
  always beat the read; it does in at least one of the two seeds); dismiss_all's runs
  see both records of it and reach impact;
- a synthetic scenario exported as a recording: checksum, record count, and an eval of
  the recording equal to the spec's."""
import csv
import json
import os
import tempfile

import duckdb

from common import ROOT, check, finish, mdrsim

S3_RAW = os.path.join(ROOT, "datasets/otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration/ec2_proxy_s3_exfiltration_2020-09-14011940.json")
LSASS_TSV = os.path.join(ROOT, "datasets/derived/lsass_comsvcs_expected_sigma_hits.tsv")


def ms(text):
    from datetime import datetime
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def main():
    raw = [json.loads(l) for l in open(S3_RAW) if l.strip()]
    times = {r["eventID"]: ms(r.get("eventTime") or r["@timestamp"]) for r in raw}
    t0 = min(times.values())
    stolen = {
        r["eventID"] for r in raw
        if r["userIdentity"].get("type") == "AssumedRole"
        and r["userIdentity"].get("sessionContext", {}).get("sessionIssuer", {}).get("type") == "Role"
    }
    check("the raw recording has the eleven stolen-role calls", len(stolen) == 11, len(stolen))

    res = os.path.join(tempfile.mkdtemp(), "rec")
    mdrsim("eval", "--suite", os.path.join(ROOT, "datasets/scenarios"), "--seeds", "2",
           "--strategies", "ai_mdr,dismiss_all,escalate_all,legacy_mdr,oracle", "--events", "--out", res, "--format", "json")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW runs AS SELECT * FROM read_parquet('{res}/runs.parquet')")
    con.execute(f"CREATE VIEW alerts AS SELECT a.*, r.scenario, r.strategy, r.seed FROM read_parquet('{res}/alerts.parquet') a JOIN runs r USING (run)")
    con.execute(f"CREATE VIEW campaigns AS SELECT c.*, r.scenario, r.strategy, r.seed FROM read_parquet('{res}/campaigns.parquet') c JOIN runs r USING (run)")
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{res}/events/**/*.parquet', hive_partitioning = true)")

    # Arrival times of every recorded CloudTrail record (dismiss_all contains nothing).
    at = 8 * 3600 * 1000
    rows = con.execute("""
        SELECT seed, fields['eventID'] AS id, at_ms
        FROM events WHERE scenario = 's3-exfiltration-overlay' AND strategy = 'dismiss_all'
          AND type = 'telemetry_observed' AND fields['eventID'] IS NOT NULL
    """).fetchall()
    for seed in (1, 2):
        got = {i: t for s, i, t in rows if s == seed}
        want = {i: at + (t - t0) for i, t in times.items()}
        check(f"seed {seed}: all {len(want)} recorded records arrive at Saturday 22:00 + their offset", got == want,
              f"{len(got)} arrived; first difference {next(((i, got.get(i), w) for i, w in want.items() if got.get(i) != w), None)}")

    # Malicious alerts: the stolen role's calls, one SigmaHQ rule.
    mal = con.execute("""
        SELECT a.strategy, a.seed, count(*), list(DISTINCT a.rule),
               list(e.fields['eventID'])
        FROM alerts a
        JOIN events e ON e.scenario = a.scenario AND e.strategy = a.strategy AND e.seed = a.seed
             AND e.type = 'alert_raised' AND e.alert = a.alert
        WHERE a.scenario = 's3-exfiltration-overlay' AND a.truth = 'malicious'
        GROUP BY ALL
    """).fetchall()
    by = {(s, seed): (n, rules) for s, seed, n, rules, _ in mal}
    # Strategies that never contain see all eleven calls alerted.
    for s in ("escalate_all", "dismiss_all"):
        for seed in (1, 2):
            n, rules = by.get((s, seed), (0, []))
            check(f"{s} seed {seed}: 11 malicious alerts, all from the AssumeRole rule",
                  n == 11 and rules == ["sigma/AWS STS AssumeRole Misuse"], (n, rules))
    # ai_mdr runs the same rules but contains at a low belief: a containment of the role
    # decided on an earlier benign alert can keep the calls from happening at all.
    for seed in (1, 2):
        n, rules = by.get(("ai_mdr", seed), (0, []))
        check(f"ai_mdr seed {seed}: at most 11 malicious alerts, only from the AssumeRole rule",
              n <= 11 and rules in ([], ["sigma/AWS STS AssumeRole Misuse"]), (n, rules))
    check("legacy_mdr never has an alert of the recorded attack",
          all(s != "legacy_mdr" for s, _ in by), sorted(by))
    triggered = con.execute("""
        SELECT DISTINCT t.fields['eventID']
        FROM alerts a
        JOIN events e ON e.scenario = a.scenario AND e.strategy = a.strategy AND e.seed = a.seed
             AND e.type = 'alert_raised' AND e.alert = a.alert
        JOIN events t ON t.scenario = a.scenario AND t.strategy = a.strategy AND t.seed = a.seed
             AND t.seq = e.telemetry
        WHERE a.scenario = 's3-exfiltration-overlay' AND a.truth = 'malicious' AND a.strategy = 'dismiss_all'
    """).fetchall()
    check("the malicious alerts' records are the stolen role's calls", {r[0] for r in triggered} == stolen,
          sorted(r[0] for r in triggered))

    # LSASS: the derived table's rows.
    table = list(csv.DictReader(open(LSASS_TSV), delimiter="\t"))
    want = sorted((r["sigma_rule_title"], r["EventID"], r["UtcTime_or_TimeCreated"]) for r in table)
    got = con.execute("""
        SELECT a.rule, t.fields['EventID'],
               coalesce(t.fields['UtcTime'], t.fields['TimeCreated'])
        FROM alerts a
        JOIN events e ON e.scenario = a.scenario AND e.strategy = a.strategy AND e.seed = a.seed
             AND e.type = 'alert_raised' AND e.alert = a.alert
        JOIN events t ON t.scenario = a.scenario AND t.strategy = a.strategy AND t.seed = a.seed
             AND t.seq = e.telemetry
        WHERE a.scenario = 'lsass-comsvcs' AND a.truth = 'malicious' AND a.strategy = 'dismiss_all' AND a.seed = 1
    """).fetchall()
    got = sorted((rule.removeprefix("sigma/"), eid, t) for rule, eid, t in got)
    check("LSASS: the malicious alerts are the derived table's rows", got == want, got)

    # Golden SAML: containment stops the mailbox read.
    reads = dict(con.execute("""
        SELECT strategy, count(*) FROM events
        WHERE scenario = 'golden-saml' AND type = 'telemetry_observed'
          AND (fields['ActionType'] = 'MailItemsAccessed'
               OR fields['Operation'] = 'MailItemsAccessed')
        GROUP BY ALL
    """).fetchall())
    check("Golden SAML: dismiss_all's two runs see both mail-read records", reads.get("dismiss_all") == 4, reads)
    per_seed = dict(con.execute("""
        SELECT seed, count(*) FROM events
        WHERE scenario = 'golden-saml' AND strategy = 'oracle' AND type = 'telemetry_observed'
          AND (fields['ActionType'] = 'MailItemsAccessed'
               OR fields['Operation'] = 'MailItemsAccessed')
        GROUP BY ALL
    """).fetchall())
    oracle = con.execute("""
        SELECT seed, contained_at_ms IS NOT NULL, impact FROM campaigns
        WHERE scenario = 'golden-saml' AND strategy = 'oracle' ORDER BY seed
    """).fetchall()
    check("Golden SAML: an oracle run is contained exactly when it sees no mailbox read and has no impact",
          len(oracle) == 2 and any(c for _, c, _ in oracle)
          and all(c == (per_seed.get(seed, 0) == 0) and i == (not c) for seed, c, i in oracle),
          (oracle, per_seed))
    outcome = dict(con.execute("""
        SELECT strategy, list(contained_at_ms IS NOT NULL ORDER BY seed) || list(impact ORDER BY seed)
        FROM campaigns WHERE scenario = 'golden-saml' GROUP BY ALL
    """).fetchall())
    check("Golden SAML: dismiss_all never contains and reaches impact in both runs",
          outcome.get("dismiss_all") == [False, False, True, True], outcome)
    check_export()
    finish()


def check_export():
    """A materialised world read by Python: its checksum recomputed, its telemetry
    records counted against the spec's uncontained run, and the scores of an eval of the
    recording equal to the spec's, column by column, in DuckDB."""
    import zlib
    tmp = tempfile.mkdtemp()
    spec = os.path.join(ROOT, "scenarios/friday-night-ransomware.toml")
    world = os.path.join(tmp, "world.jsonl")
    mdrsim("scenario", "export", spec, "--seed", "4", "--out", world)
    text = open(world, "rb").read()
    body, end = text[: text.rstrip(b"\n").rfind(b"\n") + 1], json.loads(text.rstrip(b"\n").rsplit(b"\n", 1)[1])
    check("export: the CRC-32 of the body is the end line's", f"{zlib.crc32(body):08x}" == end["end"]["crc32"], end)
    lines = [json.loads(l) for l in body.splitlines()]
    header, records = lines[0]["recording"], lines[1:]
    check("export: the header names its seed and carries the scenario", header["seed"] == 4 and 'name = "friday-night-ransomware"' in header["scenario"])
    check("export: one line per record, as the end line says", len(records) == end["end"]["records"], (len(records), end))
    telemetry = sum(1 for r in records if r["kind"] == "telemetry")

    out_spec, out_world = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    strategies = "ai_mdr,legacy_mdr,threshold,dismiss_all"
    mdrsim("eval", "--suite", spec, "--seeds", "4..4", "--strategies", strategies, "--events", "--out", out_spec, "--format", "json")
    mdrsim("eval", "--suite", world, "--seeds", "4..4", "--strategies", strategies, "--out", out_world, "--format", "json")
    con = duckdb.connect()
    observed = con.execute(f"""
        SELECT count(*) FROM read_parquet('{out_spec}/events/**/*.parquet', hive_partitioning = true)
        WHERE strategy = 'dismiss_all' AND type = 'telemetry_observed'
    """).fetchone()[0]
    check("export: its telemetry records are the uncontained run's", telemetry == observed, (telemetry, observed))
    cols = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('{out_spec}/runs.parquet'))").fetchall()
            if c not in ("run", "scenario_hash")]
    a = con.execute(f"SELECT {', '.join(cols)} FROM read_parquet('{out_spec}/runs.parquet') ORDER BY strategy").fetchall()
    b = con.execute(f"SELECT {', '.join(cols)} FROM read_parquet('{out_world}/runs.parquet') ORDER BY strategy").fetchall()
    check(f"export: every runs.parquet column ({len(cols)}) of the recording's eval equals the spec's", len(a) == 4 and a == b,
          next(((x, y) for x, y in zip(a, b) if x != y), None))


if __name__ == "__main__":
    main()
