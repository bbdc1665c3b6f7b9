// A Keras model as the readers hand it to the graph builder: the topology
// JSON as Keras wrote it and the weights of every layer, in the layer's own
// weight order. Each file format has one reader:
//
//   .h5 / .hdf5 (Keras 2: full model, or weights-only + topology JSON)   keras_h5.cc
//   .keras (Keras 3 ZIP: config.json + model.weights.h5)                keras_archive.cc
//   TensorFlow.js Layers model.json + .bin weight shards                 tfjs_model.cc
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq::keras {

// One weight of a layer. `name` is what the file calls it once the layer's
// scope and ":0" are removed ("kernel", "moving_mean"), or its position
// ("0", "1") in Keras 3 files, which do not store names.
struct LayerWeight {
  std::string name;
  Tensor value;  // float32
};

enum class KerasFormat { kHdf5Model, kHdf5Weights, kKerasArchive, kTensorFlowJs };

// "Keras HDF5 model", "Keras HDF5 weights + JSON topology", "Keras 3 archive (.keras)", "TensorFlow.js Layers model".
const char* keras_format_name(KerasFormat format);

struct KerasModel {
  std::string source;  // names the input in messages ("model.h5")
  KerasFormat format = KerasFormat::kHdf5Model;
  // "2.0.5", "3.9.2", "tfjs-layers 4.22.0"; empty when the file does not say.
  std::string keras_version;
  // {"class_name": "Sequential" | "Model" | "Functional" | …, "config": …}
  nlohmann::json model_config;
  // Weights by layer name, in each layer's weight order (trainable first).
  std::map<std::string, std::vector<LayerWeight>> weights;
};

// The Keras version as numbers: "2.2.4-tf" → {2, 2}; {0, 0} when unknown.
struct KerasVersion {
  int major = 0;
  int minor = 0;
};
KerasVersion parse_keras_version(const std::string& text);

// The files that make up a model, as bytes (never copied; they must outlive
// the call that reads them).
struct KerasSource {
  std::string_view model;  // .h5 / .hdf5, .keras archive, or TensorFlow.js model.json
  std::string name = "model";  // names the model in messages (its file name)
  // The topology JSON (model.to_json()) for a weights-only .h5; optional for
  // a full model, where it replaces the stored topology.
  std::string_view config_json;
  std::string config_name = "config";  // names config_json in messages
  // TensorFlow.js weight shards by the path model.json gives them
  // (weightsManifest[].paths).
  std::map<std::string, std::string_view> weight_files;
};

enum class KerasFileKind { kHdf5, kZipArchive, kJson, kUnknown };
// What the first bytes say the model file is.
KerasFileKind detect_keras_file(std::string_view bytes);

// Reads any of the formats above, chosen by content.
StatusOr<KerasModel> read_keras_model(const KerasSource& source);

// The individual readers (read_keras_model picks one).
StatusOr<KerasModel> read_keras_hdf5(const KerasSource& source);
StatusOr<KerasModel> read_keras_archive(const KerasSource& source);
StatusOr<KerasModel> read_tensorflowjs_model(const KerasSource& source);

// The weight files a TensorFlow.js model.json refers to, in manifest order
// (so a shell can read them before calling read_keras_model).
StatusOr<std::vector<std::string>> tensorflowjs_weight_paths(std::string_view model_json, const std::string& source);

}  // namespace mq::keras
