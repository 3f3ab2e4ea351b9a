#!/usr/bin/env bash
# Keeps what a fuzzing session reached, in the repository: from
# fuzz/corpus/TARGET and fuzz/seeds/TARGET, the inputs of 2 KB or less (on
# the corpora of the eighteenth pass they reached 97% of the edges the
# whole corpus did, in a fifth of the bytes), reduced to a set that still covers the same features
# (libFuzzer's -merge=1: greedy, smallest inputs first, in one pass;
# -set_cover_merge keeps a few percent fewer files but ran 50 minutes
# without finishing on the 13,000 inputs of `fix`), packed reproducibly into
# fuzz/kept/TARGET.tar.xz. plateau.sh and smoke.sh unpack it among the
# seeds, so the next session on a new machine starts from there instead of
# from the sample runbooks. The seeds count: libFuzzer writes to the corpus
# only what the seeds (the last kept set among them) did not reach, so the
# corpus alone would drop what earlier sessions kept. Build first (see
# plateau.sh).
#   fuzz/keep.sh TARGET...
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p kept
for target in "$@"; do
  binary=target/x86_64-unknown-linux-gnu/release/$target
  [ -x "$binary" ] || { echo "no $binary: run cargo +nightly fuzz build" >&2; exit 2; }
  small=$(mktemp -d) chosen=$(mktemp -d)
  find "corpus/$target" "seeds/$target" -type f -size -2049c -exec cp -t "$small" {} +
  leaks=1
  [ "$target" = rules_file ] && leaks=0
  ASAN_OPTIONS="detect_leaks=$leaks" "$binary" -merge=1 -timeout=30 \
    -rss_limit_mb=4096 -max_len=16384 "$chosen" "$small" >/dev/null 2>&1
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$chosen" \
    -cJf "kept/$target.tar.xz" .
  cov() { ASAN_OPTIONS="detect_leaks=$leaks" "$binary" -runs=0 "$1" 2>&1 | grep -o 'INITED cov: [0-9]*' | grep -o '[0-9]*$'; }
  echo "$target: $(find "corpus/$target" "seeds/$target" -type f | wc -l) inputs -> $(find "$chosen" -type f | wc -l) kept (cov $(cov "$chosen")), $(du -k "kept/$target.tar.xz" | cut -f1) KB"
  rm -rf "$small" "$chosen"
done
