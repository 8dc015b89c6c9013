#!/usr/bin/env python3
"""The HTML report in a real browser (headless Chromium), offline.

- Renders the report of the built-in suite and of a scenario whose names hold
  <script>, quotes and angle brackets; reads back the DOM Chromium built
  (--dump-dom) and every message the page logged to its console.
- Checks: every chart present and drawn as SVG, no console message at all (no error,
  no blocked load, no policy violation), no executable markup from the hostile names
  (no script element, no on* attribute, no element that fetches).
- Proves the console check can fail: a probe page that logs an error must be caught.
- Keeps a screenshot of each report as a test artefact (target/report-artifacts/).

Usage: cargo build --release && python3 tests/interop/check_report.py
"""
import glob
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

from common import ROOT, check, finish, mdrsim

ARTEFACTS = os.path.join(ROOT, "target", "report-artifacts")

browser = next((b for b in ["chromium", "chromium-browser", "google-chrome"] if shutil.which(b)), None)
if browser is None:
    print("error: headless Chromium is not installed (apt-get install -y chromium); the report cannot be checked", file=sys.stderr)
    sys.exit(1)


def chromium(*args):
    p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                        "--no-first-run", "--disable-extensions", *args], capture_output=True, text=True, timeout=180)
    console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line]
    return p.returncode, p.stdout, console


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.figures, self.events, self.fetching = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "figure" and a.get("id"):
            self.figures.append(a["id"])
        for k, v in attrs:
            if k.startswith("on"):
                self.events.append((tag, k))
            if k in ("src", "href", "srcset", "action", "data") and v:
                self.fetching.append((tag, k, v))


def render(page, name):
    url = "file://" + page
    code, dom, console = chromium("--dump-dom", url)
    check(f"{name}: chromium renders the page", code == 0 and "<html" in dom[:300], f"exit {code}")
    os.makedirs(ARTEFACTS, exist_ok=True)
    shot = os.path.join(ARTEFACTS, f"{name}.png")
    chromium("--hide-scrollbars", "--window-size=1200,4000", f"--screenshot={shot}", url)
    check(f"{name}: screenshot kept as {os.path.relpath(shot, ROOT)}", os.path.exists(shot) and os.path.getsize(shot) > 50_000,
          f"{os.path.getsize(shot) if os.path.exists(shot) else 0} bytes")
    d = Dom()
    d.feed(dom)
    check(f"{name}: no console message", not console, "\n".join(console[:5]))
    check(f"{name}: no script element", "script" not in d.tags)
    check(f"{name}: no event-handler attribute", not d.events, d.events[:5])
    check(f"{name}: nothing fetched (no src/href)", not d.fetching, d.fetching[:5])
    return d, dom


with tempfile.TemporaryDirectory() as tmp:
    # The detector can fail: a page that logs to its console is caught.
    probe = os.path.join(tmp, "probe.html")
    with open(probe, "w") as f:
        f.write('<!DOCTYPE html><html><body><p>probe</p><script>console.error("probe-console-42")</script></body></html>')
    _, _, console = chromium("--dump-dom", "file://" + probe)
    check("console messages are seen (probe page)", any("probe-console-42" in c for c in console), console)

    res = os.path.join(tmp, "suite")
    mdrsim("eval", "--seeds", "4", "--out", res, "--report", "--format", "json")
    d, dom = render(os.path.join(res, "report.html"), "report-suite")
    scenarios = 6
    strategies = 7
    for fig in ["fig-km-detect", "fig-km-start", "fig-tradeoff", "fig-cost-impact", "fig-cost-operating", "fig-learning"]:
        check(f"suite: chart {fig} present", fig in d.figures)
    weeks = [f for f in d.figures if f.startswith("fig-week-")]
    check("suite: a week chart per scenario and strategy", len(weeks) == scenarios * strategies, len(weeks))
    svgs = len(re.findall(r"<svg[^>]*class=\"chart\"", dom))
    check("suite: every figure holds a drawn SVG chart", svgs == len(d.figures) and svgs > 0, f"{svgs} svg, {len(d.figures)} figures")
    check("suite: charts have axes and legends", dom.count('class="axis"') >= 2 * svgs and dom.count('class="legend"') >= svgs)

    # Hostile names: markup in a description, a story comment, an entity, a rule and a
    # campaign name.
    hostile_dir = os.path.join(tmp, "hostile")
    os.makedirs(hostile_dir)
    os.symlink(os.path.join(ROOT, "scenarios", "rules"), os.path.join(hostile_dir, "rules"))
    with open(os.path.join(ROOT, "scenarios", "friday-night-ransomware.toml")) as f:
        s = f.read()
    s = "# <img src=x onerror=alert(1)> \"story\" </p><script>alert(2)</script>\n" + s
    s = s.replace('description = "Phishing to ransomware over a weekend: does containment come before encryption?"',
                  'description = "<script>alert(\\"d\\")</script> & \'quotes\' <b onmouseover=alert(4)>bold</b>"')
    s = s.replace("host:ws-017", 'host:<script>ws</script>\\"017')
    s = s.replace("Office application spawned a script host", 'Office <iframe src=x></iframe> \\"host\\"')
    s = s.replace('name = "ransomware"', 'name = "ransom<svg onload=alert(3)>"', 1)
    with open(os.path.join(hostile_dir, "hostile.toml"), "w") as f:
        f.write(s)
    hres = os.path.join(tmp, "hostile-results")
    mdrsim("eval", "--suite", os.path.join(hostile_dir, "hostile.toml"), "--seeds", "2", "--strategies", "ai_mdr,legacy_mdr",
           "--out", hres, "--report", "--format", "json")
    d, dom = render(os.path.join(hres, "report.html"), "report-hostile")
    for bad in ["iframe", "img", "b"]:
        check(f"hostile: no <{bad}> element from a name", bad not in d.tags)
    check("hostile: the campaign's name is shown as text", "ransom&lt;svg onload=alert(3)&gt;" in dom)
    check("hostile: the description is shown as text", "&lt;script&gt;alert(\"d\")&lt;/script&gt;" in dom or "&lt;script&gt;alert(&quot;d&quot;)" in dom)

finish()
