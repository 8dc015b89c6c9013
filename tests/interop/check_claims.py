#!/usr/bin/env python3
"""Independent check of `mdrsim claims` and `mdrsim check`: their estimates, intervals
(where they are closed-form), changes and verdicts recomputed from the result tables
with pyarrow and DuckDB — not with mdrsim's code.

- claims: pooled ratios (escalation, malicious recall), the Wilson interval of the
  pooled containment share, the Kaplan–Meier median of detect→contain (censored at the
  horizon), the Student-t interval of a mean; each verdict from those intervals.
- check: baseline and current estimates of a degraded strategy, their change, and the
  verdict of rules that need no resampling (significant = false).

Usage: cargo build --release && python3 tests/interop/check_claims.py
"""
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import duckdb
    import pyarrow.parquet as pq
except ImportError as e:
    print(f"error: {e.name} is not installed (pip install pyarrow duckdb); these tests cannot run", file=sys.stderr)
    sys.exit(1)

from common import ROOT, check, close, finish, km_quantile, run

# Student's t, 0.975 quantile, 35 degrees of freedom (6 scenarios × 6 seeds − 1);
# from standard tables (R: qt(0.975, 35) = 2.030108).
T_975_35 = 2.0301079282503425


def wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(op, lo, hi, bound):
    holds = {"<=": lambda x: x <= bound, ">=": lambda x: x >= bound}[op]
    if holds(lo) and holds(hi):
        return "pass"
    if not holds(lo) and not holds(hi):
        return "fail"
    return "inconclusive"


def pooled(res, strategy, num, den, scenario=None):
    where = f"strategy = '{strategy}'" + (f" AND scenario = '{scenario}'" if scenario else "")
    return duckdb.sql(f"SELECT sum({num})::DOUBLE, sum({den})::DOUBLE FROM '{res}/runs.parquet' WHERE {where}").fetchall()[0]


