#!/usr/bin/env bash
# Builds the libFuzzer targets (the debug-asan preset: clang-14, ASan+UBSan,
# the same build as the sanitizer test run), replays every input a
# target ever crashed on (tests/data/crashes/<target>/), then fuzzes each for
# a given number of seconds (default 60), at most two at a time.
#   scripts/fuzz.sh            # every target, 60 s each
#   scripts/fuzz.sh 600        # the 10-minute local run
#   scripts/fuzz.sh 600 evaluator_fuzzer
#   scripts/fuzz.sh ci         # the brief, repeatable run scripts/test.sh does
# `ci` fuzzes each target from its seeds alone (a fresh corpus) with a fixed
# random seed for a fixed number of executions (CI_RUNS below, about 30 s
# each on two cores, never more than 90 s), so every machine explores nearly
# the same inputs (the corpus still varies by a few percent from run to run):
# it is there to catch regressions, not to depend on luck. Finding new
# problems is the timed run's job.
# Seeds, per target (copied into build/fuzz/seeds/<target>/):
#   parse_graph, hdf5, inflate   graphs under 600 KB: ../shared/models, examples/, tests/data (+ HDF5 fixtures)
#   parse_text_graph             the .pbtxt fixtures
#   transform_graph              one selector byte (which transform or recipe) + each graph under 100 KB
#   transform_string, evaluator  fuzz/seeds/<target>/ only
# plus fuzz/seeds/<target>/ and the target's crash inputs. The corpus grows in
# build/fuzz/corpus/<target>/ and is kept between runs. Findings go to
# build/fuzz/findings/<target>/ and fail the script; per-target libFuzzer
# flags come from fuzz/<target>.flags. Prints, per target: executions,
# executions per second, corpus size, peak memory.
#
# Environment: MQ_SHARED_DIR (default ../shared), MQ_FUZZ_JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
only=${2:-}
declare -A CI_RUNS=(
  [evaluator_fuzzer]=40000 [hdf5_fuzzer]=15000 [inflate_fuzzer]=500000 [keras_fuzzer]=600000
  [parse_graph_fuzzer]=10000 [parse_text_graph_fuzzer]=700000 [transform_graph_fuzzer]=8000
  [transform_string_fuzzer]=300000
)
shared=${MQ_SHARED_DIR:-../shared}
parallel=${MQ_FUZZ_JOBS:-2}

cmake --preset debug-asan >/dev/null
cmake --build build/debug-asan -j"$(nproc)"
mkdir -p build/fuzz

graphs_under() {  # graphs_under BYTES: model files smaller than BYTES
  for f in "$shared"/models/*.pb examples/*.pb tests/data/*.pbtxt tests/data/transforms/*.pbtxt; do
    [[ -f "$f" && $(stat -c %s "$f") -lt $1 ]] && echo "$f"
  done
  return 0
}

gather_seeds() {  # gather_seeds TARGET DIR
  local name=$1 seeds=$2
  rm -rf "$seeds"
  mkdir -p "$seeds"
  case $name in
    parse_text_graph_fuzzer)
      cp -f tests/data/*.pbtxt tests/data/transforms/*.pbtxt "$seeds/" ;;
    transform_graph_fuzzer)
      local count
      count=$(grep -c '^        "' fuzz/fuzz_targets.h)  # the transform texts; recipes follow them
      count=$((count + 3))
      for f in $(graphs_under 100000); do
        for ((selector = 0; selector < count; selector++)); do
          { printf "\\x$(printf %02x "$selector")"; cat "$f"; } >"$seeds/$(basename "$f").$selector"
        done
      done ;;
    transform_string_fuzzer | evaluator_fuzzer) ;;
    *)
      for f in $(graphs_under 600000); do cp -f "$f" "$seeds/"; done
      [[ $name == hdf5_fuzzer ]] && cp -f tests/data/hdf5/* "$seeds/" 2>/dev/null
      ;;
  esac
  [[ -d fuzz/seeds/$name ]] && cp -f fuzz/seeds/"$name"/* "$seeds/" 2>/dev/null
  [[ -d tests/data/crashes/$name ]] && cp -f tests/data/crashes/"$name"/* "$seeds/" 2>/dev/null
  rm -f "$seeds/README.md"
  return 0
}

# Runs one target: the crash inputs, then fuzzing. Writes build/fuzz/<name>.log
# and build/fuzz/<name>.stats; exits non-zero on a finding.
fuzz_one() {
  local fuzzer=$1 name
  name=$(basename "$fuzzer")
  local corpus=build/fuzz/corpus/$name findings=build/fuzz/findings/$name seeds=build/fuzz/seeds/$name
  mkdir -p "$corpus" "$findings"
  gather_seeds "$name" "$seeds"
  local flags=()
  [[ -f fuzz/$name.flags ]] && read -r -a flags <fuzz/$name.flags
  if [[ -d tests/data/crashes/$name ]]; then
    local inputs=()
    for f in tests/data/crashes/"$name"/*; do [[ $(basename "$f") != README.md ]] && inputs+=("$f"); done
    if ((${#inputs[@]})) && ! "$fuzzer" "${flags[@]}" -rss_limit_mb=2048 -timeout=20 "${inputs[@]}" \
        >"build/fuzz/$name.replay.log" 2>&1; then
      echo "!! $name: a committed crash input fails again; see build/fuzz/$name.replay.log"
      return 1
    fi
  fi
  local status=0 budget=(-max_total_time="$seconds") label="${seconds}s"
  if [[ $seconds == ci ]]; then
    [[ -n ${CI_RUNS[$name]:-} ]] || { echo "!! $name has no entry in CI_RUNS (scripts/fuzz.sh)"; return 1; }
    corpus=build/fuzz/ci-corpus/$name
    rm -rf "$corpus"
    mkdir -p "$corpus"
    # The cap keeps the section's time bounded when the exploration reaches
    # slow inputs (inflate once ran at a tenth of its usual speed).
    budget=(-seed=1 -runs="${CI_RUNS[$name]}" -max_total_time=90)
    label="${CI_RUNS[$name]} runs, seed 1"
  fi
  "$fuzzer" "${flags[@]}" "${budget[@]}" -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "$seeds" >"build/fuzz/$name.log" 2>&1 || status=1
  {
    echo "== $name: $label"
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "build/fuzz/$name.log" || true
    echo "   corpus: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KB"
    if ((status)); then
      echo "!! $name found a problem; see build/fuzz/$name.log and $findings/"
      grep -E 'ERROR|SUMMARY|_fuzzer: ' "build/fuzz/$name.log" | head -5
    fi
  } >"build/fuzz/$name.stats"
  return $status
}

targets=()
for fuzzer in build/debug-asan/fuzz/*_fuzzer; do
  [[ -n "$only" && "$only" != "$(basename "$fuzzer")" ]] && continue
  targets+=("$fuzzer")
done
((${#targets[@]})) || { echo "no fuzz target matches '$only'" >&2; exit 1; }

status=0
running=()
for fuzzer in "${targets[@]}"; do
  fuzz_one "$fuzzer" &
  running+=($!)
  if ((${#running[@]} >= parallel)); then
    wait "${running[0]}" || status=1
    running=("${running[@]:1}")
  fi
done
for pid in "${running[@]}"; do wait "$pid" || status=1; done
for fuzzer in "${targets[@]}"; do
  name=$(basename "$fuzzer")
  if [[ -f build/fuzz/$name.stats ]]; then cat "build/fuzz/$name.stats"; else cat "build/fuzz/$name.replay.log" 2>/dev/null | tail -20; fi
done
exit $status
