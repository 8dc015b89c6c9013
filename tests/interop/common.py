"""What the independent checks share: where the release binary is, a named check that
is counted (every check can fail and says what it saw), float comparison, the
Kaplan-Meier quantile written from its definition, and the exit status."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "mdrsim")
_counts = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    if cond:
        _counts["passed"] += 1
        print(f"ok   {name}")
    else:
        _counts["failed"] += 1
        print(f"FAIL {name} {detail}")


def close(a, b, tol=1e-9):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= tol * max(1, abs(b)))


def run(*args, ok=(0,)):
    """Runs mdrsim; returns (exit code, stdout); an exit code not in `ok` stops the checks."""
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if p.returncode not in ok:
        raise SystemExit(f"mdrsim {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout


def mdrsim(*args):
    """Runs mdrsim, which must succeed; returns its stdout."""
    return run(*args)[1]


def km_quantile(obs, q):
    """Kaplan-Meier q-quantile of (time, observed) pairs; events before censorings on ties."""
    obs = sorted(obs, key=lambda o: (o[0], not o[1]))
    at_risk, surv, i = len(obs), 1.0, 0
    while i < len(obs):
        t = obs[i][0]
        events = leaving = 0
        while i < len(obs) and obs[i][0] == t:
            events += obs[i][1]
            leaving += 1
            i += 1
        if events:
            surv *= 1 - events / at_risk
            if surv <= 1 - q + 1e-12:
                return t
        at_risk -= leaving
    return None


def finish():
    print(f"\n{_counts['passed']} passed, {_counts['failed']} failed")
    sys.exit(1 if _counts["failed"] else 0)


# The typed event log (docs/event-log.md): one column per payload field. These rebuild
# each row's payload as the JSON Lines form writes it, from the columns alone.
_NAME_COLUMNS = {"run", "seq", "at_ms", "type", "entity_name", "campaign_name", "rule_name"}
_ENTITY_FIELD = {
    "telemetry_observed": "entity",
    "fact_recorded": "entity",
    "attack_step_executed": "target",
    "attack_step_prevented": "blocked_by",
    "containment_requested": "target",
    "containment_executed": "target",
    "containment_released": "target",
}


def payloads(table):
    """Each row of a typed Parquet event log as its JSON payload (nulls left out)."""
    cols = {n: table.column(n).to_pylist() for n in table.column_names if n not in _NAME_COLUMNS}
    types = table.column("type").to_pylist()
    out = []
    for i, ty in enumerate(types):
        p = {"type": ty}
        for n, values in cols.items():
            v = values[i]
            if v is None:
                continue
            if n == "fields":
                v = dict(v)
            if n == "entity":
                # An alert's first entity is there for queries; its payload has `entities`.
                if ty not in _ENTITY_FIELD:
                    continue
                n = _ENTITY_FIELD[ty]
            p[n] = v
        out.append(p)
    return out
