#include "core/eval/kernels/elementwise.h"

namespace mq::elementwise {

Tensor converted_to_float(const Tensor& tensor) {
  Tensor out(tensorflow::DT_FLOAT, tensor.shape());
  if (tensor.dtype() == tensorflow::DT_HALF) {
    out.flat<float>() = tensor.flat<Eigen::half>().cast<float>();
  } else {
    out.flat<float>() = tensor.flat<Eigen::bfloat16>().cast<float>();
  }
  return out;
}

Tensor converted_from_float(const Tensor& tensor, DataType dtype) {
  Tensor out(dtype, tensor.shape());
  if (dtype == tensorflow::DT_HALF) {
    out.flat<Eigen::half>() = tensor.flat<float>().cast<Eigen::half>();
  } else {
    out.flat<Eigen::bfloat16>() = tensor.flat<float>().cast<Eigen::bfloat16>();
  }
  return out;
}

Status unsupported_dtype(const KernelContext& ctx, DataType dtype) {
  return Status::unsupported("node '" + ctx.node.name() + "' (op " + ctx.node.op() + "): dtype " +
                             dtype_name(dtype) + " is not supported by this kernel");
}

StatusOr<Shape> binary_output_shape(const KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& x = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  if (x.dtype() != y.dtype())
    return ctx.error("inputs have different dtypes (" + dtype_name(x.dtype()) + " and " + dtype_name(y.dtype()) +
                     ")");
  StatusOr<Shape> shape = broadcast_shapes(x.shape(), y.shape());
  if (!shape.is_ok()) return ctx.error(shape.status().message());
  return shape;
}

}  // namespace mq::elementwise
