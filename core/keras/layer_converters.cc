#include "core/keras/layer_converters.h"

#include <cmath>

namespace mq::keras {
namespace {

using nlohmann::json;

bool is_position(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// Sizes, axes and counts end up in int32 shape tensors: larger values are refused.
bool fits_int32(double value) { return std::floor(value) == value && value >= -2147483647.0 && value <= 2147483647.0; }

}  // namespace

Status LayerContext::error(const std::string& message) const {
  return Status::error("layer '" + layer.name + "' (" + layer.class_name + "): " + message);
}

Status LayerContext::unsupported(const std::string& message) const {
  return Status::unsupported("layer '" + layer.name + "' (" + layer.class_name + "): " + message);
}

Status LayerContext::expect_inputs(size_t count, bool at_least) const {
  if (inputs.size() == count || (at_least && inputs.size() > count)) return Status::ok();
  return error("expects " + std::string(at_least ? "at least " : "") + std::to_string(count) + " input" +
               (count == 1 ? "" : "s") + ", the model gives it " + std::to_string(inputs.size()));
}

const json* LayerContext::field(const std::string& key) const {
  auto it = layer.config.find(key);
  if (it == layer.config.end() || it->is_null()) return nullptr;
  return &*it;
}

bool LayerContext::has(const std::string& key) const { return field(key) != nullptr; }

StatusOr<int64_t> LayerContext::int_field(const std::string& key, int64_t fallback) const {
  const json* value = field(key);
  if (!value) return fallback;
  const json* number = value->is_array() && value->size() == 1 ? &(*value)[0] : value;
  if (number->is_number() && fits_int32(number->get<double>())) return static_cast<int64_t>(number->get<double>());
  return error("config field '" + key + "' should be an integer, found " + value->dump());
}

StatusOr<double> LayerContext::float_field(const std::string& key, double fallback) const {
  const json* value = field(key);
  if (!value) return fallback;
  if (value->is_number()) return value->get<double>();
  return error("config field '" + key + "' should be a number, found " + value->dump());
}

StatusOr<bool> LayerContext::bool_field(const std::string& key, bool fallback) const {
  const json* value = field(key);
  if (!value) return fallback;
  if (value->is_boolean()) return value->get<bool>();
  return error("config field '" + key + "' should be true or false, found " + value->dump());
}

StatusOr<std::string> LayerContext::string_field(const std::string& key, const std::string& fallback) const {
  const json* value = field(key);
  if (!value) return fallback;
  if (value->is_string()) return value->get<std::string>();
  return error("config field '" + key + "' should be a string, found " + value->dump());
}

StatusOr<std::vector<int64_t>> LayerContext::int_tuple_field(const std::string& key, size_t count,
                                                             const std::vector<int64_t>& fallback) const {
  const json* value = field(key);
  if (!value) return fallback;
  if (value->is_number_integer() && fits_int32(value->get<double>()))
    return std::vector<int64_t>(count, value->get<int64_t>());
  if (value->is_array() && value->size() == count) {
    std::vector<int64_t> out;
    for (const json& item : *value) {
      if (!item.is_number_integer() || !fits_int32(item.get<double>())) break;
      out.push_back(item.get<int64_t>());
    }
    if (out.size() == count) return out;
  }
  return error("config field '" + key + "' should be an integer or a list of " + std::to_string(count) +
               " integers, found " + value->dump());
}

StatusOr<std::vector<Tensor>> LayerContext::weights(const std::vector<std::string>& names) const {
  std::vector<std::string> stored_names;
  bool positional = true;
  for (const LayerWeight& weight : stored_weights) {
    stored_names.push_back(weight.name);
    positional = positional && is_position(weight.name);
  }
  if (stored_weights.size() != names.size())
    return error("expects " + std::to_string(names.size()) + " weight" + (names.size() == 1 ? "" : "s") + " (" +
                 joined(names) + ") but the file has " + std::to_string(stored_weights.size()) + " (" +
                 joined(stored_names) + ")");
  std::vector<Tensor> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const LayerWeight* found = positional ? &stored_weights[i] : nullptr;
    for (size_t j = 0; !positional && j < stored_weights.size(); ++j)
      if (stored_weights[j].name == names[i]) found = &stored_weights[j];
    if (!found)
      return error("expects the weights " + joined(names) + " but the file has " + joined(stored_names));
    out.push_back(found->value);
  }
  return out;
}

Status LayerContext::check_weight_shape(const std::string& name, const Tensor& value, const Shape& expected) const {
  bool matches = value.rank() == static_cast<int>(expected.size());
  for (size_t i = 0; matches && i < expected.size(); ++i)
    matches = expected[i] < 0 || expected[i] == value.dim(static_cast<int>(i));
  if (matches) return Status::ok();
  std::string wanted = "[";
  for (size_t i = 0; i < expected.size(); ++i)
    wanted += (i ? "," : "") + (expected[i] < 0 ? std::string("?") : std::to_string(expected[i]));
  return error("weight '" + name + "' has shape " + shape_string(value.shape()) + ", the layer needs " + wanted +
               "]");
}

std::string LayerContext::weight_const(const std::string& name, const Tensor& value) const {
  return graph.weight_const(layer.name + "\n" + name, layer.name + "/" + name, value);
}

tensorflow::NodeDef* LayerContext::add_op(const std::string& suffix, const std::string& op,
                                          const std::vector<std::string>& node_inputs, DataType type) const {
  tensorflow::NodeDef* node = graph.add_node(node_name(suffix), op, node_inputs);
  set_type_attr(node, "T", type);
  return node;
}

std::vector<std::string> LayerTable::class_names() const {
  std::vector<std::string> names;
  for (const auto& entry : converters_) names.push_back(entry.first);
  return names;
}

int64_t window_output_size(int64_t size, int64_t window, int64_t stride, int64_t dilation, bool same_padding) {
  if (size < 0) return -1;
  if (same_padding) return (size + stride - 1) / stride;
  int64_t effective = (window - 1) * dilation + 1;
  if (size < effective) return 0;
  return (size - effective) / stride + 1;
}

std::string dimension_tensor(LayerContext& context, const SymbolicTensor& input, int axis, const std::string& scope) {
  int64_t known = input.shape[static_cast<size_t>(axis)];
  if (known >= 0) return context.graph.add_int32_scalar(scope + "/dim_" + std::to_string(axis), static_cast<int32_t>(known));
  tensorflow::NodeDef* shape = context.graph.add_node(scope + "/Shape", "Shape", {input.name});
  set_type_attr(shape, "T", input.dtype);
  set_type_attr(shape, "out_type", tensorflow::DT_INT32);
  std::string begin = context.graph.add_int32_const(scope + "/strided_slice/stack", {axis});
  std::string end = context.graph.add_int32_const(scope + "/strided_slice/stack_1", {axis + 1});
  std::string strides = context.graph.add_int32_const(scope + "/strided_slice/stack_2", {1});
  tensorflow::NodeDef* slice =
      context.graph.add_node(scope + "/strided_slice", "StridedSlice", {shape->name(), begin, end, strides});
  set_type_attr(slice, "T", tensorflow::DT_INT32);
  set_type_attr(slice, "Index", tensorflow::DT_INT32);
  set_int_attr(slice, "begin_mask", 0);
  set_int_attr(slice, "end_mask", 0);
  set_int_attr(slice, "ellipsis_mask", 0);
  set_int_attr(slice, "new_axis_mask", 0);
  set_int_attr(slice, "shrink_axis_mask", 1);
  return slice->name();
}

std::string batch_size_tensor(LayerContext& context, const SymbolicTensor& input) {
  SymbolicTensor unknown_batch = input;
  unknown_batch.shape[0] = -1;  // always read at run time: the graph serves any batch size
  return dimension_tensor(context, unknown_batch, 0, context.scope);
}

}  // namespace mq::keras
