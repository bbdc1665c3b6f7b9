#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) and runs each for a
# given number of seconds (default 60) on a seed corpus made of the small
# shared models, the test fixtures and the bundled example.
#   scripts/fuzz.sh            # every target, 60 s each (what CI runs)
#   scripts/fuzz.sh 600        # the 10-minute local run
#   scripts/fuzz.sh 600 parse_graph_fuzzer
# Findings are written to build/fuzz/findings/<target>/ and fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
only=${2:-}
shared=${MQ_SHARED_DIR:-../shared}

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"$(nproc)"

status=0
for fuzzer in build/fuzz/fuzz/*_fuzzer; do
  name=$(basename "$fuzzer")
  [[ -n "$only" && "$only" != "$name" ]] && continue
  corpus=build/fuzz/corpus/$name
  findings=build/fuzz/findings/$name
  mkdir -p "$corpus" "$findings"
  seeds=build/fuzz/seeds/$name
  mkdir -p "$seeds"
  # Seeds: graphs under 600 KB (fast to mutate) and the target's own seeds.
  for f in "$shared"/models/*.pb examples/*.pb tests/data/*.pbtxt; do
    [[ -f "$f" && $(stat -c %s "$f") -lt 600000 ]] && cp -f "$f" "$seeds/" || true
  done
  [[ -d fuzz/seeds/$name ]] && cp -f fuzz/seeds/"$name"/* "$seeds/" 2>/dev/null || true
  echo "== $name: ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
      -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "$seeds" >"build/fuzz/$name.log" 2>&1; then
    echo "!! $name found a problem; see build/fuzz/$name.log and $findings/"
    tail -30 "build/fuzz/$name.log"
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "build/fuzz/$name.log" || true
  echo "   corpus: $(ls "$corpus" | wc -l) files"
done
exit $status
