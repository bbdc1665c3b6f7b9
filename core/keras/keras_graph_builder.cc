#include "core/keras/keras_graph_builder.h"

#include <cstring>

#include "core/eval/tensor_proto.h"

namespace mq::keras {

tensorflow::NodeDef* KerasGraphBuilder::add_node(const std::string& name, const std::string& op,
                                                 const std::vector<std::string>& inputs) {
  std::string unique = name;
  for (int suffix = 1; names_.count(unique) > 0; ++suffix) unique = name + "_" + std::to_string(suffix);
  names_.insert(unique);
  size_t slash = unique.find('/');
  scopes_.insert(slash == std::string::npos ? unique : unique.substr(0, slash));
  tensorflow::NodeDef* node = graph_->add_node();
  node->set_name(unique);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return node;
}

std::string KerasGraphBuilder::unique_scope(const std::string& base) {
  std::string scope = base;
  for (int suffix = 1; scopes_.count(scope) > 0; ++suffix) scope = base + "_" + std::to_string(suffix);
  scopes_.insert(scope);
  return scope;
}

std::string KerasGraphBuilder::add_const(const std::string& name, const Tensor& value) {
  tensorflow::NodeDef* node = add_node(name, "Const", {});
  set_type_attr(node, "dtype", value.dtype());
  tensor_to_proto_for_attr(value, (*node->mutable_attr())["value"].mutable_tensor());
  return node->name();
}

std::string KerasGraphBuilder::add_int32_const(const std::string& name, const std::vector<int32_t>& values) {
  Tensor tensor(tensorflow::DT_INT32, {static_cast<int64_t>(values.size())});
  if (!values.empty()) std::memcpy(tensor.data<int32_t>(), values.data(), values.size() * sizeof(int32_t));
  return add_const(name, tensor);
}

std::string KerasGraphBuilder::add_int32_scalar(const std::string& name, int32_t value) {
  Tensor tensor(tensorflow::DT_INT32, {});
  *tensor.data<int32_t>() = value;
  return add_const(name, tensor);
}

std::string KerasGraphBuilder::add_float_scalar(const std::string& name, float value) {
  return add_const(name, float_tensor({}, {value}));
}

std::string KerasGraphBuilder::weight_const(const std::string& key, const std::string& name, const Tensor& value) {
  auto it = weight_nodes_.find(key);
  if (it != weight_nodes_.end()) return it->second;
  std::string node = add_const(name, value);
  weight_nodes_.emplace(key, node);
  return node;
}

void set_type_attr(tensorflow::NodeDef* node, const std::string& key, DataType type) {
  (*node->mutable_attr())[key].set_type(type);
}
void set_string_attr(tensorflow::NodeDef* node, const std::string& key, const std::string& value) {
  (*node->mutable_attr())[key].set_s(value);
}
void set_bool_attr(tensorflow::NodeDef* node, const std::string& key, bool value) {
  (*node->mutable_attr())[key].set_b(value);
}
void set_int_attr(tensorflow::NodeDef* node, const std::string& key, int64_t value) {
  (*node->mutable_attr())[key].set_i(value);
}
void set_float_attr(tensorflow::NodeDef* node, const std::string& key, float value) {
  (*node->mutable_attr())[key].set_f(value);
}
void set_int_list_attr(tensorflow::NodeDef* node, const std::string& key, const std::vector<int64_t>& values) {
  tensorflow::AttrValue::ListValue* list = (*node->mutable_attr())[key].mutable_list();
  for (int64_t value : values) list->add_i(value);
}
void set_shape_attr(tensorflow::NodeDef* node, const std::string& key, const Shape& dims) {
  tensorflow::TensorShapeProto* shape = (*node->mutable_attr())[key].mutable_shape();
  for (int64_t dim : dims) shape->add_dim()->set_size(dim);
}

Tensor float_tensor(const Shape& shape, const std::vector<float>& values) {
  Tensor tensor(tensorflow::DT_FLOAT, shape);
  if (!values.empty()) std::memcpy(tensor.data<float>(), values.data(), values.size() * sizeof(float));
  return tensor;
}

}  // namespace mq::keras
