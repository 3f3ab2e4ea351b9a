#!/usr/bin/env bash
# Benchmark `runbook build` (pages + search index) on the synthetic corpora.
#
#   bench/build.sh            # 1,000 and 10,000 runbooks
#   bench/build.sh 1000       # only the sizes named
#
# Release build; reports wall time, CPU time (user + system: less sensitive
# to a busy machine), peak memory (/usr/bin/time -v) and the share of the
# wall time the search index takes (as the build reports it; it overlaps
# with writing the pages). Corpora are generated once, deterministically (seed 1), under
# $BENCH_DIR (default /tmp/runbook-bench).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-/work/shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/runbook-bench}
target=${CARGO_TARGET_DIR:-$here/target}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
(cd "$here" && CARGO_TARGET_DIR="$target" cargo build --release --bin runbook --quiet)
bin="$target/release/runbook"
mkdir -p "$work"

printf '%-8s %8s %8s %10s %9s %12s\n' files wall_s cpu_s peak_MiB index_s index_share
for n in "${sizes[@]}"; do
  corpus="$work/corpus-$n"
  book="$work/book-$n"
  if [ ! -d "$corpus" ]; then
    python3 "$gen" "$corpus" --files "$n" --seed 1 >/dev/null
  fi
  mkdir -p "$book"
  printf '[book]\ntitle = "Bench %s"\nsrc = "../corpus-%s"\n' "$n" "$n" > "$book/book.toml"
  rm -rf "$book/site"
  log="$work/build-$n.log"
  (cd "$book" && /usr/bin/time -v "$bin" build --today 2026-11-25 --dest site) 2> "$log"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.2f", t}' "$log")
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
  index=$(sed -n 's/.*(search index \([0-9.]*\)\(m\?s\)).*/\1 \2/p' "$log" | awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')
  share=$(awk -v i="$index" -v w="$wall" 'BEGIN { printf "%.0f%%", 100 * i / w }')
  printf '%-8s %8.2f %8s %10s %9.2f %12s\n' "$n" "$wall" "$cpu" "$peak" "$index" "$share"
done
