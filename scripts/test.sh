#!/usr/bin/env bash
# The one test command (also what CI runs, through .ci/run):
#   1. scripts/setup.sh                 Debian packages, libprotobuf-lite for wasm, npm packages
#   2. debug-asan build                 core, CLI, test suites and fuzz targets (clang 14,
#                                       AddressSanitizer + UBSan, -O1)
#   3. ctest (core_tests, cli_tests)    under the sanitizers, beside the wasm build (-O3)
#   4. node --test tests/wasm           the module, compared with the sanitized native CLI
#   5. node --test tests/web            browser tests (after scripts/build_web.sh copies the
#                                       wasm build into web/dist), when tests/web exists
#   6. scripts/fuzz.sh ci               every fuzz target (two at a time) replays the inputs
#                                       it ever crashed on, then fuzzes its seeds for a fixed
#                                       number of runs with a fixed seed (about 30 s each)
# With MQ_RELEASE=1 it also builds the `native` preset (g++ Release, what users
# run) and runs the suites there first.
# Stops at the first failure with a non-zero exit code.
#
# Environment:
#   MQ_JOBS   parallel build jobs (default: the number of cores)
#   MQ_CACHE  where setup.sh keeps the protobuf wasm build (default ~/.cache/modelquant)
#   MQ_FUZZ_SECONDS  timed fuzzing instead: seconds per target (0 skips fuzzing, saying so)
#   MQ_RELEASE  1: also the g++ Release build and its ctest run (default 0)
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${MQ_JOBS:-$(nproc)}
# One cache for setup.sh and the wasm configure step (CMakeLists.txt reads it).
export MQ_CACHE=${MQ_CACHE:-${HOME:-/root}/.cache/modelquant}
# Debian's emcc runs its JS optimizer with node, which finds acorn only here.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

# ccache keeps compiled objects between runs (the sanitized build, and with
# MQ_RELEASE=1 the Release build); paths are taken relative to the checkout
# so another clone of the same tree reuses them.
if command -v ccache >/dev/null 2>&1; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$PWD CCACHE_DIR=${CCACHE_DIR:-$MQ_CACHE/ccache} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
  export CCACHE_NOHASHDIR=1
fi

TOTAL_START=$SECONDS
SECTION_NAME=""
SECTION_START=0
TIMINGS=()

end_section() {
  if [[ -n $SECTION_NAME ]]; then
    TIMINGS+=("$(printf '%-44s %5d s' "$SECTION_NAME" $((SECONDS - SECTION_START)))")
  fi
}
section() {
  end_section
  SECTION_NAME=$1
  SECTION_START=$SECONDS
  printf '\n========== %s ==========\n' "$SECTION_NAME"
}
on_exit() {
  local status=$?
  if ((status != 0)); then
    printf '\ntest.sh: FAILED in section "%s" (exit code %d)\n' "$SECTION_NAME" "$status" >&2
  fi
}
trap on_exit EXIT

section "setup"
bash scripts/setup.sh

if [[ ${MQ_RELEASE:-0} == 1 ]]; then
  section "native build (Release, g++)"
  cmake --preset native >/dev/null
  cmake --build build/native -j"$JOBS"
  section "native tests (ctest, Release)"
  ctest --test-dir build/native --output-on-failure -j2
fi

section "native build (debug-asan: clang 14, ASan + UBSan, -O1)"
cmake --preset debug-asan >/dev/null
cmake --build build/debug-asan -j"$JOBS"
# The node and browser suites compare the wasm module with this CLI.
export MQ_NATIVE_CLI=$PWD/build/debug-asan/native-cli/modelquant

# The sanitized suites run mostly on one core; the wasm build takes the rest.
section "native tests (ctest under ASan + UBSan) beside the wasm build (Emscripten, -O3)"
ctest_log=build/debug-asan/ctest.log
ctest --test-dir build/debug-asan --output-on-failure -j2 >"$ctest_log" 2>&1 &
ctest_pid=$!
# ccache cannot stand in front of emcc (a Python driver), but emcc puts
# EM_COMPILER_WRAPPER in front of the clang it calls.
env -u CMAKE_C_COMPILER_LAUNCHER -u CMAKE_CXX_COMPILER_LAUNCHER cmake --preset wasm >/dev/null
wasm_status=0
if command -v ccache >/dev/null 2>&1; then
  EM_COMPILER_WRAPPER=ccache cmake --build build/wasm -j"$JOBS" || wasm_status=$?
else
  cmake --build build/wasm -j"$JOBS" || wasm_status=$?
fi
ctest_status=0
wait "$ctest_pid" || ctest_status=$?
echo "---------- ctest (build/debug-asan) ----------"
cat "$ctest_log"
((ctest_status == 0)) || { echo "ctest failed (exit code $ctest_status)" >&2; exit "$ctest_status"; }
((wasm_status == 0)) || { echo "the wasm build failed (exit code $wasm_status)" >&2; exit "$wasm_status"; }
for output in modelquant-core.wasm modelquant-core.mjs modelquant-single.mjs modelquant.mjs; do
  [[ -f build/wasm/wasm/$output ]] || { echo "missing build/wasm/wasm/$output" >&2; exit 1; }
done
printf 'modelquant-core.wasm: %d bytes, %d gzipped; modelquant-single.mjs: %d bytes\n' \
  "$(stat -c %s build/wasm/wasm/modelquant-core.wasm)" \
  "$(gzip -9c build/wasm/wasm/modelquant-core.wasm | wc -c)" \
  "$(stat -c %s build/wasm/wasm/modelquant-single.mjs)"

section "wasm tests (node --test tests/wasm)"
node --test tests/wasm/

if [[ -d tests/web ]]; then
  section "browser tests (node --test tests/web)"
  bash scripts/build_web.sh build/wasm
  node --test tests/web/
else
  echo
  echo "SKIPPED: browser tests: tests/web does not exist yet"
fi

FUZZ_SECONDS=${MQ_FUZZ_SECONDS:-ci}
if [[ $FUZZ_SECONDS == ci ]]; then
  section "fuzz (crash inputs, then a fixed number of runs from the seeds)"
  bash scripts/fuzz.sh ci
elif ((FUZZ_SECONDS > 0)); then
  section "fuzz (${FUZZ_SECONDS} s per target)"
  bash scripts/fuzz.sh "$FUZZ_SECONDS"
else
  echo
  echo "SKIPPED: fuzzing: MQ_FUZZ_SECONDS=0"
fi

end_section
SECTION_NAME=""
printf '\n========== summary ==========\n'
printf '%s\n' "${TIMINGS[@]}"
printf '%-44s %5d s\n' "total" $((SECONDS - TOTAL_START))
echo "test.sh: every section passed"
