// Layer converters: one function per Keras layer class that writes the
// layer's nodes for one call. Converters are grouped by kind in
// core/keras/layers_<group>.cc; each group has one register function listed
// in layer_table.cc (an explicit table, no static initialisers).
//
// Node names follow TensorFlow 1's Keras front end: weights are Consts
// "<layer>/<weight>" ("dense/kernel"), the layer's ops "<scope>/<Op>"
// ("dense/MatMul", "dense/BiasAdd", "dense/Relu"), where the scope is the
// layer name, and "<layer>_1", … for further calls of a shared layer.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/keras/keras_config.h"
#include "core/keras/keras_graph_builder.h"
#include "core/keras/keras_model.h"
#include "core/util/status.h"

namespace mq::keras {

// What the converters need to know about the file as a whole.
struct ConversionSettings {
  KerasFormat format = KerasFormat::kHdf5Model;
  KerasVersion version;
  // TensorFlow 2's Keras (2.4 and later, and Keras 3) resizes with
  // half-pixel centers; Keras 2.0–2.3 and TensorFlow.js do not.
  bool half_pixel_centers = true;
};

struct LayerContext {
  const LayerConfig& layer;
  std::string scope;  // prefix of this call's node names
  std::vector<SymbolicTensor> inputs;
  std::vector<SymbolicTensor> outputs;  // what the converter produces
  KerasGraphBuilder& graph;
  const std::vector<LayerWeight>& stored_weights;  // the layer's weights as the file has them
  const ConversionSettings& settings;

  // "layer 'dense_1' (Dense): <message>"
  Status error(const std::string& message) const;
  Status unsupported(const std::string& message) const;
  // "<scope>/<suffix>"
  std::string node_name(const std::string& suffix) const { return scope + "/" + suffix; }

  // Fails unless the call has exactly `count` inputs (or at least, with `at_least`).
  Status expect_inputs(size_t count, bool at_least = false) const;
  // The single input, after expect_inputs(1).
  const SymbolicTensor& input() const { return inputs[0]; }
  void set_output(SymbolicTensor tensor) { outputs = {std::move(tensor)}; }

  // Config fields, with a fallback when absent or null; errors name the field.
  bool has(const std::string& key) const;
  StatusOr<int64_t> int_field(const std::string& key, int64_t fallback) const;
  StatusOr<double> float_field(const std::string& key, double fallback) const;
  StatusOr<bool> bool_field(const std::string& key, bool fallback) const;
  StatusOr<std::string> string_field(const std::string& key, const std::string& fallback) const;
  // An int or a list of `count` ints ("kernel_size": 3 or [3, 3]).
  StatusOr<std::vector<int64_t>> int_tuple_field(const std::string& key, size_t count,
                                                 const std::vector<int64_t>& fallback) const;
  const nlohmann::json* field(const std::string& key) const;

  // The layer's weights called `names`, in Keras's order for the layer.
  // Files that store names (Keras 2, TensorFlow.js) are matched by name;
  // Keras 3 files by position. Fails when the count or names disagree.
  StatusOr<std::vector<Tensor>> weights(const std::vector<std::string>& names) const;
  // Fails unless `value` has `expected` shape (-1 matches any dimension).
  Status check_weight_shape(const std::string& name, const Tensor& value, const Shape& expected) const;
  // The Const holding a weight: "<layer>/<name>", made once per layer.
  std::string weight_const(const std::string& name, const Tensor& value) const;

  // Common node shapes.
  tensorflow::NodeDef* add_op(const std::string& suffix, const std::string& op, const std::vector<std::string>& inputs,
                              DataType type = tensorflow::DT_FLOAT) const;
};

using LayerConverter = Status (*)(LayerContext& context);

class LayerTable {
 public:
  static const LayerTable& global();

  void add(const std::string& class_name, LayerConverter converter) { converters_[class_name] = converter; }
  LayerConverter find(const std::string& class_name) const {
    auto it = converters_.find(class_name);
    return it == converters_.end() ? nullptr : it->second;
  }
  std::vector<std::string> class_names() const;  // sorted

 private:
  std::map<std::string, LayerConverter> converters_;
};

// Applies a Keras activation ("relu", {"class_name": "function", "config": "relu"}, …)
// to `input` under the context's scope; "linear" / null returns `input`.
StatusOr<SymbolicTensor> apply_activation(LayerContext& context, const SymbolicTensor& input,
                                          const nlohmann::json& activation);

// The static shape of a convolution or pooling window's output along one
// dimension: -1 when `size` is unknown.
int64_t window_output_size(int64_t size, int64_t window, int64_t stride, int64_t dilation, bool same_padding);

// A scalar int32 tensor with dimension `axis` of `input`: a Const when the
// shape knows it, else Shape + StridedSlice under `scope`.
std::string dimension_tensor(LayerContext& context, const SymbolicTensor& input, int axis, const std::string& scope);

// The nodes "<scope>/Shape" and "<scope>/strided_slice" (with stack, stack_1,
// stack_2) that read the batch size of `input`, as Keras's Flatten and
// Reshape do; returns the scalar's name.
std::string batch_size_tensor(LayerContext& context, const SymbolicTensor& input);

}  // namespace mq::keras
