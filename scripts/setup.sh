#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian bookworm
# machine. Idempotent: a second run only checks.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  protobuf-compiler libprotobuf-dev libeigen3-dev
  catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  emscripten node-acorn nodejs npm
  chromium
  dpkg-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
echo "setup: Debian packages ready"
