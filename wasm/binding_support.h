// What every exported wasm function shares: moving bytes across the JS/wasm
// boundary, reading an options object, and turning a Status into the plain
// result object {ok, error, code, value} that wasm/modelquant.mjs turns into a
// returned value or a thrown Error. Nothing here throws.
#pragma once

#include <emscripten/val.h>

#include <string>
#include <string_view>
#include <utility>

#include "core/io/graph_io.h"
#include "core/util/status.h"

namespace mq::wasm {

using emscripten::val;

// What a command gives back: a value, or a Status (the core's, unchanged, so
// JS sees the same message as the native CLI), or both when a failure still
// has something to show (summarize of a graph whose inputs name missing
// nodes: the CLI prints the summary and then fails). MQ_RETURN_IF_ERROR and
// MQ_ASSIGN_OR_RETURN work in a command because a Status converts to a Result.
class Result {
 public:
  Result(val value) : value_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design
  Result(Status status, val partial_value) : status_(std::move(status)), value_(std::move(partial_value)) {}

  // {ok: true, value} or {ok: false, error: message, code: "invalid_input" |
  // "unsupported" | "resource_exhausted" | "internal", value?}.
  val to_js() const;

 private:
  Status status_;
  val value_ = val::undefined();
};

// A command: bytes (Uint8Array) and an options object in, a Result out. Every
// command of the module has this shape.
using Command = Result (*)(const val& bytes, const val& options);

// Copies a Uint8Array (or any ArrayBufferView) into wasm memory with one
// TypedArray.set: Embind's own string conversion copies byte by byte.
// Anything else is an error naming `what`.
StatusOr<std::string> bytes_from_js(const val& bytes, const std::string& what);

// A new Uint8Array holding a copy of `bytes` (owned by JS, not by wasm memory).
val bytes_to_js(std::string_view bytes);

// A JS value from JSON text (JSON.parse), for results the core renders as JSON.
val json_to_js(const std::string& json);

// options[name] as a string / boolean; `fallback` when the options or the
// field are undefined or null; an error naming the option when the field has
// another type.
StatusOr<std::string> string_option(const val& options, const char* name, const std::string& fallback);
StatusOr<bool> bool_option(const val& options, const char* name, bool fallback);

// options.format, "text" or "binary", as the format to write; `fallback`
// when it is absent ("" makes it required).
StatusOr<GraphFormat> format_option(const val& options, const std::string& fallback);

// The name messages use for the input: options.name, else "input".
StatusOr<std::string> source_name(const val& options);

// Runs a command and packs its outcome; the function Embind exports.
template <Command command>
val exported(val bytes, val options) {
  return command(bytes, options).to_js();
}

}  // namespace mq::wasm
