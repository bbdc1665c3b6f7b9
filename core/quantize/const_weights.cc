#include "core/quantize/const_weights.h"

#include <cstring>

#include "core/eval/tensor_proto.h"

namespace mq {
namespace {

Status decode_failure(const tensorflow::NodeDef& node, const Status& why) {
  // GTT's text, without the space it forgets, then what is actually wrong.
  return Status::error("Decoding Tensor failed for node" + node.name() + " (" + why.message() + ")");
}

}  // namespace

StatusOr<ConstAttrs> const_attrs(const tensorflow::NodeDef& node) {
  auto dtype = node.attr().find("dtype");
  if (dtype == node.attr().end()) return Status::error("No 'dtype' attribute for Const node " + node.name());
  auto value = node.attr().find("value");
  if (value == node.attr().end()) return Status::error("No 'value' attribute for Const node " + node.name());
  ConstAttrs attrs;
  attrs.dtype = dtype->second.type();
  attrs.value = &value->second.tensor();
  return attrs;
}

Status check_const_value_decodes(const tensorflow::NodeDef& node, const tensorflow::TensorProto& value) {
  // The common case, a fixed-size tensor in tensor_content, is checked
  // without touching its bytes; anything else is small enough to decode.
  const size_t element_bytes = dtype_size(value.dtype());
  if (element_bytes > 0 && static_cast<int>(value.dtype()) < 100 && !value.tensor_content().empty()) {
    StatusOr<Shape> shape = shape_from_proto(value.tensor_shape());
    if (!shape.is_ok()) return decode_failure(node, shape.status());
    const int64_t count = num_elements(*shape);
    if (count == 0) return Status::ok();
    if (static_cast<uint64_t>(count) <= value.tensor_content().size() / element_bytes &&
        value.tensor_content().size() == static_cast<size_t>(count) * element_bytes)
      return Status::ok();
    return decode_failure(node, Status::error("tensor_content has " + std::to_string(value.tensor_content().size()) +
                                              " bytes but a " + dtype_name(value.dtype()) + " tensor of shape " +
                                              shape_string(*shape) + " needs " +
                                              std::to_string(count * static_cast<int64_t>(element_bytes))));
  }
  StatusOr<Tensor> decoded = tensor_from_proto(value);
  if (!decoded.is_ok()) return decode_failure(node, decoded.status());
  return Status::ok();
}

StatusOr<FloatValues> FloatValues::of(const tensorflow::NodeDef& node, const tensorflow::TensorProto& value) {
  if (value.dtype() != tensorflow::DT_FLOAT)
    return Status::error("Const node " + node.name() + " says its dtype is float but its value holds " +
                         dtype_name(value.dtype()) + " elements");
  StatusOr<Shape> shape = shape_from_proto(value.tensor_shape());
  if (!shape.is_ok()) return decode_failure(node, shape.status());
  FloatValues values;
  values.shape_ = std::move(shape).value();
  values.count_ = num_elements(values.shape_);
  if (values.count_ == 0) return values;

  const std::string& content = value.tensor_content();
  if (!content.empty()) {
    if (content.size() / sizeof(float) < static_cast<uint64_t>(values.count_) ||
        content.size() != static_cast<size_t>(values.count_) * sizeof(float)) {
      return decode_failure(node, Status::error("tensor_content has " + std::to_string(content.size()) +
                                                " bytes but a float tensor of shape " +
                                                shape_string(values.shape_) + " needs " +
                                                std::to_string(values.count_ * 4)));
    }
    // Little-endian hosts only (x86-64, arm64, wasm): the bytes are the floats.
    if (reinterpret_cast<uintptr_t>(content.data()) % alignof(float) == 0) {
      values.data_ = reinterpret_cast<const float*>(content.data());
    } else {
      values.storage_.resize(static_cast<size_t>(values.count_));
      std::memcpy(values.storage_.data(), content.data(), content.size());
      values.data_ = values.storage_.data();
    }
    return values;
  }
  const int present = value.float_val_size();
  if (present >= values.count_) {
    values.data_ = value.float_val().data();
    return values;
  }
  // Fewer values than elements: the last one repeats (none at all: zeros).
  if (static_cast<uint64_t>(values.count_) > kMaxDecodedTensorBytes / sizeof(float))
    return decode_failure(node, Status::resource_exhausted(
                                    "the float tensor of shape " + shape_string(values.shape_) + " would take " +
                                    std::to_string(static_cast<uint64_t>(values.count_) * sizeof(float)) +
                                    " bytes once decoded, more than a GraphDef can hold (2 GiB)"));
  values.storage_.assign(static_cast<size_t>(values.count_), present > 0 ? value.float_val(present - 1) : 0.0f);
  if (present > 0) std::memcpy(values.storage_.data(), value.float_val().data(), sizeof(float) * present);
  values.data_ = values.storage_.data();
  return values;
}

StatusOr<std::optional<FloatValues>> float_weights_to_rewrite(const tensorflow::NodeDef& node, int64_t minimum_size) {
  MQ_ASSIGN_OR_RETURN(ConstAttrs attrs, const_attrs(node));
  if (attrs.dtype != tensorflow::DT_FLOAT) {
    MQ_RETURN_IF_ERROR(check_const_value_decodes(node, *attrs.value));
    return std::optional<FloatValues>();
  }
  MQ_ASSIGN_OR_RETURN(FloatValues values, FloatValues::of(node, *attrs.value));
  if (values.size() < minimum_size) return std::optional<FloatValues>();
  return std::optional<FloatValues>(std::move(values));
}

}  // namespace mq
