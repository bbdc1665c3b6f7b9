// A wasm module for one benchmark figure: how long parsing a GraphDef takes
// in the browser/Node.js build, from a Uint8Array in JS to a parsed graph in
// wasm memory (the copy into wasm memory included), against protobufjs's
// decode of the same bytes (bench/js_peer). Exports parse(bytes) → node count.
#include <emscripten/bind.h>

#include "core/io/graph_io.h"
#include "wasm/binding_support.h"

namespace {

int parse(emscripten::val bytes) {
  mq::StatusOr<std::string> copy = mq::wasm::bytes_from_js(bytes, "bytes");
  if (!copy.is_ok()) return -1;
  tensorflow::GraphDef graph;
  if (!mq::parse_graph(*copy, "input", &graph).is_ok()) return -1;
  return graph.node_size();
}

}  // namespace

EMSCRIPTEN_BINDINGS(parse_benchmark) { emscripten::function("parse", &parse); }
