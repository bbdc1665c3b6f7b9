// The model topology of a Keras config, whatever dialect wrote it, as one
// list of layers and the calls between them:
//   - Sequential as a bare list of layers (Keras 2.0/2.1) or {name, layers};
//     an InputLayer is made up when the first layer only carries
//     batch_input_shape, named "<first layer>_input" as Keras names it.
//   - Functional as "Model" or "Functional", with Keras 2 inbound_nodes
//     ([[["layer", node, tensor, {kwargs}], …]]) or Keras 3 inbound_nodes
//     ([{"args": [{"class_name": "__keras_tensor__", …}], "kwargs": {}}]).
// Anything else at the top (a subclassed model) is refused with a message
// that says why it cannot be converted.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace mq::keras {

// Output `tensor_index` of call `node_index` of layer `layer`.
struct TensorReference {
  std::string layer;
  int node_index = 0;
  int tensor_index = 0;
};

// One call of a layer on some inputs (Keras calls it an inbound node).
struct LayerCall {
  std::vector<TensorReference> inputs;
};

struct LayerConfig {
  std::string class_name;  // "Dense"
  std::string name;        // "dense_1"
  nlohmann::json config;   // the layer's "config" object
  std::vector<LayerCall> calls;  // empty for an InputLayer
};

struct ModelTopology {
  std::string class_name;  // "Sequential" or "Functional"
  std::string name;
  std::vector<LayerConfig> layers;  // in config order
  std::vector<TensorReference> inputs;
  std::vector<TensorReference> outputs;
  // True when the InputLayer of a Sequential model was made up from its
  // first layer's input shape (Keras 3 files always store one).
  bool input_layer_made_up = false;
};

// Parses {"class_name": …, "config": …}. `source` names the file in messages.
StatusOr<ModelTopology> parse_model_topology(const nlohmann::json& model_config, const std::string& source);

// The layers as Keras 3 lists them in model.layers (a Sequential model
// leaves out its InputLayer): the order of the /layers/<name> groups in a
// .keras weights file.
std::vector<const LayerConfig*> keras3_layer_order(const ModelTopology& topology);

// Keras 3's object-path name of a class: "BatchNormalization" →
// "batch_normalization", "Conv2D" → "conv2d", "LeakyReLU" → "leaky_re_lu".
std::string snake_case_class_name(const std::string& class_name);

}  // namespace mq::keras
