#!/usr/bin/env bash
# Times `runbook lint` against its peers on the synthetic corpora, in one run
# on the same trees, and checks its broken-link findings against the
# generator's manifest.
#   bench/lint.sh [N ...]        corpus sizes (default: 1000 10000)
# Needs ../shared/bench (gen_corpus.py, peers.sh) and GNU time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${RUNBOOK_SHARED:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/runbook-bench-lint}
runs=${RUNS:-3}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
mkdir -p "$work"

# The `dist` profile (Cargo.toml): what users install; the floor gains nothing from it.
(cd "$root" && cargo build --profile dist --quiet --bin runbook --bin runbook-lint && cargo build --profile dist --quiet --example parse_floor --example model_floor)
runbook=$root/target/dist/runbook
hook=$root/target/dist/runbook-lint
floor=$root/target/dist/examples/parse_floor
model=$root/target/dist/examples/model_floor
peers=${RUNBOOK_PEERS:-$HOME/.cache/runbook-peers}
bash "$shared/peers.sh" markdownlint-cli2 lychee >/dev/null

# median wall seconds and peak RSS (MB) of a command over $runs runs
measure() {
  local name=$1; shift
  local times=() mem=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
    # GNU time puts "Command exited with non-zero status N" first: the
    # linters exit 1 on findings, which is expected here.
    read -r t m < <(tail -n 1 "$work/time")
    times+=("$t"); [ "$m" -gt "$mem" ] && mem=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %-44s | %8s s | %6d MB |\n' "$name" "$median" $((mem / 1024))
}

# The issue's target is a ratio: the lint's wall time over the floor's,
# here taken within each round (the floor just before and just after the
# lint, averaged), with the spread of the rounds, since this machine's
# speed drifts by a fifth within a minute.
floor_time() {
  /usr/bin/time -f '%e' -o "$work/time" "$floor" . >/dev/null 2>&1
  tail -n 1 "$work/time"
}
ratio() {
  local ratios=() before lint after
  for _ in $(seq "$runs"); do
    before=$(floor_time)
    /usr/bin/time -f '%e' -o "$work/time" "$runbook" lint --today 2026-11-25 --format json . >/dev/null 2>&1 || true
    lint=$(tail -n 1 "$work/time")
    after=$(floor_time)
    ratios+=("$(awk -v l="$lint" -v b="$before" -v a="$after" 'BEGIN {printf "%.2f", 2 * l / (b + a)}')")
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {printf "\nrunbook lint / parse floor, round by round: median %sx (%sx to %sx over %d rounds)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
}

for n in "${sizes[@]}"; do
  corpus=$work/corpus-$n
  [ -f "$work/manifest-$n.json" ] || rm -rf "$corpus"
  [ -d "$corpus" ] || python3 "$shared/gen_corpus.py" "$corpus" --files "$n" --seed 1 --manifest "$work/manifest-$n.json" >/dev/null
  size=$(du -sm "$corpus" | cut -f1)
  echo
  echo "### $n runbooks ($size MB), median of $runs"
  echo
  echo "| tool | wall | peak memory |"
  echo "|---|---|---|"
  cd "$corpus"
  measure "cat (reading floor)" sh -c 'find . -name "*.md" -exec cat {} + >/dev/null'
  measure "pulldown-cmark parse floor (2 cores)" "$floor" .
  measure "runbook's document model, no rule (2 cores)" "$model" .
  measure "runbook lint (every rule)" "$runbook" lint --today 2026-11-25 --format json .
  # The same lint in the default format and in the one code scanning reads.
  measure "runbook lint --format human" "$runbook" lint --today 2026-11-25 .
  measure "runbook lint --format sarif" "$runbook" lint --today 2026-11-25 --format sarif .
  measure "lychee --offline --include-fragments" "$peers/bin/lychee" --offline --include-fragments --no-progress .
  if [ "$n" -le 1000 ] || [ -n "${SLOW:-}" ]; then
    RUNS=1 runs=1 measure "markdownlint-cli2 (default rules)" "$peers/bin/markdownlint-cli2" "**/*.md"
  fi
  ratio
  # What a pre-commit hook runs: the named files, their links resolved
  # against the whole tree (so the walk and start-up count).
  echo
  echo "| runbook-lint (pre-commit) | wall | peak memory |"
  echo "|---|---|---|"
  for named in 1 20 100; do
    mapfile -t files < <(find . -name '*.md' | sort | awk -v step=$((n / named)) 'NR % step == 0')
    measure "runbook-lint, $named named file(s)" "$hook" --today 2026-11-25 "${files[@]}"
  done
  "$runbook" lint --today 2026-11-25 --format json . > "$work/runbook-$n.json" || true
  python3 - "$work/manifest-$n.json" "$work/runbook-$n.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
expected = {(b["source"], b["line"], b["col"]) for b in manifest["broken_links"]}
report = json.load(open(sys.argv[2]))
found = {(d["path"], d["line"], d["column"]) for d in report["diagnostics"] if d["rule"] in ("broken-link", "broken-anchor")}
print(f"\nbroken links: manifest {len(expected)}, found {len(found & expected)}, missed {len(expected - found)}, false positives {len(found - expected)}")
PY
done
