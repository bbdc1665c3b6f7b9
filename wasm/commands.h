// The commands the wasm module exports, one function per file (wasm/<name>.cc),
// each listed once in wasm/bindings.cc. A command reads its input bytes and
// options, calls the core, and returns a JS value or the core's Status
// unchanged, so JS sees the same message as the native CLI.
#pragma once

#include "wasm/binding_support.h"

namespace mq::wasm {

// convert(bytes, {format: "text" | "binary", name}) → Uint8Array of the graph
// in the other (or the same) format.
Result convert(const val& bytes, const val& options);

}  // namespace mq::wasm
