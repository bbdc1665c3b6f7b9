#include "wasm/binding_support.h"

#include <emscripten/val.h>

#include <cstdint>

namespace mq::wasm {
namespace {

const char* code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: return "invalid_input";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

// Messages on one line, trailing newlines dropped and inner ones turned into
// spaces, exactly as the CLI prints them.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

StatusOr<std::string> bytes_from_js(const val& bytes, const std::string& what) {
  static const val array_buffer_class = val::global("ArrayBuffer");
  if (bytes.isUndefined() || bytes.isNull() || bytes.typeOf().as<std::string>() != "object" ||
      !array_buffer_class.call<bool>("isView", bytes))
    return Status::error(what + " must be a Uint8Array of the file's bytes");
  val view = val::global("Uint8Array").new_(bytes["buffer"], bytes["byteOffset"], bytes["byteLength"]);
  size_t size = view["length"].as<size_t>();
  std::string copy(size, '\0');
  if (size > 0) val(emscripten::typed_memory_view(size, reinterpret_cast<uint8_t*>(copy.data()))).call<void>("set", view);
  return copy;
}

val bytes_to_js(std::string_view bytes) {
  return val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data())))
      .call<val>("slice");
}

StatusOr<std::string> string_option(const val& options, const char* name, const std::string& fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  val field = options[name];
  if (field.isUndefined() || field.isNull()) return fallback;
  if (!field.isString()) return Status::error(std::string("option '") + name + "' must be a string");
  return field.as<std::string>();
}

StatusOr<bool> bool_option(const val& options, const char* name, bool fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  val field = options[name];
  if (field.isUndefined() || field.isNull()) return fallback;
  if (!field.isTrue() && !field.isFalse()) return Status::error(std::string("option '") + name + "' must be true or false");
  return field.isTrue();
}

StatusOr<GraphFormat> format_option(const val& options, const std::string& fallback) {
  MQ_ASSIGN_OR_RETURN(std::string name, string_option(options, "format", fallback));
  if (name == "text") return GraphFormat::kText;
  if (name == "binary") return GraphFormat::kBinary;
  return Status::error("unknown output format '" + name + "'; use 'text' or 'binary'");
}

val json_to_js(const std::string& json) { return val::global("JSON").call<val>("parse", json); }

StatusOr<std::string> source_name(const val& options) { return string_option(options, "name", "input"); }

val Result::to_js() const {
  val result = val::object();
  result.set("ok", status_.is_ok());
  if (!status_.is_ok()) {
    result.set("error", one_line(status_.message()));
    result.set("code", std::string(code_name(status_.code())));
  }
  if (!value_.isUndefined()) result.set("value", value_);
  return result;
}

}  // namespace mq::wasm
