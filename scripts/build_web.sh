#!/usr/bin/env bash
# Puts the WebAssembly module next to the page: copies the wasm build outputs
# (the ES module factory, its .wasm file) and the JS wrapper wasm/modelquant.mjs
# into web/dist/, which the page's worker imports as dist/modelquant.mjs.
#
#   bash scripts/build_web.sh [WASM_BUILD_DIR]     (default: build/wasm)
#
# Then serve the page with `node web/serve.mjs` and open the printed address.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/wasm}
dist=web/dist

if [[ ! -d "$build_dir" ]]; then
  echo "build_web: no WebAssembly build in '$build_dir': build the wasm module first" >&2
  exit 2
fi
shopt -s nullglob
outputs=("$build_dir"/*.wasm "$build_dir"/*.mjs "$build_dir"/*.js)
wasm_files=("$build_dir"/*.wasm)
if ((${#wasm_files[@]} == 0)); then
  echo "build_web: '$build_dir' holds no .wasm file: build the wasm module first" >&2
  exit 2
fi

rm -rf "$dist"
mkdir -p "$dist"
cp "${outputs[@]}" "$dist"/
# The wrapper is a source file; a build folder that already holds a copy wins.
if [[ ! -e "$dist/modelquant.mjs" && -f wasm/modelquant.mjs ]]; then
  cp wasm/modelquant.mjs "$dist"/
fi
if [[ ! -f "$dist/modelquant.mjs" ]]; then
  echo "build_web: no modelquant.mjs in '$build_dir' or wasm/: the page cannot load the module" >&2
  exit 2
fi
echo "build_web: copied into $dist/: $(cd "$dist" && ls | tr '\n' ' ')"
