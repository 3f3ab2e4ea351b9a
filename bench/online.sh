#!/bin/sh
# Times `runbook lint --online` on 500 distinct URLs served by a local
# server (127.0.0.1) after 50 ms each: once from the network, once from the
# cache. PROFILE=debug to skip the release build.
set -eu
cd "$(dirname "$0")/.."
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then flag=--release; else flag=; fi
cargo build $flag --bin runbook --example online_bench
target="${CARGO_TARGET_DIR:-target}/$profile"
exec "$target/examples/online_bench" "$target/runbook"
