// Small GraphDef fixtures built in code and helpers to run transforms
// through the real driver (with validation after each transform) and look
// at the result.
#pragma once

#include <catch2/catch.hpp>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/proto/graph.pb.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/transform_string.h"

namespace mq::test {

inline tensorflow::NodeDef* add_node(tensorflow::GraphDef* graph, const std::string& name, const std::string& op,
                                     std::initializer_list<std::string> inputs = {}) {
  tensorflow::NodeDef* node = graph->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return node;
}

inline void set_type_attr(tensorflow::NodeDef* node, const std::string& key, tensorflow::DataType type) {
  (*node->mutable_attr())[key].set_type(type);
}

inline tensorflow::NodeDef* add_float_const(tensorflow::GraphDef* graph, const std::string& name,
                                            std::vector<int64_t> shape, const std::vector<float>& values) {
  tensorflow::NodeDef* node = add_node(graph, name, "Const");
  set_type_attr(node, "dtype", tensorflow::DT_FLOAT);
  tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  for (int64_t size : shape) tensor->mutable_tensor_shape()->add_dim()->set_size(size);
  std::string bytes(values.size() * 4, '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  tensor->set_tensor_content(bytes);
  return node;
}

inline tensorflow::NodeDef* add_int32_const(tensorflow::GraphDef* graph, const std::string& name,
                                            std::vector<int64_t> shape, const std::vector<int32_t>& values) {
  tensorflow::NodeDef* node = add_node(graph, name, "Const");
  set_type_attr(node, "dtype", tensorflow::DT_INT32);
  tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_INT32);
  tensor->mutable_tensor_shape();
  for (int64_t size : shape) tensor->mutable_tensor_shape()->add_dim()->set_size(size);
  for (int32_t value : values) tensor->add_int_val(value);
  return node;
}

// Float values of a Const node (tensor_content or float_val).
inline std::vector<float> float_values(const tensorflow::NodeDef& node) {
  const tensorflow::TensorProto& tensor = node.attr().at("value").tensor();
  std::vector<float> values;
  if (!tensor.tensor_content().empty()) {
    values.resize(tensor.tensor_content().size() / 4);
    std::memcpy(values.data(), tensor.tensor_content().data(), values.size() * 4);
  } else {
    values.assign(tensor.float_val().begin(), tensor.float_val().end());
  }
  return values;
}

inline std::vector<int64_t> shape_of_value(const tensorflow::NodeDef& node) {
  std::vector<int64_t> dims;
  for (const auto& dim : node.attr().at("value").tensor().tensor_shape().dim()) dims.push_back(dim.size());
  return dims;
}

// A node's bytes with map entries in key order, for comparing nodes.
inline std::string canonical(const tensorflow::NodeDef& node) {
  tensorflow::GraphDef graph;
  *graph.add_node() = node;
  auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  REQUIRE(bytes.is_ok());
  return *bytes;
}

inline std::vector<std::string> node_names(const tensorflow::GraphDef& graph) {
  std::vector<std::string> names;
  for (const tensorflow::NodeDef& node : graph.node()) names.push_back(node.name());
  return names;
}

inline bool has_node(const tensorflow::GraphDef& graph, const std::string& name) {
  for (const tensorflow::NodeDef& node : graph.node())
    if (node.name() == name) return true;
  return false;
}

inline const tensorflow::NodeDef& node_named(const tensorflow::GraphDef& graph, const std::string& name) {
  for (const tensorflow::NodeDef& node : graph.node())
    if (node.name() == name) return node;
  FAIL("no node named '" << name << "'");
  return graph.node(0);
}

inline std::vector<std::string> inputs_of(const tensorflow::GraphDef& graph, const std::string& name) {
  const tensorflow::NodeDef& node = node_named(graph, name);
  return std::vector<std::string>(node.input().begin(), node.input().end());
}

// Parses `transforms` and runs them through apply_transforms with validation on.
inline StatusOr<TransformResult> run_transforms(const tensorflow::GraphDef& graph, const std::string& transforms,
                                                const std::vector<std::string>& inputs = {},
                                                const std::vector<std::string>& outputs = {}) {
  StatusOr<TransformList> list = parse_transform_string(transforms);
  INFO("transform string: " << transforms);
  REQUIRE(list.is_ok());
  TransformOptions options;
  options.validate = true;
  return apply_transforms(graph, *list, inputs, outputs, options);
}

// The graph after `transforms`; fails the test when they fail.
inline tensorflow::GraphDef transformed(const tensorflow::GraphDef& graph, const std::string& transforms,
                                        const std::vector<std::string>& inputs = {},
                                        const std::vector<std::string>& outputs = {}) {
  StatusOr<TransformResult> result = run_transforms(graph, transforms, inputs, outputs);
  INFO(transforms << ": " << result.status().message());
  REQUIRE(result.is_ok());
  return result->graph;
}

// The error message of `transforms`; fails the test when they succeed.
inline std::string transform_error(const tensorflow::GraphDef& graph, const std::string& transforms,
                                   const std::vector<std::string>& inputs = {},
                                   const std::vector<std::string>& outputs = {}) {
  StatusOr<TransformResult> result = run_transforms(graph, transforms, inputs, outputs);
  INFO(transforms << " was expected to fail");
  REQUIRE_FALSE(result.is_ok());
  return result.status().message();
}

using Names = std::vector<std::string>;

}  // namespace mq::test
