// Shared machinery of the elementwise kernels (math, compare): dtype
// dispatch restricted to the types an op accepts, half/bfloat16 computed in
// float, and broadcasting binary ops evaluated row by row with Eigen arrays.
// An op is a generic lambda over Eigen array expressions, e.g.
//   [](const auto& x, const auto& y) { return x + y; }
#pragma once

#include <Eigen/Core>
#include <type_traits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/broadcast.h"
#include "core/eval/tensor.h"

namespace mq::elementwise {

template <typename T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ArrayOf = Eigen::Array<T, Eigen::Dynamic, 1>;

// Which element types an op accepts (bit set).
enum TypeSet : int {
  kFloats = 1,    // float, double (and half, bfloat16 through float)
  kIntegers = 2,  // int8..int64, uint8..uint64
  kBools = 4,
  kReals = kFloats | kIntegers,
};

template <int kTypes, typename T>
constexpr bool accepts() {
  if constexpr (std::is_same_v<T, bool>) {
    return (kTypes & kBools) != 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    return (kTypes & kFloats) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return (kTypes & kIntegers) != 0;
  } else {
    return false;  // half and bfloat16 go through float
  }
}

inline bool is_half_like(DataType dtype) {
  return dtype == tensorflow::DT_HALF || dtype == tensorflow::DT_BFLOAT16;
}

// half/bfloat16 → float, and back (rounding to nearest even).
Tensor converted_to_float(const Tensor& tensor);
Tensor converted_from_float(const Tensor& tensor, DataType dtype);

// Calls f(T{}) when `dtype` is a type in kTypes (half/bfloat16 excluded);
// returns false otherwise.
template <int kTypes, typename F>
bool dispatch(DataType dtype, F&& f) {
  bool handled = false;
  dispatch_numeric(dtype, [&](auto type) {
    using T = decltype(type);
    if constexpr (accepts<kTypes, T>()) {
      f(type);
      handled = true;
    }
  });
  return handled;
}

Status unsupported_dtype(const KernelContext& ctx, DataType dtype);

// out = op(x, y) with broadcasting; In is the operands' type, Out the result's.
template <typename In, typename Out, typename Op>
void apply_binary(const Tensor& x, const Tensor& y, const BinaryBroadcast& plan, Tensor& out, Op& op) {
  const In* x_data = x.data<In>();
  const In* y_data = y.data<In>();
  Out* out_data = out.data<Out>();
  const Eigen::Index n = static_cast<Eigen::Index>(plan.inner());
  plan.for_each_row([&](int64_t out_offset, int64_t x_offset, int64_t y_offset) {
    ArrayMap<Out> result(out_data + out_offset, n);
    if (plan.x_repeats()) {
      result = op(ArrayOf<In>::Constant(n, x_data[x_offset]), ConstArrayMap<In>(y_data + y_offset, n));
    } else if (plan.y_repeats()) {
      result = op(ConstArrayMap<In>(x_data + x_offset, n), ArrayOf<In>::Constant(n, y_data[y_offset]));
    } else {
      result = op(ConstArrayMap<In>(x_data + x_offset, n), ConstArrayMap<In>(y_data + y_offset, n));
    }
  });
}

// Checks that both inputs have the same dtype; computes the output shape.
StatusOr<Shape> binary_output_shape(const KernelContext& ctx);

// A binary kernel: both inputs of one dtype in kTypes, broadcast; the
// result has the inputs' dtype, or bool when kBoolResult.
template <int kTypes, bool kBoolResult = false, typename Op>
Status binary_kernel(KernelContext& ctx, Op op) {
  MQ_ASSIGN_OR_RETURN(Shape shape, binary_output_shape(ctx));
  const Tensor& x = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  DataType dtype = x.dtype();
  BinaryBroadcast plan(x.shape(), y.shape(), shape);
  if constexpr ((kTypes & kFloats) != 0) {
    if (is_half_like(dtype)) {
      Tensor xf = converted_to_float(x), yf = converted_to_float(y);
      if constexpr (kBoolResult) {
        MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(tensorflow::DT_BOOL, shape));
        apply_binary<float, bool>(xf, yf, plan, out, op);
        ctx.outputs[0] = std::move(out);
      } else {
        Tensor out(tensorflow::DT_FLOAT, shape);
        apply_binary<float, float>(xf, yf, plan, out, op);
        MQ_RETURN_IF_ERROR(ctx.budget.reserve(out.byte_size() / 2, "node '" + ctx.node.name() + "' output"));
        ctx.outputs[0] = converted_from_float(out, dtype);
      }
      return Status::ok();
    }
  }
  Status status;
  bool handled = dispatch<kTypes>(dtype, [&](auto type) {
    using T = decltype(type);
    using Out = std::conditional_t<kBoolResult, bool, T>;
    StatusOr<Tensor> out = ctx.allocate(kBoolResult ? tensorflow::DT_BOOL : dtype, shape);
    if (!out.is_ok()) {
      status = out.status();
      return;
    }
    apply_binary<T, Out>(x, y, plan, *out, op);
    ctx.outputs[0] = std::move(*out);
  });
  if (!handled) return unsupported_dtype(ctx, dtype);
  return status;
}

// A unary kernel: out = op(x) over an Eigen array of the input's type.
template <int kTypes, typename Op>
Status unary_kernel(KernelContext& ctx, Op op) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& x = ctx.inputs[0];
  DataType dtype = x.dtype();
  if constexpr ((kTypes & kFloats) != 0) {
    if (is_half_like(dtype)) {
      Tensor xf = converted_to_float(x);
      Tensor out(tensorflow::DT_FLOAT, x.shape());
      out.flat<float>() = op(static_cast<const Tensor&>(xf).flat<float>());
      MQ_RETURN_IF_ERROR(ctx.budget.reserve(out.byte_size() / 2, "node '" + ctx.node.name() + "' output"));
      ctx.outputs[0] = converted_from_float(out, dtype);
      return Status::ok();
    }
  }
  Status status;
  bool handled = dispatch<kTypes>(dtype, [&](auto type) {
    using T = decltype(type);
    StatusOr<Tensor> out = ctx.allocate(dtype, x.shape());
    if (!out.is_ok()) {
      status = out.status();
      return;
    }
    out->template flat<T>() = op(x.flat<T>());
    ctx.outputs[0] = std::move(*out);
  });
  if (!handled) return unsupported_dtype(ctx, dtype);
  return status;
}

}  // namespace mq::elementwise
