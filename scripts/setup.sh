#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian bookworm
# machine (run as root). Idempotent: a second run only checks, in seconds.
#
#   1. Debian packages (compilers, libraries, Emscripten, Chromium, Node.js).
#   2. libprotobuf-lite compiled by emcc for the WebAssembly build: Debian's own
#      protobuf source (the version of the native protoc), fetched with
#      `apt-get source` and built once into $MQ_CACHE/protobuf-wasm, outside
#      the repository, so a fresh clone or `rm -rf build` never rebuilds it.
#   3. The JavaScript test dependencies (playwright-core) from the committed
#      package.json / package-lock.json at the repository root, into
#      ./node_modules.
#
# Environment:
#   MQ_CACHE  where the protobuf source and its wasm build live
#             (default: $HOME/.cache/modelquant)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_DIR=$PWD
MQ_CACHE=${MQ_CACHE:-${HOME:-/root}/.cache/modelquant}
# Debian's emcc runs its JS optimizer with node, which finds acorn only here.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export DEBIAN_FRONTEND=noninteractive

log() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }
APT_GET=(apt-get -o DPkg::Lock::Timeout=600 -y -qq)

# --- 1. Debian packages ------------------------------------------------------
APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates xz-utils gzip ccache
  protobuf-compiler libprotobuf-dev libeigen3-dev
  catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  emscripten node-acorn
  chromium
  dpkg-dev
)
# Node.js: a machine that already has node and npm (for instance Node 20 from
# another Debian repository) keeps them; installing Debian's npm next to it
# would fight over the nodejs package.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  APT_PACKAGES+=(nodejs npm)
fi

apt_updated=0
apt_update() {
  if ((apt_updated == 0)); then
    "${APT_GET[@]}" update
    apt_updated=1
  fi
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}); run this script as root"
  log "installing ${missing[*]}"
  apt_update
  "${APT_GET[@]}" install --no-install-recommends "${missing[@]}"
fi
log "Debian packages ready"

# --- 2. libprotobuf-lite for WebAssembly --------------------------------------
# The runtime must be the version of the native protoc that generates the code.
PROTOBUF_VERSION=$(protoc --version | awk '{print $2}')
PROTOBUF_PREFIX=$MQ_CACHE/protobuf-wasm
PROTOBUF_STAMP=$PROTOBUF_PREFIX/.built-$PROTOBUF_VERSION-O3


# Puts "Types: deb deb-src" in Debian's sources file unless some entry already
# has deb-src; returns 0 when the file was changed.
enable_deb_src() {
  local sources=/etc/apt/sources.list.d/debian.sources
  if [[ -f $sources ]]; then
    grep -Eq '^Types:.*\bdeb-src\b' "$sources" && return 1
    [[ $(id -u) == 0 ]] || die "deb-src is not enabled in $sources; run this script as root"
    log "enabling deb-src in $sources"
    sed -i -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb deb-src/' "$sources"
    return 0
  fi
  # Older layout: one-line entries in /etc/apt/sources.list.
  grep -Eqs '^deb-src ' /etc/apt/sources.list && return 1
  [[ $(id -u) == 0 ]] || die "deb-src is not enabled in /etc/apt/sources.list; run this script as root"
  log "enabling deb-src in /etc/apt/sources.list"
  sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >>/etc/apt/sources.list
  return 0
}

