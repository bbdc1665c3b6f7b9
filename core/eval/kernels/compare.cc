// Comparisons, logical ops and selection: Equal ... GreaterEqual,
// LogicalAnd/Or/Not, Select, SelectV2 and Where.
#include <type_traits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/element_copy.h"
#include "core/eval/kernels/elementwise.h"

namespace mq {
namespace {

using namespace elementwise;

// Equal and NotEqual on strings.
Status compare_strings(KernelContext& ctx, bool equal) {
  MQ_ASSIGN_OR_RETURN(Shape shape, binary_output_shape(ctx));
  const Tensor& x = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(tensorflow::DT_BOOL, shape));
  BinaryBroadcast plan(x.shape(), y.shape(), shape);
  plan.for_each_row([&](int64_t o, int64_t xo, int64_t yo) {
    for (int64_t i = 0; i < plan.inner(); ++i) {
      bool same = x.strings()[xo + (plan.x_repeats() ? 0 : i)] == y.strings()[yo + (plan.y_repeats() ? 0 : i)];
      out.data<bool>()[o + i] = same == equal;
    }
  });
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status equality_kernel(KernelContext& ctx, bool equal) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& x = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  // incompatible_shape_error=false: shapes that do not broadcast compare as
  // "all different" (a scalar).
  if (!ctx.attr_bool_or("incompatible_shape_error", true) && !broadcast_shapes(x.shape(), y.shape()).is_ok()) {
    MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(tensorflow::DT_BOOL, {}));
    out.data<bool>()[0] = !equal;
    ctx.outputs[0] = std::move(out);
    return Status::ok();
  }
  if (x.dtype() == tensorflow::DT_STRING) return compare_strings(ctx, equal);
  if (equal) return binary_kernel<kReals | kBools, true>(ctx, [](const auto& a, const auto& b) { return a == b; });
  return binary_kernel<kReals | kBools, true>(ctx, [](const auto& a, const auto& b) { return a != b; });
}

Status equal_kernel(KernelContext& ctx) { return equality_kernel(ctx, true); }
Status not_equal_kernel(KernelContext& ctx) { return equality_kernel(ctx, false); }

Status less_kernel(KernelContext& ctx) {
  return binary_kernel<kReals, true>(ctx, [](const auto& a, const auto& b) { return a < b; });
}
Status less_equal_kernel(KernelContext& ctx) {
  return binary_kernel<kReals, true>(ctx, [](const auto& a, const auto& b) { return a <= b; });
}
Status greater_kernel(KernelContext& ctx) {
  return binary_kernel<kReals, true>(ctx, [](const auto& a, const auto& b) { return a > b; });
}
Status greater_equal_kernel(KernelContext& ctx) {
  return binary_kernel<kReals, true>(ctx, [](const auto& a, const auto& b) { return a >= b; });
}

Status logical_and_kernel(KernelContext& ctx) {
  return binary_kernel<kBools>(ctx, [](const auto& a, const auto& b) { return a && b; });
}
Status logical_or_kernel(KernelContext& ctx) {
  return binary_kernel<kBools>(ctx, [](const auto& a, const auto& b) { return a || b; });
}
Status logical_not_kernel(KernelContext& ctx) {
  return unary_kernel<kBools>(ctx, [](const auto& a) { return !a; });
}

Status check_condition(const KernelContext& ctx, const Tensor& condition) {
  if (condition.dtype() != tensorflow::DT_BOOL)
    return ctx.error("the condition must be bool, got " + dtype_name(condition.dtype()));
  return Status::ok();
}

// Select: the condition has the branches' shape, is a scalar, or is a vector
// choosing whole rows along the first dimension.
Status select_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  const Tensor& condition = ctx.inputs[0];
  const Tensor& then_value = ctx.inputs[1];
  const Tensor& else_value = ctx.inputs[2];
  MQ_RETURN_IF_ERROR(check_condition(ctx, condition));
  if (then_value.dtype() != else_value.dtype() || then_value.shape() != else_value.shape())
    return ctx.error("'t' and 'e' must have the same dtype and shape, got " + shape_string(then_value.shape()) +
                     " and " + shape_string(else_value.shape()));
  if (condition.rank() == 0) {
    ctx.outputs[0] = condition.data<bool>()[0] ? then_value : else_value;
    return Status::ok();
  }
  int64_t row = 1;
  if (condition.shape() == then_value.shape()) {
    row = 1;
  } else if (condition.rank() == 1 && then_value.rank() >= 1 && condition.dim(0) == then_value.dim(0)) {
    row = then_value.dim(0) == 0 ? 0 : then_value.num_elements() / then_value.dim(0);
  } else {
    return ctx.error("the condition of shape " + shape_string(condition.shape()) +
                     " must be a scalar, a vector of the first dimension, or have the shape of 't', " +
                     shape_string(then_value.shape()));
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(then_value.dtype(), then_value.shape()));
  for (int64_t i = 0; i < condition.num_elements(); ++i)
    copy_elements(condition.data<bool>()[i] ? then_value : else_value, i * row, out, i * row, row);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// SelectV2: condition, then and else broadcast together.
