#!/usr/bin/env bash
# Prints the dictionary for a fuzz target (libFuzzer takes one `-dict`
# file): the parts in this folder that fit its input, joined into
# fuzz/target/dicts/TARGET.dict. Prints nothing for a target without one.
# The tokens let the fuzzer write `lint: true` or `{requires=X}` in one
# mutation instead of finding them a byte at a time.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/dicts/for.sh TARGET}
case $target in
  front_matter) parts="yaml" ;;
  document | lint_file | report | fix) parts="yaml markdown shell html" ;;
  review) parts="yaml markdown" ;;
  extract) parts="yaml markdown shell" ;;
  includes) parts="markdown shell" ;;
  render) parts="markdown html yaml" ;;
  config) parts="toml" ;;
  rules_file) parts="rules yaml" ;;
  *) exit 0 ;;
esac
mkdir -p ../target/dicts
out=../target/dicts/$target.dict
for part in $parts; do cat "$part.dict"; done >"$out"
echo "$(cd ../target/dicts && pwd)/$target.dict"
