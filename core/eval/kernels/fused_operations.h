// The operations grappler (and the TensorFlow.js converter) fuse after a
// convolution or matrix product in _FusedConv2D, _FusedMatMul and
// FusedDepthwiseConv2dNative: the `fused_ops` attribute lists them, the
// inputs after the first two are their arguments.
//
// Supported lists: [BiasAdd], [BiasAdd, Add|AddV2], [FusedBatchNorm] (or
// FusedBatchNormV2/V3), each optionally followed by one activation: Relu,
// Relu6, Elu, LeakyRelu (attribute leakyrelu_alpha), Sigmoid, Tanh, GeluExact,
// GeluApproximate, or Prelu (one more argument: the slopes per channel).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq {

class FusedOperations {
 public:
  // Reads fused_ops, epsilon, leakyrelu_alpha and the argument inputs
  // (context.inputs[first_argument...]) for an output with `channels` channels
  // (the last dimension after the kernel's own computation).
  static StatusOr<FusedOperations> read(const KernelContext& context, size_t first_argument, int64_t channels);

  // Fails unless the residual addend (if any) has the output's shape.
  Status check_output(const KernelContext& context, const Shape& output_shape) const;

  // The residual addend of [BiasAdd, Add] (invalid tensor otherwise); a
  // channels-first kernel swaps it to channels-last with replace_addend.
  const Tensor& addend() const { return addend_; }
  void replace_addend(Tensor addend) { addend_ = std::move(addend); }

  // Applies the operations in place to `values`, laid out [rows, channels].
  // T is float or double (the dtype of the argument tensors).
  template <typename T>
  void apply(T* values, int64_t rows) const;

 private:
  enum class Kind { kNone, kBiasAdd, kBiasAddAndAdd, kBatchNorm };
  enum class Activation { kNone, kRelu, kRelu6, kElu, kLeakyRelu, kSigmoid, kTanh, kGeluExact, kGeluApproximate, kPrelu };

  Kind kind_ = Kind::kNone;
  Activation activation_ = Activation::kNone;
  int64_t channels_ = 0;
  Tensor bias_;                        // BiasAdd
  Tensor addend_;                      // [BiasAdd, Add]
  std::vector<double> scale_, shift_;  // FusedBatchNorm folded to x * scale + shift
  Tensor prelu_slopes_;
  double leaky_relu_alpha_ = 0.2;
};

}  // namespace mq
