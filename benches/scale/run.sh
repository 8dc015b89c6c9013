#!/usr/bin/env bash
# Whole-process scale figures for the README's "Performance" table (wall time and peak
# resident memory need whole processes; criterion measures the rest). Needs GNU time
# (/usr/bin/time) and, for the SimPy comparison, `pip install simpy`.
#   bash benches/scale/run.sh            # every figure, about 2 minutes
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
bin=target/release/mdrsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() { # label, command…
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null
  read -r secs kb <"$tmp/time"
  printf '| %s | %s s | %d MB |\n' "$label" "$secs" $((kb / 1024))
}
echo "| what | wall | peak RSS |"
echo "|---|---|---|"
mm3=benches/scale/mm3-million.toml
measure "M/M/3, ~1 M alerts, scored only (run --format json)" \
  $bin run --scenario $mm3 --strategy threshold --allow-large --format json
measure "M/M/3, ~1 M alerts, log streamed to Parquet" \
  $bin run --scenario $mm3 --strategy threshold --allow-large --format json --events "$tmp/mm3.parquet"
measure "replay of that log (read, verify, check references, score)" \
  $bin replay "$tmp/mm3.parquet" --format json
if python3 -c "import simpy" 2>/dev/null; then
  measure "the same queue in SimPy (benches/simpy/mm3.py)" python3 benches/simpy/mm3.py
else
  echo "| SimPy | not installed (pip install simpy) | |"
fi
# Peak memory of a short and a long run of the same scenario (its horizon stretched).
for days in 30 300; do
  sed "s/^horizon = .*/horizon = \"${days}d\"/" scenarios/friday-night-ransomware.toml >"$tmp/fn-$days.toml"
  measure "friday-night-ransomware, ai_mdr, ${days} days" \
    $bin run --scenario "$tmp/fn-$days.toml" --strategy ai_mdr --allow-large --format json
done
measure "enterprise year (benches/scale/enterprise-year.toml), legacy_mdr" \
  $bin run --scenario benches/scale/enterprise-year.toml --strategy legacy_mdr --allow-large --format json
