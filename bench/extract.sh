#!/usr/bin/env bash
# Benchmark: extract and verify the synthetic corpus, against the baseline
# of running `bash -n` once per extracted script.
#
#   bench/extract.sh [CORPUS] [RUNS]
#
# CORPUS defaults to /tmp/corpus10k, generated when missing with
# ../shared/bench/gen_corpus.py (10,000 files, seed 1). RUNBOOK names the
# binary (default: target/release/runbook; build it with
# `cargo build --release`). Prints the median wall time of RUNS (default 3)
# runs of each step.
set -euo pipefail

corpus=${1:-/tmp/corpus10k}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${RUNBOOK:-${CARGO_TARGET_DIR:-$here/target}/release/runbook}
[[ -x $bin ]] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }
if [[ ! -d $corpus ]]; then
  python3 "$here/../shared/bench/gen_corpus.py" "$corpus" --files 10000 --seed 1 >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median wall time, in seconds, of running "$@" $runs times.
median() {
  local times=() i start end
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

extract() { rm -rf "$work/out"; "$bin" extract "$corpus" --out "$work/out"; }
verify() { "$bin" verify "$corpus" --no-shellcheck --format json; }
verify_shellcheck() { "$bin" verify "$corpus" --format json; }
baseline() {
  local f
  while IFS= read -r -d '' f; do bash -n "$f"; done < <(find "$work/out" -name '*.sh' -print0)
}

files=$(find "$corpus" -name '*.md' | wc -l)
t_extract=$(median extract)
scripts=$(find "$work/out" -name '*.sh' | wc -l)
t_verify=$(median verify)
t_baseline=$(median baseline)
printf 'corpus: %s (%d runbooks, %d scripts), %d core(s), median of %d\n' \
  "$corpus" "$files" "$scripts" "$(nproc)" "$runs"
printf '%-44s %8.2f s\n' "runbook extract" "$t_extract"
printf '%-44s %8.2f s\n' "runbook verify --no-shellcheck" "$t_verify"
printf '%-44s %8.2f s\n' "extract + verify" "$(echo "$t_extract + $t_verify" | bc)"
printf '%-44s %8.2f s\n' "baseline: bash -n once per script" "$t_baseline"
printf '%-44s %8.2f x\n' "(extract + verify) / baseline" \
  "$(echo "($t_extract + $t_verify) / $t_baseline" | bc -l)"
if command -v shellcheck >/dev/null && [[ ${SHELLCHECK:-0} == 1 ]]; then
  runs=1
  printf '%-44s %8.2f s\n' "runbook verify (with shellcheck, 1 run)" "$(median verify_shellcheck)"
fi
