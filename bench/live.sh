#!/usr/bin/env bash
# Benchmark the writing loop of `runbook serve` on the 10,000-runbook
# synthetic corpus: the time from saving one runbook to the reload event
# reaching a client of the event stream, median of 20 saves, beside the
# time of a full `runbook build` of the same tree.
#
#   bench/live.sh            # 10,000 runbooks
#   bench/live.sh 1000       # another size
#
# Release build. Each save appends a line to a different runbook, one
# second apart (the search index re-indexes in the background meanwhile,
# as it does while someone writes). Saves start once the first full search
# index is written; LIVE_EARLY=1 starts them during it (the worst case, both
# cores busy indexing). Corpora are generated once (seed 1)
# under $BENCH_DIR (default /tmp/runbook-bench).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-/work/shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/runbook-bench}
target=${CARGO_TARGET_DIR:-$here/target}
n=${1:-10000}

(cd "$here" && CARGO_TARGET_DIR="$target" cargo build --release --bin runbook --quiet)
bin="$target/release/runbook"
corpus="$work/live-corpus-$n"
book="$work/live-book-$n"
mkdir -p "$work"
[ -d "$corpus" ] || python3 "$gen" "$corpus" --files "$n" --seed 1 >/dev/null
mkdir -p "$book"
printf '[book]\ntitle = "Bench %s"\nsrc = "../live-corpus-%s"\n' "$n" "$n" > "$book/book.toml"

rm -rf "$book/site"
start=$(date +%s.%N)
(cd "$book" && "$bin" build --today 2026-11-25 --dest site 2>/dev/null)
end=$(date +%s.%N)
full=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

log="$work/live-serve-$n.log"
(cd "$book" && exec "$bin" serve --port 0 --today 2026-11-25 --dest site >/dev/null 2>"$log") &
server=$!
trap 'kill $server 2>/dev/null' EXIT

python3 - "$log" "$corpus" <<'PY'
import os, re, socket, statistics, sys, time, json

log, corpus = sys.argv[1], sys.argv[2]
deadline = time.time() + 600
addr = None
while addr is None and time.time() < deadline:
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", open(log).read())
    addr = ("127.0.0.1", int(m.group(1))) if m else time.sleep(0.2)
# The initial build runs before the server listens, then the whole search
# index is built in the background; measure once both are done (steady
# writing), unless LIVE_EARLY=1 asks for saves during that first indexing.
wait_for = "built " if os.environ.get("LIVE_EARLY") else "search index updated"
while wait_for not in open(log).read():
    time.sleep(0.2)

s = socket.create_connection(addr)
s.sendall(b"GET /__runbook/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
s.settimeout(30)
buf = b""
def next_line():
    global buf
    while b"\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("event stream closed")
        buf += chunk
    line, buf = buf.split(b"\n", 1)
    return line.decode().rstrip("\r")
while next_line() != "event: hello":
    pass

files = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".md")
)
step = max(1, len(files) // 20)
times = []
for i in range(20):
    path = files[i * step]
    rel = os.path.relpath(path, corpus)[:-3] + ".html"
    with open(path, "a") as f:
        f.write(f"\nEdited in the benchmark, save {i}.\n")
    t0 = time.perf_counter()
    while True:
        line = next_line()
        if line.startswith("data: {"):
            msg = json.loads(line[6:])
            if msg.get("scope") == "all" or rel in msg.get("pages", []):
                break
    times.append((time.perf_counter() - t0) * 1000)
    time.sleep(1.0)
print("save to reload event, ms: median %.0f, min %.0f, max %.0f (20 saves)"
      % (statistics.median(times), min(times), max(times)))
PY
echo "full runbook build of the same tree: ${full} s ($n runbooks)"
