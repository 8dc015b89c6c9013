#!/usr/bin/env python3
"""The built-in `threshold` policy as an external agent (standard library only).

Speaks mdrsim's strategy protocol v1 (docs/strategy-protocol.md): one JSON object per
line on stdin, one reply per line on stdout. It decides from the alert alone — prior,
detector score, severity, and the fields of the telemetry record a detection rule
matched — exactly as src/strategy/builtin/simple.rs does, so a run with it gives the
built-in's metrics (tests/external.rs checks that).

Parameters may be given in the strategy file's [params] (they arrive in `hello`):
malicious_at, benign_below, prior, score_weight, severity_weight, telemetry.
"""
import json
import math
import sys

PARAMS = {
    "malicious_at": 0.6,
    "benign_below": 0.5,
    "prior": 0.1,
    "score_weight": 6.0,
    "severity_weight": [-1.0, 0.0, 1.0, 2.0],
    # Field -> value -> log-likelihood ratio (the built-in belief model's defaults).
    "telemetry": {
        "AsnSeenBefore": {"false": 0.9, "true": -0.9},
        "CallerType": {"AssumedRole": -0.6, "IAMUser": 0.4},
        "Destination": {"common": -0.7, "first_seen": 1.0},
        "DestinationKind": {"personal_cloud": 0.6, "sanctioned": -0.8},
        "DeviceManaged": {"false": 0.7, "true": -0.5},
        "Hour": {"business_hours": -0.2, "off_hours": 0.3},
        "ParentProcess": {"browser": 0.4, "explorer": -0.3, "management_agent": -1.2, "office_app": 1.2},
        "Signer": {"trusted": -0.4, "untrusted": 0.9},
        "SourceHostRole": {"admin_jumpbox": -1.0, "deployment_server": -1.2, "workstation": 0.6},
        "SourceNetwork": {"cloud_provider": 0.3, "corporate": -0.8, "residential": 0.8},
        "TokenReplay": {"true": 1.4},
        "UserAgent": {"cli_unusual": 0.7, "sdk_ci": -0.6},
        "Volume": {"above_user_baseline": 0.7, "within_user_baseline": -0.6},
    },
}
SEVERITY = {"low": 0, "medium": 1, "high": 2, "critical": 3}
CONTAIN = {"host": "isolate_host", "user": "disable_account", "cloud": "disable_account",
           "app": "revoke_sessions", "domain": "block_domain"}
# Containment holds an attacker back only while it lasts; eradication removes the
# footholds (a domain holds none).
ERADICATE = {"host": "reimage_host", "user": "reset_credentials", "cloud": "reset_credentials",
             "app": "revoke_grant"}


def belief(alert):
    """Log-odds of malice and the records that moved it, in the built-in's order of
    operations (floating-point sums are not associative)."""
    p = min(max(PARAMS["prior"], 1e-6), 1.0 - 1e-6)
    log_odds = (math.log(p / (1.0 - p))
                + PARAMS["score_weight"] * (alert["score"] - 0.5)
                + PARAMS["severity_weight"][SEVERITY[alert["severity"]]])
    cited = []
    matched = alert.get("matched")
    if matched and matched["type"] == "telemetry":
        used = False
        for field, value in sorted(matched["fields"].items()):
            w = PARAMS["telemetry"].get(field, {}).get(value)
            if w is not None:
                log_odds += w
                used = True
        if used:
            cited.append(matched["seq"])
    return log_odds, cited


def decide(case):
    alert = case["alert"]
    log_odds, cited = belief(alert)
    p = 1.0 / (1.0 + math.exp(-log_odds))
    if PARAMS["benign_below"] <= p < PARAMS["malicious_at"]:
        return {"action": "escalate", "reason": f"belief {p:.2f} between thresholds"}
    if p >= 0.5:
        contain = [{"action": CONTAIN[e["kind"]], "target": e["name"]}
                   for e in alert["entities"] if e["kind"] in CONTAIN]
        contain += [{"action": ERADICATE[e["kind"]], "target": e["name"]}
                    for e in alert["entities"] if e["kind"] in ERADICATE]
        return {"action": "verdict", "verdict": "malicious", "confidence": p,
                "evidence": cited, "rationale": f"score and severity: belief {p:.3f}",
                "contain": contain}
    return {"action": "verdict", "verdict": "benign", "confidence": 1.0 - p,
            "evidence": cited, "rationale": f"score and severity: belief {p:.3f}"}


def main():
    for line in sys.stdin:
        msg = json.loads(line)
        kind = msg["type"]
        if kind == "hello":
            PARAMS.update(msg.get("params") or {})
            reply = {"type": "ready", "protocol": 1}
        elif kind == "triage":
            reply = {"action": "investigate"}
        elif kind == "decide":
            reply = decide(msg["case"])
        elif kind == "end":
            return
        else:
            reply = {"action": "escalate", "reason": f"unknown message {kind}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