with tempfile.TemporaryDirectory() as tmp:
    res = os.path.join(tmp, "res")
    run("eval", "--strategies", "threshold,ai_mdr", "--seeds", "6", "--out", res, "--format", "json")
    claims = os.path.join(tmp, "claims.toml")
    with open(claims, "w") as f:
        f.write(f"""suite = [{json.dumps(os.path.join(ROOT, "scenarios"))}]
strategy = "threshold"
seeds = 6
[[claims]]
claim = "escalation_rate <= 0.05"
[[claims]]
claim = "containment_rate >= 0.5"
[[claims]]
claim = "malicious_recall >= 0.2"
[[claims]]
claim = 'detect_to_contain.p50 <= "2h"'
scenario = "friday-night-ransomware"
[[claims]]
claim = "disruption_hours <= 40"
""")
    code, out = run("claims", claims, "--results", res, "--format", "json", ok=(0, 1))
    got = json.loads(out)["outcomes"]
    # Escalation: Σ escalated / Σ alerts over threshold's runs.
    a, b = pooled(res, "threshold", "escalated", "alerts")
    check("claims: escalation rate is the pooled ratio", close(got[0]["estimate"], a / b), f"{got[0]['estimate']} vs {a / b}")
    check("claims: escalation verdict follows the interval",
          got[0]["verdict"] == verdict("<=", got[0]["ci_low"], got[0]["ci_high"], 0.05))
    # Containment: Wilson on pooled campaigns.
    k, n = pooled(res, "threshold", "contained", "campaigns")
    lo, hi = wilson(k, n)
    check("claims: containment share is pooled", close(got[1]["estimate"], k / n) and got[1]["n"] == n)
    check("claims: containment Wilson interval", close(got[1]["ci_low"], lo) and close(got[1]["ci_high"], hi),
          f"{got[1]['ci_low']}–{got[1]['ci_high']} vs {lo}–{hi}")
    check("claims: containment verdict", got[1]["verdict"] == verdict(">=", lo, hi, 0.5), got[1]["verdict"])
    a, b = pooled(res, "threshold", "malicious_alerts - missed", "malicious_alerts")
    check("claims: malicious recall is the pooled ratio", close(got[2]["estimate"], a / b))
    # Detect→contain: KM over friday's campaigns, censored at the horizon.
    rows = duckdb.sql(f"""
        SELECT c.detected_at_ms, c.contained_at_ms, r.horizon_ms
        FROM '{res}/campaigns.parquet' c JOIN '{res}/runs.parquet' r USING (run)
        WHERE r.strategy = 'threshold' AND r.scenario = 'friday-night-ransomware'
          AND c.detected_at_ms IS NOT NULL""").fetchall()
    obs = [((c if c is not None else h) - d) / 1000 for d, c, h in rows]
    obs = list(zip(obs, [c is not None for _, c, _ in rows]))
    m = km_quantile(obs, 0.5)
    check("claims: detect→contain is the Kaplan–Meier median", close(got[3]["estimate"], m), f"{got[3]['estimate']} vs {m}")
    check("claims: censored campaigns counted", got[3]["censored"] == sum(not o[1] for o in obs))
    # Disruption: mean over runs with Student's t (36 runs), kept ≥ 0.
    xs = [r[0] for r in duckdb.sql(f"SELECT disruption_hours FROM '{res}/runs.parquet' WHERE strategy = 'threshold'").fetchall()]
    mean = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
    half = T_975_35 * sd / math.sqrt(len(xs))
    check("claims: 36 runs in the mean", len(xs) == 36 and got[4]["n"] == 36)
    check("claims: disruption t interval", close(got[4]["ci_low"], max(0, mean - half), 1e-6) and close(got[4]["ci_high"], mean + half, 1e-6),
          f"{got[4]['ci_low']}–{got[4]['ci_high']} vs {mean - half}–{mean + half}")
    check("claims: disruption verdict", got[4]["verdict"] == verdict("<=", max(0, mean - half), mean + half, 40))
    verdicts = [g["verdict"] for g in got]
    check("claims: exit code follows the verdicts", code == (0 if all(v == "pass" for v in verdicts) else 1), f"{code} {verdicts}")

    # check: a baseline, a degraded threshold, a policy without resampling.
    baseline = os.path.join(tmp, "baseline.json")
    run("check", "--baseline", baseline, "--results", res, "--update")
    with open(baseline) as f:
        stored = json.load(f)
    check("baseline: one stored run per result row", len(stored["runs"]) == duckdb.sql(f"SELECT count(*) FROM '{res}/runs.parquet'").fetchall()[0][0])
    deg = os.path.join(tmp, "deg")
    run("eval", "--strategies", "threshold,ai_mdr", "--seeds", "6", "--set", "provider.pools.analysts.size=1", "--out", deg, "--format", "json")
    policy = os.path.join(tmp, "policy.toml")
    with open(policy, "w") as f:
        f.write("""per_scenario = true
[metrics.malicious_recall]
worse = "lower"
allow = 0.05
significant = false
[metrics.escalation_rate]
worse = "higher"
allow = "20%"
significant = false
""")
    code, out = run("check", "--baseline", baseline, "--results", deg, "--policy", policy, "--format", "json", ok=(0, 1))
    rows = json.loads(out)["comparisons"]
    regressed = 0
    for r in rows:
        sc = None if r["scenario"] == "*" else r["scenario"]
        num, den = ("malicious_alerts - missed", "malicious_alerts") if r["metric"] == "malicious_recall" else ("escalated", "alerts")
        a0, b0 = pooled(res, r["strategy"], num, den, sc)
        a1, b1 = pooled(deg, r["strategy"], num, den, sc)
        then = a0 / b0 if b0 else None
        now = a1 / b1 if b1 else None
        name = f"check: {r['strategy']} {r['scenario']} {r['metric']}"
        check(name + " estimates", close(r["baseline"], then) and close(r["now"], now), f"{r['baseline']}/{r['now']} vs {then}/{now}")
        if then is None or now is None:
            expected = "n/a"
        else:
            change = now - then
            worse = -change if r["metric"] == "malicious_recall" else change
            allowed = 0.05 if r["metric"] == "malicious_recall" else 0.2 * abs(then)
            expected = "regressed" if worse > allowed + 1e-12 else "improved" if -worse > allowed + 1e-12 else "ok"
        regressed += expected == "regressed"
        check(name + " verdict", r["verdict"] == expected, f"{r['verdict']} vs {expected}")
    check("check: something regressed", regressed > 0)
    check("check: exit 1 when something regressed", code == (1 if regressed else 0))

finish()
