// Dtype dispatch for the kernels that compute in floating point only
// (convolutions, pooling, normalisation, image resizing).
#pragma once

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq {

// Calls f(T{}) with T = float or double; false for any other dtype.
template <typename F>
bool dispatch_floating(DataType dtype, F&& f) {
  switch (dtype) {
    case tensorflow::DT_FLOAT: f(float{}); return true;
    case tensorflow::DT_DOUBLE: f(double{}); return true;
    default: return false;
  }
}

// True when widened_to_float makes a copy (kernels charge it to the budget).
inline bool widened_to_float_copies(DataType dtype) {
  return dtype == tensorflow::DT_HALF || dtype == tensorflow::DT_BFLOAT16;
}
// half and bfloat16 tensors are computed in float: a float copy of such a
// tensor, the tensor itself otherwise.
inline Tensor widened_to_float(const Tensor& tensor) {
  if (tensor.dtype() != tensorflow::DT_HALF && tensor.dtype() != tensorflow::DT_BFLOAT16) return tensor;
  Tensor widened(tensorflow::DT_FLOAT, tensor.shape());
  float* target = widened.data<float>();
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    target[i] = tensor.dtype() == tensorflow::DT_HALF ? static_cast<float>(tensor.data<Eigen::half>()[i])
                                                       : static_cast<float>(tensor.data<Eigen::bfloat16>()[i]);
  }
  return widened;
}

// Rounds a float result into a half or bfloat16 output of the same shape.
inline void narrow_from_float(const Tensor& computed, Tensor& output) {
  const float* source = computed.data<float>();
  for (int64_t i = 0; i < output.num_elements(); ++i) {
    if (output.dtype() == tensorflow::DT_HALF) output.data<Eigen::half>()[i] = Eigen::half(source[i]);
    else output.data<Eigen::bfloat16>()[i] = Eigen::bfloat16(source[i]);
  }
}

inline bool is_narrow_float(DataType dtype) {
  return dtype == tensorflow::DT_HALF || dtype == tensorflow::DT_BFLOAT16;
}

// "<op> supports float and double, not 'int32'" naming the node.
inline Status unsupported_floating_dtype(const KernelContext& context, DataType dtype) {
  return Status::unsupported(
      context.error(context.node.op() + " supports float and double, not '" + dtype_name(dtype) + "'").message());
}

}  // namespace mq
