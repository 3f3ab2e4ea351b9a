#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after the other,
# on one core. Seeds come from the sample runbooks and test fixtures; the
# corpus grows in fuzz/corpus/TARGET, crashes land in fuzz/artifacts/TARGET.
# One plain libFuzzer process at a time (no -jobs, which forks workers).
# Exits 1 if any target crashed or timed out. Needs the nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -uo pipefail
cd "$(dirname "$0")" || exit 1
seconds=${1:-60}
targets=${TARGETS:-"front_matter document lint_file report slug config fix review extract rules_file render includes"}
root=$(cd .. && pwd)

seeds() {
  local dir=seeds/$1
  mkdir -p "$dir"
  case $1 in
    config) find "$root" -name book.toml -not -path '*/target/*' -not -path '*/fuzz/*' ;;
    slug) ;;
    rules_file)
      # The first byte picks the file of `lints/` the rest is written to.
      find "$root/lints" "$root/tests/fixtures" -path '*lints/*.yaml' |
        while read -r file; do
          for pick in 0 1 2; do
            { printf "\\$pick"; cat "$file"; } >"$dir/$pick-$(echo "$file" | cksum | cut -d' ' -f1)"
          done
        done
      return ;;
    includes)
      # Files split at NUL bytes, as the target reads them: 0.sh to 5.sh,
      # then d/6.sh to d/11.sh.
      printf '{{#include 1.sh}}\n  {{#include d/6.sh:a}}\0echo one \\{{#include x}}\n\0\0\0\0\0# ANCHOR: a\necho six\n{{#include ../2.sh:1}}\n# ANCHOR_END: a\n' >"$dir/nested"
      find "$root/tests/fixtures" -path '*/scripts/*' -type f ;;
    *) find "$root/content" "$root/tests/fixtures" -name '*.md' ;;
  esac | while read -r file; do cp "$file" "$dir/$(echo "$file" | cksum | cut -d' ' -f1)"; done
}

failed=()
for target in $targets; do
  seeds "$target"
  # What earlier sessions reached (keep.sh), among the seeds.
  [ -f "kept/$target.tar.xz" ] && tar -xJf "kept/$target.tar.xz" -C "seeds/$target"
  mkdir -p "corpus/$target"
  log=$(mktemp)
  # Rule ids are leaked on purpose (they live as long as the program, like
  # the built-in ones), which LeakSanitizer would report for every rule file
  # and again when the run ends.
  leaks=1
  [ "$target" = rules_file ] && leaks=0
  dict=$(dicts/for.sh "$target")
  ASAN_OPTIONS="detect_leaks=$leaks${ASAN_OPTIONS:+:$ASAN_OPTIONS}" cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    ${dict:+-dict="$dict"} -detect_leaks=$leaks -print_final_stats=1 >"$log" 2>&1

  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  echo "$target: exit $status, ${runs:-?} executions in ${seconds}s budget, corpus $(find "corpus/$target" -type f | wc -l)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20
  fi
  rm -f "$log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
