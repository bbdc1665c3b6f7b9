// Running a whole model the way `modelquant run` and the wasm `run` do:
// given inputs where the caller has them, deterministic pseudo-random inputs
// shaped from the Placeholders everywhere else, the requested outputs (or
// the graph's own outputs), timing and peak memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/eval/evaluator.h"
#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

struct RunOptions {
  // Values given for inputs ("name" or "name:port" → tensor).
  std::vector<Feed> inputs;
  // Tensors to compute; empty means the graph's outputs (nodes nobody
  // consumes that are not Const, Assign, NoOp or Placeholder).
  std::vector<std::string> outputs;
  // Shapes for generated inputs, overriding the Placeholder's `shape`
  // (needed for unknown rank; unknown sizes otherwise become 1).
  std::map<std::string, Shape> shapes;
  // Seed of the generated inputs: floats uniform in [-1, 1), integers
  // uniform in [0, 10), bools fair coins; the same seed, name, dtype and
  // shape always give the same values on every platform.
  uint64_t seed = 1;
  // Most bytes of tensors held at once (MemoryBudget); default_memory_limit().
  unsigned long long memory_limit_bytes = default_memory_limit();
};

struct ModelInput {
  std::string name;
  Tensor value;
  bool generated = false;  // made from the seed rather than given
};

struct RunResult {
  std::vector<ModelInput> inputs;  // given ones first, then generated ones
  std::vector<std::string> output_names;
  std::vector<Tensor> outputs;
  double milliseconds = 0;  // evaluation only, without generating inputs
  unsigned long long peak_bytes = 0;
};

StatusOr<RunResult> run_model(const tensorflow::GraphDef& graph, const RunOptions& options);

// The graph's outputs as `run` picks them by default.
std::vector<std::string> default_outputs(const tensorflow::GraphDef& graph);

// The Placeholders `outputs` need that `fed` does not cover, in graph order.
std::vector<const tensorflow::NodeDef*> needed_placeholders(const tensorflow::GraphDef& graph,
                                                          const std::vector<std::string>& outputs,
                                                          const std::vector<std::string>& fed);

// A generated input for a Placeholder: its dtype, its shape (or `shape`
// when given), values from `seed` and the placeholder's name.
// With a `budget`, the input's bytes are reserved from it before anything is
// allocated (and stay reserved).
StatusOr<Tensor> generate_input(const tensorflow::NodeDef& placeholder, const Shape* shape, uint64_t seed,
                                MemoryBudget* budget = nullptr);

// A memory size as a person writes it: "1073741824", "512M", "4G", "64k",
// "1.5G" (K/M/G/T are powers of 1024, an optional trailing "B" or "iB").
StatusOr<unsigned long long> parse_memory_size(const std::string& text);

// "1x224x224x3" → {1,224,224,3}; "scalar" or "" → {} (a scalar).
StatusOr<Shape> parse_shape_text(const std::string& text);

// The file an output is written to: '/' and ':' become '_', plus ".npy"
// ("MobilenetV1/Predictions/Reshape_1" → "MobilenetV1_Predictions_Reshape_1.npy").
std::string output_file_name(const std::string& output);

}  // namespace mq
