#!/usr/bin/env python3
"""An agent that learns from its own history (standard library only), written from
docs/strategy-protocol.md alone.

For each case it asks for the provider's past cases (a `historic` query), and decides
from the recorded outcomes of earlier cases with the same rule on the same entities,
then the same rule anywhere: a clear majority decides; without history (or with a split
one) it looks at telemetry and otherwise escalates. It also remembers, within the run,
what it decided itself. Recorded outcomes can be wrong — nobody knows the truth — so
the confidence it states grows with the number of agreeing cases.
"""
import json
import sys

CONTAIN = {"host": "isolate_host", "user": "disable_account", "cloud": "disable_account",
           "app": "revoke_sessions", "domain": "block_domain"}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def records(case, kind):
    for q in case["queries"]:
        if q["kind"] == kind:
            return q["records"]
    return None


def outcomes(case, past):
    """Votes (malicious, benign) and the seqs behind them, nearest evidence first."""
    alert = case["alert"]
    mine = {e["name"] for e in alert["entities"]}
    same_rule = [r for r in past if r["type"] == "case" and r["rule"] == alert["rule"]]
    near = [r for r in same_rule if mine & set(r["entities"])]
    for group in (near, same_rule):
        mal = [r["seq"] for r in group if r["verdict"] == "malicious"]
        ben = [r["seq"] for r in group if r["verdict"] == "benign"]
        if len(mal) + len(ben) >= 2:
            return mal, ben
    return [], []


def decide(case, memory):
    alert = case["alert"]
    past = records(case, "historic")
    if past is None and "historic" in case["integrations"]:
        return {"action": "query", "kind": "historic"}
    mal, ben = outcomes(case, past or [])
    n = len(mal) + len(ben)
    key = alert["rule"]["name"] if alert["rule"] else ""
    if n >= 2 and max(len(mal), len(ben)) >= 0.8 * n:
        malicious = len(mal) > len(ben)
        cited = mal if malicious else ben
        confidence = (max(len(mal), len(ben)) + 1) / (n + 2)   # Laplace's rule
        memory[key] = "malicious" if malicious else "benign"
        verdict = {"action": "verdict", "verdict": "malicious" if malicious else "benign",
                   "confidence": confidence, "evidence": cited[:10],
                   "rationale": f"{max(len(mal), len(ben))} of {n} past cases agree"}
        if malicious:
            verdict["contain"] = [{"action": CONTAIN[e["kind"]], "target": e["name"]}
                                  for e in alert["entities"] if e["kind"] in CONTAIN]
        return verdict
    if records(case, "telemetry") is None and "telemetry" in case["integrations"]:
        return {"action": "query", "kind": "telemetry"}
    if alert["severity"] in ("low",) and memory.get(key) == "benign":
        return {"action": "verdict", "verdict": "benign", "confidence": 0.6, "evidence": [],
                "rationale": "low severity; this rule was benign before in this run"}
    return {"action": "escalate", "reason": f"history inconclusive ({n} cases)"}


def main():
    memory = {}
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["type"] == "hello":
            if msg["protocol"] != 1:
                sys.exit(f"protocol {msg['protocol']} not spoken")
            reply({"type": "ready", "protocol": 1})
        elif msg["type"] == "triage":
            reply({"action": "investigate"})
        elif msg["type"] == "decide":
            reply(decide(msg["case"], memory))
        elif msg["type"] == "end":
            return


if __name__ == "__main__":
    main()
