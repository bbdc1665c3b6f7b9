// Arithmetic shared by fold_batch_norms and fold_old_batch_norms: reading a
// float Const, how many output columns a convolution's weights have, and
// multiplying per-column scales into the weights, all in float32 exactly as
// the Graph Transform Tool does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq::transforms {

// The value of a Const node, which must be DT_FLOAT; errors name the node.
StatusOr<Tensor> float_const_value(const tensorflow::NodeDef& node);

// Output columns of `conv`'s weights: dim 3 for Conv2D, dim 2 × dim 3 for
// DepthwiseConv2dNative, dim 1 for MatMul (transpose_b ignored, as in GTT).
// Fails when the weights have too few dimensions.
StatusOr<int64_t> weight_columns(const tensorflow::NodeDef& conv, const Tensor& weights);

// new_w[i] = w[i] × scale[i mod columns], float32.
std::vector<float> scale_weights(const Tensor& weights, const float* scale, int64_t columns);

// "[2,3]" (GTT's way of printing a shape in messages; "[]" for a scalar).
std::string dims_joined(const Shape& shape);

}  // namespace mq::transforms
