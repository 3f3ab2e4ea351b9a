#!/usr/bin/env bash
# Runs one fuzz target until its coverage plateaus, continuing the corpus in
# fuzz/corpus/TARGET. "Plateau" here: `cov` (edges reached) has not grown
# for QUIET minutes (default 10) and the executions since its last growth
# are at least as many as all the executions before it, so a fuzzer slowed
# down by a busy machine is not taken for a finished one. Gives up after
# MAX minutes (default 60) and says so. An input that runs longer than
# TIMEOUT seconds (default 10) counts as a hang; libFuzzer measures wall
# time, so raise it when the fuzzer shares its core. Prints one line a
# minute (minutes, executions, cov, ft, corpus) and a summary line; exits 1
# on a crash, timeout or out-of-memory. Build first with `cargo +nightly
# fuzz build`.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
target=${1:?usage: fuzz/plateau.sh TARGET}
quiet=${QUIET:-10}
max=${MAX:-60}
timeout=${TIMEOUT:-10}
binary=target/x86_64-unknown-linux-gnu/release/$target
[ -x "$binary" ] || { echo "no $binary: run cargo +nightly fuzz build" >&2; exit 2; }
mkdir -p "corpus/$target" "seeds/$target" "artifacts/$target"
# What earlier sessions reached (keep.sh), among the seeds.
[ -f "kept/$target.tar.xz" ] && tar -xJf "kept/$target.tar.xz" -C "seeds/$target"
leaks=1
[ "$target" = rules_file ] && leaks=0
log=$(mktemp)
dict=$(dicts/for.sh "$target")
ASAN_OPTIONS="detect_leaks=$leaks" "$binary" "corpus/$target" "seeds/$target" \
  -artifact_prefix="artifacts/$target/" -timeout="$timeout" -rss_limit_mb=2048 \
  -max_len=16384 ${dict:+-dict="$dict"} -detect_leaks=$leaks -print_final_stats=1 >"$log" 2>&1 &

pid=$!
trap 'kill -INT $pid 2>/dev/null' EXIT

last() { grep -a -o '#[0-9]*.*cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1; }
start=$SECONDS gained_at=0 gained_runs=0 best=0 verdict="gave up after $max min"
while kill -0 $pid 2>/dev/null; do
  sleep 60
  line=$(last)
  runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$line")
  cov=$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$line")
  ft=$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$line")
  corp=$(sed -E 's/.*corp: ([0-9]+).*/\1/' <<<"$line")
  runs=${runs:-0} cov=${cov:-0}
  minutes=$(((SECONDS - start) / 60))
  if [ "$cov" -gt "$best" ]; then best=$cov gained_at=$minutes gained_runs=$runs; fi
  echo "$target min=$minutes runs=$runs cov=$cov ft=$ft corpus=$corp"
  if [ $((minutes - gained_at)) -ge "$quiet" ] && [ $((runs - gained_runs)) -ge "$gained_runs" ]; then
    verdict="plateau: no new cov for $((minutes - gained_at)) min and $((runs - gained_runs)) executions"
    break
  fi
  [ "$minutes" -ge "$max" ] && break
done
if ! kill -0 $pid 2>/dev/null; then
  wait $pid
  status=$?
  grep -a -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20
  echo "$target: fuzzer stopped with exit $status"
  exit 1
fi
kill -INT $pid; wait $pid 2>/dev/null; trap - EXIT
echo "$target: $verdict; last new cov at minute $gained_at; total min=$minutes runs=$runs cov=$best"
rm -f "$log"
