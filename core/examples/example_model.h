// A small but realistic frozen CNN, built by our own code, so the README,
// the tests and the benchmarks have a model that needs no download.
//
// input [1,64,64,3] float
//   → conv1: Conv2D 3x3/2 + BiasAdd → FusedBatchNormV3 (is_training=false) → Relu6 → CheckNumerics
//   → conv2_dw: DepthwiseConv2dNative 3x3 → BatchNormWithGlobalNormalization (old style) → Relu6
//   → conv3: Conv2D 1x1 + BiasAdd → Relu
//   → block<k> (repeated_blocks times): DepthwiseConv2dNative → FusedBatchNormV3 → Relu6
//                                        → Conv2D 1x1 + BiasAdd → Relu
//   → pool: Mean over H,W (keep_dims) → Reshape [-1, C]
//   → logits: MatMul + BiasAdd → predictions: Softmax
// Every weight is a Const followed by an Identity "<name>/read", as a frozen
// TF1 graph has them; a training-only branch (labels Placeholder,
// SparseSoftmaxCrossEntropyWithLogits, loss/Mean) hangs off the logits and is
// not needed by "predictions". Weights are deterministic pseudo-random values
// (the same bytes on every platform for the same options).
#pragma once

#include <cstdint>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

struct ExampleOptions {
  int width = 1;            // channel multiplier: 32·width stem, 256·width feature channels
  int repeated_blocks = 0;  // extra depthwise + pointwise blocks at the feature width
  int image_size = 64;      // input height and width
  int classes = 1000;
  uint64_t seed = 20240607;
};

// The options whose model is about `scale` times the size of the default one
// (≈1.1 MB): 100 gives ≈100 MB, 500 ≈ 500 MB. Widths grow with √scale, the
// rest is made up with repeated blocks.
ExampleOptions example_options_for_scale(int scale);

// Bytes of weights (Const values) the model will hold.
unsigned long long example_weight_bytes(const ExampleOptions& options);

// Rejects options that give no model or one over protobuf's 2 GiB limit.
Status check_example_options(const ExampleOptions& options);

// Builds the graph; options must pass check_example_options.
tensorflow::GraphDef make_example_cnn(const ExampleOptions& options);

// Names of the graph's input, its inference output and the training-only
// output, for tests and documentation.
inline constexpr const char* kExampleInputName = "input";
inline constexpr const char* kExampleOutputName = "predictions";
inline constexpr const char* kExampleLossName = "loss/Mean";

}  // namespace mq
