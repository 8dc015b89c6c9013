#!/usr/bin/env python3
"""A test agent for protocol 2's incremental cases (standard library only).

It speaks the protocol version given in its [params] (`protocol`, default 1) and keeps
each case as protocol 1 would send it: in protocol 2 a message with `alert` starts a
case, and later messages' `queries` are appended. For every `triage` and `decide` it
writes one line to the file named by `transcript` (in its working directory):
`{"message": ..., "bytes": <length of the line received>, "case": <the case it now
holds>}`. Run once per version, the two transcripts' cases must be equal, message by
message (tests/external.rs). Its decisions depend on the whole case, so a record it
missed or held twice would also change the run.
"""
import json
import sys

KINDS = ["telemetry", "organizational", "historic"]


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def triage(case):
    alert = case["alert"]
    if alert["severity"] == "low" and alert["score"] < 0.3:
        return {"action": "dismiss", "rationale": "low severity, low score"}
    return {"action": "investigate"}


def decide(case):
    alert = case["alert"]
    asked = {q["kind"] for q in case["queries"]}
    for kind in KINDS:
        if kind in case["integrations"] and kind not in asked:
            return {"action": "query", "kind": kind}
    if case["has_experts"] and not case["expert"] and alert["severity"] == "critical":
        return {"action": "hand_off", "reason": "critical"}
    records = [r for q in case["queries"] for r in q["records"]]
    odd = sum(1 for r in records if r["type"] == "telemetry"
              and any(v in ("untrusted", "first_seen", "residential", "true", "off_hours")
                      for v in r["fields"].values()))
    score = alert["score"] + 0.05 * odd - 0.01 * len(records)
    verdict = "malicious" if score >= 0.5 else "benign"
    return {"action": "verdict", "verdict": verdict, "confidence": 0.7,
            "evidence": [r["seq"] for r in records][:10],
            "rationale": f"{len(records)} records, {odd} unusual"}


def main():
    protocol, transcript, cases = 1, None, {}
    for line in sys.stdin:
        msg = json.loads(line)
        kind = msg["type"]
        if kind == "hello":
            params = msg.get("params") or {}
            protocol = int(params.get("protocol", 1))
            if protocol not in msg.get("protocols", [1]):
                sys.exit(f"protocol {protocol} is not spoken by this mdrsim")
            transcript = open(params.get("transcript", "transcript.jsonl"), "w")
            reply({"type": "ready", "protocol": protocol})
            continue
        if kind == "end":
            return
        case = msg["case"]
        if protocol == 2:
            key = case.pop("alert_id")
            if "alert" in case:
                cases[key] = case
            else:
                held = cases[key]
                new_queries = case.pop("queries")
                held.update(case)
                held["queries"] = held["queries"] + new_queries
                case = held
        transcript.write(json.dumps({"message": kind, "bytes": len(line), "case": case},
                                    sort_keys=True) + "\n")
        transcript.flush()
        reply(triage(case) if kind == "triage" else decide(case))


if __name__ == "__main__":
    main()
