#include "core/transforms/batch_norm_weights.h"

#include "core/eval/tensor_proto.h"

namespace mq::transforms {

StatusOr<Tensor> float_const_value(const tensorflow::NodeDef& node) {
  auto value = node.attr().find("value");
  if (value == node.attr().end() || value->second.value_case() != tensorflow::AttrValue::kTensor)
    return Status::error("node '" + node.name() + "' (" + node.op() + ") has no tensor 'value'");
  StatusOr<Tensor> tensor = tensor_from_proto(value->second.tensor());
  if (!tensor.is_ok()) return tensor.status().with_context("node '" + node.name() + "'");
  if (tensor->dtype() != tensorflow::DT_FLOAT)
    return Status::error("node '" + node.name() + "' holds " + dtype_name(tensor->dtype()) +
                         " values; batch norm folding needs float");
  return tensor;
}

StatusOr<int64_t> weight_columns(const tensorflow::NodeDef& conv, const Tensor& weights) {
  const int needed = conv.op() == "MatMul" ? 2 : 4;
  if (weights.rank() < needed)
    return Status::error("the weights of node '" + conv.name() + "' (" + conv.op() + ") have shape " +
                         dims_joined(weights.shape()) + "; expected " + std::to_string(needed) + " dimensions");
  if (conv.op() == "MatMul") return weights.dim(1);
  if (conv.op() == "DepthwiseConv2dNative") return weights.dim(2) * weights.dim(3);
  return weights.dim(3);
}

std::vector<float> scale_weights(const Tensor& weights, const float* scale, int64_t columns) {
  std::vector<float> scaled(static_cast<size_t>(weights.num_elements()));
  const float* w = weights.data<float>();
  for (int64_t i = 0; i < weights.num_elements(); ++i) scaled[i] = w[i] * scale[i % columns];
  return scaled;
}

std::string dims_joined(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace mq::transforms
