#!/usr/bin/env bash
# Which source code a fuzz corpus reaches: runs every input in the DIRs once
# through TARGET built with source-based coverage, and prints the regions
# covered in each file of runbook's `src/`, in all of runbook's code, and in
# all code (dependencies included).
#   fuzz/source-coverage.sh TARGET DIR...
#
# libFuzzer's `cov` counts instrumented edges: after inlining, one line of
# source is many edges, so `cov` keeps creeping up while the fuzzer only
# reaches known code through new callers. Comparing this script's output
# for a corpus before and after a run says whether the run reached any
# source region it had not reached before (docs/fuzzing.md, "Plateau").
# Needs nightly, cargo-fuzz and `rustup component add llvm-tools --toolchain
# nightly`. The first build takes several minutes; the binary is
# fuzz/target/x86_64-unknown-linux-gnu/coverage/x86_64-unknown-linux-gnu/release/TARGET.

set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/source-coverage.sh TARGET DIR...}
shift
[ $# -gt 0 ] || { echo "usage: fuzz/source-coverage.sh TARGET DIR..." >&2; exit 2; }
root=$(cd .. && pwd)
tools=$(rustc +nightly --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin
[ -x "$tools/llvm-cov" ] || { echo "no llvm-cov: rustup component add llvm-tools --toolchain nightly" >&2; exit 2; }

# With overflow checks, as the fuzzers run; paths relative to the repository,
# so the report below tells runbook's files (`src/...`) from its dependencies'.
# `cargo fuzz coverage` also runs a corpus: give it one empty input.
empty=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$empty" "$work"' EXIT
: >"$empty/empty"

RUSTFLAGS="--remap-path-prefix=$root/= -Cdebug-assertions -Coverflow-checks" \
  cargo +nightly fuzz coverage -s none -O "$target" "$empty" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 2; }
binary=target/x86_64-unknown-linux-gnu/coverage/x86_64-unknown-linux-gnu/release/$target

LLVM_PROFILE_FILE="$work/run.profraw" "$binary" -runs=0 -rss_limit_mb=2048 -timeout=30 "$@" \
  >"$work/run.log" 2>&1 || { tail -20 "$work/run.log" >&2; exit 1; }
"$tools/llvm-profdata" merge -sparse "$work/run.profraw" -o "$work/run.profdata"
# PROFDATA=FILE keeps the profile, for `llvm-cov show` on the lines themselves.
[ -z "${PROFDATA:-}" ] || cp "$work/run.profdata" "$PROFDATA"

# Columns of `llvm-cov report`: file, regions, missed regions, ...
report() { "$tools/llvm-cov" report "$binary" -instr-profile="$work/run.profdata" "$@"; }
covered() { awk '$1 == "TOTAL" { printf "%d of %d regions\n", $2 - $3, $2 }'; }
report >"$work/all.txt"
echo "inputs: $(grep -ao 'Done [0-9]* runs' "$work/run.log" | grep -o '[0-9]*')"
awk '$1 ~ /^src\// && $3 < $2 { printf "%-40s %5d of %5d regions\n", $1, $2 - $3, $2 }' "$work/all.txt"
echo "runbook: $(report -ignore-filename-regex='^/' | covered)"
echo "all code: $(covered <"$work/all.txt")"
