// Kernels that produce or pass on values without computing: Const,
// Placeholder, Identity and its relatives, NoOp, CheckNumerics.
#include <cmath>

#include "core/eval/kernel.h"
#include "core/eval/kernels/elementwise.h"
#include "core/eval/tensor_proto.h"

namespace mq {
namespace {

Status const_kernel(KernelContext& ctx) {
  auto it = ctx.node.attr().find("value");
  if (it == ctx.node.attr().end() || it->second.value_case() != tensorflow::AttrValue::kTensor)
    return ctx.error("attribute 'value' is missing or is not a tensor");
  const tensorflow::TensorProto& proto = it->second.tensor();
  DataType dtype = ctx.attr_type_or("dtype", proto.dtype());
  if (dtype != proto.dtype())
    return ctx.error("attribute 'dtype' is " + dtype_name(dtype) + " but the value is " + dtype_name(proto.dtype()));
  // Check the size against the budget before decoding.
  StatusOr<Shape> shape = shape_from_proto(proto.tensor_shape());
  if (!shape.is_ok()) return ctx.error("attribute 'value': " + shape.status().message());
  int64_t count = num_elements(*shape);
  unsigned long long per_element =
      dtype == tensorflow::DT_STRING ? sizeof(std::string) : std::max<size_t>(1, dtype_size(dtype));
  if (count > 0 && static_cast<unsigned long long>(count) > (~0ULL) / per_element)
    return ctx.error("attribute 'value' is too large");
  MQ_RETURN_IF_ERROR(ctx.budget.reserve(static_cast<unsigned long long>(count) * per_element,
                                        "node '" + ctx.node.name() + "' (op Const): the value of shape " +
                                            shape_string(*shape)));
  StatusOr<Tensor> value = tensor_from_proto(proto);
  if (!value.is_ok()) return value.status().with_context("node '" + ctx.node.name() + "' (op Const) attribute 'value'");
  ctx.outputs[0] = std::move(*value);
  return Status::ok();
}

// A Placeholder reaches its kernel only when nothing was fed for it.
Status placeholder_kernel(KernelContext& ctx) {
  return Status::error("input '" + ctx.node.name() + "' needs a value: pass --input " + ctx.node.name() + "=file.npy");
}

// Identity, StopGradient, Snapshot, PlaceholderWithDefault: the input, shared.
Status identity_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  ctx.outputs[0] = ctx.inputs[0];
  return Status::ok();
}

Status identity_n_kernel(KernelContext& ctx) {
  ctx.outputs.assign(ctx.inputs.begin(), ctx.inputs.end());
  return Status::ok();
}

Status no_op_kernel(KernelContext& ctx) {
  ctx.outputs.clear();
  return Status::ok();
}

Status check_numerics_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& x = ctx.inputs[0];
  bool has_nan = false, has_inf = false;
  auto scan = [&](const auto& values) {
    has_nan = values.isNaN().any();
    has_inf = values.isInf().any();
  };
  if (elementwise::is_half_like(x.dtype())) {
    Tensor as_float = elementwise::converted_to_float(x);
    scan(as_float.flat<float>());
  } else if (x.dtype() == tensorflow::DT_FLOAT) {
    scan(x.flat<float>());
  } else if (x.dtype() == tensorflow::DT_DOUBLE) {
    scan(x.flat<double>());
  } else {
    return elementwise::unsupported_dtype(ctx, x.dtype());
  }
  if (has_nan || has_inf) {
    std::string what = has_nan && has_inf ? "Inf and NaN" : (has_nan ? "NaN" : "Inf");
    return ctx.error(ctx.attr_string_or("message", "") + " : Tensor had " + what + " values");
  }
  ctx.outputs[0] = x;
  return Status::ok();
}

}  // namespace

void register_basic_kernels(KernelTable& table) {
  table.add("Const", const_kernel);
  table.add("Placeholder", placeholder_kernel);
  table.add("PlaceholderWithDefault", identity_kernel);
  table.add("Identity", identity_kernel);
  table.add("IdentityN", identity_n_kernel);
  table.add("NoOp", no_op_kernel);
  table.add("StopGradient", identity_kernel);
  table.add("CheckNumerics", check_numerics_kernel);
  table.add("Snapshot", identity_kernel);
}

}  // namespace mq
