// The commands the wasm module exports, one function per file (wasm/<name>.cc),
// each listed once in wasm/bindings.cc. A command reads its input bytes and
// options, calls the core, and returns a JS value or the core's Status
// unchanged, so JS sees the same message as the native CLI.
#pragma once

#include "wasm/binding_support.h"

namespace mq::wasm {

// summarize(bytes, {name, structure}) → the object `modelquant summarize
// --json [--print_structure]` prints. A graph whose inputs name missing nodes
// fails (as the CLI does) with the summary as the error's value.
Result summarize(const val& bytes, const val& options);

// convert(bytes, {format: "text" | "binary", name}) → Uint8Array of the graph
// in the other (or the same) format.
Result convert(const val& bytes, const val& options);

// transform(bytes, {transforms | recipe, shape, inputs, outputs, format, name})
// → {bytes: Uint8Array, report}: what `modelquant transform … --json` writes
// and prints. inputs/outputs are arrays of names or comma-separated strings;
// missing ones are detected as the CLI does. A transform string that does
// not parse fails with {offset, line, column, excerpt} as the error's value.
// options.onProgress (a function) is called with {phase: "parse"}, {phase:
// "transform", index, count, name} before each transform, and {phase: "serialize"}.
Result transform(const val& bytes, const val& options);

// The transform table ({transforms, common_parameters}, `modelquant transforms
// --json`) and the recipes ({recipes}, `modelquant recipes --json`).
val transforms();
val recipes();
// run(bytes, {inputs: [{name, dtype, shape, bytes}], outputs: [names],
// shapes: {name: [sizes]}, seed, name}) → {outputs: [{name, dtype, shape,
// bytes}], inputs: [... with generated], milliseconds, peakBytes}.
Result run(const val& bytes, const val& options);

// compare(bytesA, {other: bytesB, otherName, inputs, outputs, shapes, seed,
// rtol, atol, name}) → the object `modelquant compare --json` prints.
Result compare(const val& bytes, const val& options);

// keras2pb(bytes, {name, config, configName, weights: {path: Uint8Array},
// outputPrefix}) → {graph: Uint8Array (binary GraphDef), inputs: [names],
// outputs: [names], description}: `modelquant keras2pb` for a .h5 / .keras
// file or a TensorFlow.js model.json (its .bin files given as `weights`).
Result keras2pb(const val& bytes, const val& options);

}  // namespace mq::wasm
