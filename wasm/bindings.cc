// The table of everything the wasm module exports. Adding a command is one
// function in wasm/<name>.cc, its declaration in wasm/commands.h, one line
// here and one method in wasm/modelquant.mjs.
#include <emscripten/bind.h>

#include "wasm/commands.h"

EMSCRIPTEN_BINDINGS(modelquant) {
  using namespace mq::wasm;
  emscripten::function("version", +[]() { return std::string(MQ_VERSION); });
  emscripten::function("summarize", &exported<&summarize>);
  emscripten::function("convert", &exported<&convert>);
  emscripten::function("transform", &exported<&transform>);
  emscripten::function("transforms", &transforms);
  emscripten::function("recipes", &recipes);
  emscripten::function("run", &exported<&run>);
  emscripten::function("compare", &exported<&compare>);
  emscripten::function("keras2pb", &exported<&keras2pb>);
}