Status select_v2_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  const Tensor& condition = ctx.inputs[0];
  const Tensor& then_value = ctx.inputs[1];
  const Tensor& else_value = ctx.inputs[2];
  MQ_RETURN_IF_ERROR(check_condition(ctx, condition));
  if (then_value.dtype() != else_value.dtype())
    return ctx.error("'t' and 'e' have different dtypes (" + dtype_name(then_value.dtype()) + " and " +
                     dtype_name(else_value.dtype()) + ")");
  StatusOr<Shape> branches = broadcast_shapes(then_value.shape(), else_value.shape());
  if (!branches.is_ok()) return ctx.error(branches.status().message());
  StatusOr<Shape> shape = broadcast_shapes(condition.shape(), *branches);
  if (!shape.is_ok()) return ctx.error(shape.status().message());
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(then_value.dtype(), *shape));
  // Copy the broadcast 'e', then overwrite with 't' where the condition holds.
  std::vector<int64_t> out_strides = dense_strides(*shape);
  copy_strided(else_value, 0, broadcast_strides(else_value.shape(), *shape), out, 0, out_strides, *shape);
  std::vector<int64_t> condition_strides = broadcast_strides(condition.shape(), *shape);
  std::vector<int64_t> then_strides = broadcast_strides(then_value.shape(), *shape);
  size_t rank = shape->size();
  std::vector<int64_t> index(rank, 0);
  int64_t c = 0, t = 0;
  for (int64_t o = 0; o < out.num_elements(); ++o) {
    if (condition.data<bool>()[c]) copy_elements(then_value, t, out, o, 1);
    for (size_t k = rank; k-- > 0;) {
      c += condition_strides[k];
      t += then_strides[k];
      if (++index[k] < (*shape)[k]) break;
      c -= condition_strides[k] * (*shape)[k];
      t -= then_strides[k] * (*shape)[k];
      index[k] = 0;
    }
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// Where (one input): the coordinates of the true / non-zero elements as an
// int64 matrix [count, rank], in row-major order.
Status where_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& input = ctx.inputs[0];
  std::vector<bool> truth(static_cast<size_t>(input.num_elements()));
  bool handled = false;
  if (is_half_like(input.dtype())) {
    Tensor as_float = converted_to_float(input);
    for (int64_t i = 0; i < input.num_elements(); ++i) truth[i] = as_float.data<float>()[i] != 0.0f;
    handled = true;
  } else {
    handled = dispatch<kReals | kBools>(input.dtype(), [&](auto type) {
      using T = decltype(type);
      for (int64_t i = 0; i < input.num_elements(); ++i) truth[i] = input.data<T>()[i] != T(0);
    });
  }
  if (!handled) return unsupported_dtype(ctx, input.dtype());
  int64_t count = 0;
  for (bool value : truth) count += value;
  int rank = input.rank();
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(tensorflow::DT_INT64, {count, rank}));
  int64_t* coordinates = out.data<int64_t>();
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  for (int64_t i = 0; i < input.num_elements(); ++i) {
    if (truth[i]) {
      std::copy(index.begin(), index.end(), coordinates);
      coordinates += rank;
    }
    for (int k = rank; k-- > 0;) {
      if (++index[k] < input.dim(k)) break;
      index[k] = 0;
    }
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

}  // namespace

void register_compare_kernels(KernelTable& table) {
  table.add("Equal", equal_kernel);
  table.add("NotEqual", not_equal_kernel);
  table.add("Less", less_kernel);
  table.add("LessEqual", less_equal_kernel);
  table.add("Greater", greater_kernel);
  table.add("GreaterEqual", greater_equal_kernel);
  table.add("LogicalAnd", logical_and_kernel);
  table.add("LogicalOr", logical_or_kernel);
  table.add("LogicalNot", logical_not_kernel);
  table.add("Select", select_kernel);
  table.add("SelectV2", select_v2_kernel);
  table.add("Where", where_kernel);
}

}  // namespace mq