# Sets PROTOBUF_SOURCE_DIR to Debian's protobuf source, fetching it if needed.
fetch_protobuf_source() {
  local dest=$MQ_CACHE/src
  PROTOBUF_SOURCE_DIR=$dest/protobuf-$PROTOBUF_VERSION
  local dir=$PROTOBUF_SOURCE_DIR
  [[ -f $dir/cmake/CMakeLists.txt ]] && return
  if enable_deb_src; then
    apt_updated=0
  fi
  mkdir -p "$dest"
  rm -rf "$dir"
  # `apt-get source` downloads into the current folder and unpacks with
  # dpkg-source (Debian's patches applied). Without a source index yet
  # (deb-src just enabled, or lists cleaned) it fails: update once and retry.
  log "fetching Debian's protobuf source into $dest"
  local started=$SECONDS fetch_log=$MQ_CACHE/protobuf-source.log
  if ! (cd "$dest" && apt-get -o DPkg::Lock::Timeout=600 -qq source protobuf) >"$fetch_log" 2>&1; then
    apt_update
    (cd "$dest" && apt-get -o DPkg::Lock::Timeout=600 -qq source protobuf) >"$fetch_log" 2>&1 ||
      { tail -20 "$fetch_log"; die "apt-get source protobuf failed (log above)"; }
  fi
  log "protobuf source fetched in $((SECONDS - started)) s"
  [[ -f $dir/cmake/CMakeLists.txt ]] ||
    die "apt-get source protobuf did not give protobuf $PROTOBUF_VERSION in $dest (the native protoc's version); found: $(ls "$dest")"
}

build_protobuf_wasm() {
  local started=$SECONDS
  fetch_protobuf_source
  local source_dir=$PROTOBUF_SOURCE_DIR
  local build_dir=$MQ_CACHE/build/protobuf-wasm-$PROTOBUF_VERSION
  log "building libprotobuf-lite $PROTOBUF_VERSION with emcc $(emcc -dumpversion) into $PROTOBUF_PREFIX"
  rm -rf "$build_dir" "$PROTOBUF_PREFIX"
  # Debian's emcmake points CMAKE_CROSSCOMPILING_EMULATOR at node with a flag
  # node 20 rejects; give it plain node.
  emcmake cmake -S "$source_dir/cmake" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX="$PROTOBUF_PREFIX" \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node \
    -Dprotobuf_BUILD_TESTS=OFF \
    -Dprotobuf_BUILD_PROTOC_BINARIES=OFF \
    -Dprotobuf_BUILD_SHARED_LIBS=OFF \
    -Dprotobuf_WITH_ZLIB=OFF \
    -Dprotobuf_INSTALL=ON >"$MQ_CACHE/protobuf-wasm-configure.log" 2>&1 ||
    { tail -30 "$MQ_CACHE/protobuf-wasm-configure.log"; die "configuring protobuf for wasm failed (log above)"; }
  cmake --build "$build_dir" --target libprotobuf-lite -j"${MQ_JOBS:-2}" >"$MQ_CACHE/protobuf-wasm-build.log" 2>&1 ||
    { tail -30 "$MQ_CACHE/protobuf-wasm-build.log"; die "building libprotobuf-lite for wasm failed (log above)"; }
  # Only the lite library and the headers: the full libprotobuf is never built.
  mkdir -p "$PROTOBUF_PREFIX/lib"
  cp "$build_dir/libprotobuf-lite.a" "$PROTOBUF_PREFIX/lib/"
  cmake --install "$build_dir" --component protobuf-headers >/dev/null
  [[ -f $PROTOBUF_PREFIX/include/google/protobuf/message_lite.h ]] ||
    die "the protobuf headers were not installed into $PROTOBUF_PREFIX/include"
  touch "$PROTOBUF_STAMP"
  log "libprotobuf-lite for wasm built in $((SECONDS - started)) s"
}

mkdir -p "$MQ_CACHE"
# Two runs at once (two checkouts on one machine) must not build into the same
# folder at the same time.
exec 9>"$MQ_CACHE/.setup.lock"
flock 9
if [[ -f $PROTOBUF_STAMP && -f $PROTOBUF_PREFIX/lib/libprotobuf-lite.a ]]; then
  log "libprotobuf-lite $PROTOBUF_VERSION for wasm ready in $PROTOBUF_PREFIX"
else
  build_protobuf_wasm
fi
flock -u 9

# --- 3. JavaScript test dependencies ------------------------------------------
# npm ci installs exactly the committed lock file; it runs again only when the
# lock file changed since the last install.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
NODE_STAMP=node_modules/.installed-from-lock-$LOCK_SUM
if [[ -f $NODE_STAMP ]]; then
  log "npm packages ready (node_modules matches package-lock.json)"
else
  log "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$NODE_STAMP"
fi
log "done"
