#!/usr/bin/env bash
# The tests that need tools besides Rust: python3 (the example agents of the strategy
# protocol, standard library only) and pyarrow + DuckDB (independent Parquet readers,
# and an independent recomputation of claims and regression checks), and headless
# Chromium (the HTML report rendered in a real browser).
# A missing tool is a failure, never a silent pass. Install: pip install pyarrow duckdb
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 1; }
python3 -c "import pyarrow, duckdb" || { echo "error: pip install pyarrow duckdb" >&2; exit 1; }
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
  || { echo "error: headless Chromium is needed for the report test (apt-get install -y chromium)" >&2; exit 1; }
cargo test --release --test external -- --ignored
cargo build --release
python3 tests/interop/check_parquet.py
python3 tests/interop/check_claims.py
python3 tests/interop/check_report.py
python3 tests/interop/check_recorded.py
