#!/usr/bin/env bash
# Builds both forms of the page from the wasm build:
#  - the hosted page (web/ as it is, plus web/dist/): copies the wasm build
#    outputs into web/dist/, where the page's worker imports dist/modelquant.mjs
#    (the JS API, wasm/modelquant.mjs), which loads modelquant-core.mjs (the
#    Emscripten ES module factory) and its .wasm file;
#  - the single-file page web/dist/modelquant-offline.html (scripts/build_offline.mjs,
#    from modelquant-single.mjs, the SINGLE_FILE build), which works opened from disk.
# It also copies the example model next to the example documentation page
# (web/examples/models/example_cnn.pb).
#
#   bash scripts/build_web.sh [WASM_BUILD_DIR]     (default: build/wasm)
#
# Build the module first (cmake --preset wasm && cmake --build build/wasm);
# then serve the page with `node web/serve.mjs` and open the printed address.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/wasm}
dist=web/dist
page_files=(modelquant.mjs modelquant-core.mjs modelquant-core.wasm modelquant-single.mjs)

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

node scripts/build_offline.mjs

mkdir -p web/examples/models
cp examples/example_cnn.pb web/examples/models/example_cnn.pb
echo "build_web: copied examples/example_cnn.pb into web/examples/models/"
