#!/usr/bin/env bash
# The performance table of the README: builds the native tools (preset
# `bench`) and the wasm module (preset `wasm`) if needed, makes the example
# models at ~10, ~100 and ~500 MB in bench/out/ (git-ignored, kept between
# runs), and prints one table comparing our tools with the floor
# (floor_roundtrip), the wasm module, a JavaScript peer (protobufjs,
# bench/js_peer/) and TensorFlow.js. Under 10 minutes on a 2-core machine
# once the builds exist.
#
#   bash bench/run.sh              # everything
#   bash bench/run.sh --quick      # only the ~10 MB example and the shared models
#   bash bench/run.sh --no-browser # skip the Chromium worker figure
set -euo pipefail
cd "$(dirname "$0")/.."

export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs it to find acorn
if [[ ! -d node_modules/protobufjs || ! -d node_modules/@tensorflow/tfjs-backend-wasm ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

[[ -f build/bench/build.ninja ]] || cmake --preset bench >/dev/null
cmake --build build/bench -j2 --target modelquant floor_roundtrip >/dev/null
[[ -f build/wasm/build.ninja ]] || cmake --preset wasm >/dev/null
cmake --build build/wasm -j2 --target modelquant_core modelquant_js wasm_parse_benchmark >/dev/null

exec node bench/run.mjs --native build/bench --wasm build/wasm/wasm "$@"
