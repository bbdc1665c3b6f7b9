#!/usr/bin/env bash
# The one test command: builds what is needed and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build build/native -j"$(nproc)"
ctest --test-dir build/native --output-on-failure
