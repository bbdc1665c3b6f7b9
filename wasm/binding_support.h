// What every exported wasm function shares: moving bytes across the JS/wasm
// boundary, reading an options object, and turning a Status into the plain
// result object {ok, error, code, value} that wasm/modelquant.mjs turns into a
// returned value or a thrown Error. Nothing here throws.
#pragma once

#include <emscripten/val.h>

#include <string>
#include <string_view>

#include "core/util/status.h"

namespace mq::wasm {

using emscripten::val;

// A command: bytes (Uint8Array) and an options object in, a JS value or a
// Status out. Every command of the module has this shape.
using Command = StatusOr<val> (*)(const val& bytes, const val& options);

// Copies a Uint8Array (or any ArrayBufferView) into wasm memory with one
// TypedArray.set: Embind's own string conversion copies byte by byte.
// Anything else is an error naming `what`.
StatusOr<std::string> bytes_from_js(const val& bytes, const std::string& what);

// A new Uint8Array holding a copy of `bytes` (owned by JS, not by wasm memory).
val bytes_to_js(std::string_view bytes);

// options[name] as a string; `fallback` when the options or the field are
// undefined or null; an error when the field is not a string.
StatusOr<std::string> string_option(const val& options, const char* name, const std::string& fallback);

// The name messages use for the input: options.name, else "input".
StatusOr<std::string> source_name(const val& options);

// {ok: true, value} or {ok: false, error: message, code: "invalid_input" | ...}.
val to_result(const StatusOr<val>& outcome);

// Runs a command and packs its outcome; the function Embind exports.
template <Command command>
val exported(val bytes, val options) {
  return to_result(command(bytes, options));
}

}  // namespace mq::wasm
