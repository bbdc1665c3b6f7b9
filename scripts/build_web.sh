#!/usr/bin/env bash
# Puts the WebAssembly module next to the page: copies the wasm build outputs
# the page loads into web/dist/, where the page's worker imports
# dist/modelquant.mjs (the JS API, wasm/modelquant.mjs), which loads
# modelquant-core.mjs (the Emscripten ES module factory) and its .wasm file.
#
#   bash scripts/build_web.sh [WASM_BUILD_DIR]     (default: build/wasm)
#
# Build the module first (cmake --preset wasm && cmake --build build/wasm);
# then serve the page with `node web/serve.mjs` and open the printed address.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/wasm}
dist=web/dist
page_files=(modelquant.mjs modelquant-core.mjs modelquant-core.wasm)

# The outputs sit in the build tree's wasm/ folder; the folder itself may be given too.
if [[ -f $build_dir/wasm/modelquant-core.wasm ]]; then
  outputs_dir=$build_dir/wasm
else
  outputs_dir=$build_dir
fi
for file in "${page_files[@]}"; do
  if [[ ! -f $outputs_dir/$file ]]; then
    echo "build_web: $outputs_dir/$file is missing: build the wasm module first" \
      "(cmake --preset wasm && cmake --build $build_dir)" >&2
    exit 2
  fi
done

rm -rf "$dist"
mkdir -p "$dist"
for file in "${page_files[@]}"; do
  cp "$outputs_dir/$file" "$dist/"
done
echo "build_web: copied ${page_files[*]} from $outputs_dir into $dist/"
