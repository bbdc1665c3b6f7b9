// Writing the nodes of a frozen graph the way TensorFlow 1's Keras front end
// named them: unique node names ("dense/MatMul", then "dense/MatMul_1"),
// Consts holding weights and shape arguments, and the attributes every op
// needs. The layer converters (layer_converters.h) use it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"

namespace mq::keras {

// A tensor of the graph being built: its name ("dense/BiasAdd", "split:1"),
// its static shape (-1 for a dimension only known at run time) and dtype.
struct SymbolicTensor {
  std::string name;
  Shape shape;
  DataType dtype = tensorflow::DT_FLOAT;

  int rank() const { return static_cast<int>(shape.size()); }
};

class KerasGraphBuilder {
 public:
  explicit KerasGraphBuilder(tensorflow::GraphDef* graph) : graph_(graph) {}

  // Adds a node called `name`, or `name_1`, `name_2`, … when that name is
  // taken (TensorFlow's rule for unique names). Read the name it got back
  // from the node.
  tensorflow::NodeDef* add_node(const std::string& name, const std::string& op,
                                const std::vector<std::string>& inputs);

  // A name scope for a layer call: `base` the first time, then `base_1`, …
  std::string unique_scope(const std::string& base);

  // Consts; each returns the node's name.
  std::string add_const(const std::string& name, const Tensor& value);
  std::string add_int32_const(const std::string& name, const std::vector<int32_t>& values);  // 1-D
  std::string add_int32_scalar(const std::string& name, int32_t value);
  std::string add_float_scalar(const std::string& name, float value);

  // A Const for a layer weight, created once per key (a layer shared by
  // several calls uses the same Const).
  std::string weight_const(const std::string& key, const std::string& name, const Tensor& value);

  bool has_node(const std::string& name) const { return names_.count(name) > 0; }

 private:
  tensorflow::GraphDef* graph_;
  std::unordered_set<std::string> names_;
  std::unordered_set<std::string> scopes_;
  std::map<std::string, std::string> weight_nodes_;
};

// Attribute setters.
void set_type_attr(tensorflow::NodeDef* node, const std::string& key, DataType type);
void set_string_attr(tensorflow::NodeDef* node, const std::string& key, const std::string& value);
void set_bool_attr(tensorflow::NodeDef* node, const std::string& key, bool value);
void set_int_attr(tensorflow::NodeDef* node, const std::string& key, int64_t value);
void set_float_attr(tensorflow::NodeDef* node, const std::string& key, float value);
void set_int_list_attr(tensorflow::NodeDef* node, const std::string& key, const std::vector<int64_t>& values);
void set_shape_attr(tensorflow::NodeDef* node, const std::string& key, const Shape& dims);  // -1: unknown

// A float32 tensor from values and a shape (their sizes must agree).
Tensor float_tensor(const Shape& shape, const std::vector<float>& values);

}  // namespace mq::keras
