// TensorFlow.js Layers models: model.json holds the Keras topology
// (modelTopology) and a weightsManifest; the weights are little-endian
// values in .bin shards, each manifest group's shards read as one buffer.
// Quantized weights (tensorflowjs_converter --quantize_*) store uint8 or
// uint16 values v meaning v * scale + min, or float16 values.
#include <Eigen/Core>
#include <cstring>

#include "core/keras/keras_config.h"
#include "core/keras/keras_model.h"

namespace mq::keras {
namespace {

using nlohmann::json;

StatusOr<json> parse_model_json(std::string_view text, const std::string& source) {
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::error(source + " is not valid JSON");
  if (!value.is_object() || !value.contains("modelTopology")) {
    if (value.is_object() && value.contains("class_name") && value.contains("config"))
      return Status::error(source + ": a Keras topology JSON (model.to_json()) without weights; give the weights "
                                    "file (.h5) as the model and this file as its config");
    return Status::error(source + ": not a TensorFlow.js Layers model.json (it has no modelTopology)");
  }
  if (value.contains("format") && value["format"] == "graph-model")
    return Status::unsupported(source + ": a TensorFlow.js graph model (format 'graph-model'), not a Layers model; "
                                        "only Layers models hold a Keras topology");
  return value;
}

uint32_t read_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct WeightEncoding {
  size_t bytes_per_value = 4;
  std::string stored;  // "float32", "int32", "uint8", "uint16", "float16", "bool"
  bool affine = false;  // value = stored * scale + min
  double scale = 1;
  double min = 0;
};

StatusOr<WeightEncoding> encoding_of(const json& spec, const std::string& context) {
  WeightEncoding encoding;
  std::string dtype = spec.contains("dtype") && spec["dtype"].is_string() ? spec["dtype"].get<std::string>() : "float32";
  if (dtype != "float32" && dtype != "int32" && dtype != "bool")
    return Status::unsupported(context + ": weights of dtype '" + dtype + "' are not supported");
  encoding.stored = dtype;
  encoding.bytes_per_value = dtype == "bool" ? 1 : 4;
  auto quantization = spec.find("quantization");
  if (quantization == spec.end() || quantization->is_null()) return encoding;
  if (!quantization->is_object() || !quantization->contains("dtype") || !(*quantization)["dtype"].is_string())
    return Status::error(context + ": quantization without a dtype");
  encoding.stored = (*quantization)["dtype"].get<std::string>();
  if (encoding.stored == "uint8" || encoding.stored == "uint16") {
    if (!quantization->contains("scale") || !quantization->contains("min") || !(*quantization)["scale"].is_number() ||
        !(*quantization)["min"].is_number())
      return Status::error(context + ": " + encoding.stored + " quantization needs numbers scale and min");
    encoding.affine = true;
    encoding.scale = (*quantization)["scale"].get<double>();
    encoding.min = (*quantization)["min"].get<double>();
    encoding.bytes_per_value = encoding.stored == "uint8" ? 1 : 2;
  } else if (encoding.stored == "float16") {
    if (dtype != "float32") return Status::error(context + ": float16 quantization of a " + dtype + " weight");
    encoding.bytes_per_value = 2;
  } else {
    return Status::unsupported(context + ": quantization dtype '" + encoding.stored + "' is not supported");
  }
  return encoding;
}

// Decodes `count` values from `bytes` into float32.
void decode_values(const WeightEncoding& encoding, const char* bytes, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    const char* p = bytes + i * static_cast<int64_t>(encoding.bytes_per_value);
    if (encoding.stored == "float32") {
      uint32_t bits = read_u32(p);
      std::memcpy(&out[i], &bits, 4);
    } else if (encoding.stored == "int32") {
      out[i] = static_cast<float>(static_cast<int32_t>(read_u32(p)));
    } else if (encoding.stored == "bool") {
      out[i] = *p != 0 ? 1.0f : 0.0f;
    } else if (encoding.stored == "uint8") {
      // As TensorFlow.js computes it: in double precision, then stored as float32.
      out[i] = static_cast<float>(static_cast<uint8_t>(*p) * encoding.scale + encoding.min);
    } else if (encoding.stored == "uint16") {
      uint16_t v = static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | (static_cast<uint8_t>(p[1]) << 8));
      out[i] = static_cast<float>(v * encoding.scale + encoding.min);
    } else {  // float16
      uint16_t bits = static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | (static_cast<uint8_t>(p[1]) << 8));
      out[i] = static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
    }
  }
}

// The layer a weight belongs to: its scope when that is a layer name; else
// the longest layer name its first path component starts with (converted
// Keras 2 files name weights "batch_normalization_1_1/gamma").
std::string owning_layer(const std::string& weight_name, const std::vector<std::string>& layer_names) {
  size_t slash = weight_name.rfind('/');
  if (slash == std::string::npos) return "";
  std::string scope = weight_name.substr(0, slash);
  for (const std::string& name : layer_names)
    if (name == scope) return name;
  std::string first = weight_name.substr(0, weight_name.find('/'));
  std::string best;
  for (const std::string& name : layer_names)
    if (first.compare(0, name.size(), name) == 0 && name.size() > best.size()) best = name;
  return best;
}

}  // namespace

StatusOr<std::vector<std::string>> tensorflowjs_weight_paths(std::string_view model_json, const std::string& source) {
  MQ_ASSIGN_OR_RETURN(json model, parse_model_json(model_json, source));
  std::vector<std::string> paths;
  if (!model.contains("weightsManifest")) return paths;
  const json& manifest = model["weightsManifest"];
  if (!manifest.is_array()) return Status::error(source + ": weightsManifest is not a list");
  for (const json& group : manifest) {
    if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array())
      return Status::error(source + ": a weightsManifest group without paths");
    for (const json& path : group["paths"]) {
      if (!path.is_string()) return Status::error(source + ": a weightsManifest path is not a string");
      paths.push_back(path.get<std::string>());
    }
  }
  return paths;
}

StatusOr<KerasModel> read_tensorflowjs_model(const KerasSource& source) {
  if (!source.config_json.empty())
    return Status::error(source.name + ": a TensorFlow.js model.json carries its own topology; a separate one (" +
                         source.config_name + ") is only for weights-only .h5 files");
  MQ_ASSIGN_OR_RETURN(json document, parse_model_json(source.model, source.name));
  KerasModel model;
  model.source = source.name;
  model.format = KerasFormat::kTensorFlowJs;
  json topology = document["modelTopology"];
  if (topology.is_object() && topology.contains("model_config")) {  // converted from a Keras .h5
    if (topology.contains("keras_version") && topology["keras_version"].is_string())
      model.keras_version = topology["keras_version"].get<std::string>();
    topology = topology["model_config"];
  }
  if (model.keras_version.empty() && topology.is_object() && topology.contains("keras_version") &&
      topology["keras_version"].is_string())
    model.keras_version = topology["keras_version"].get<std::string>();
  model.model_config = topology;
  MQ_ASSIGN_OR_RETURN(ModelTopology parsed, parse_model_topology(model.model_config, source.name));
  std::vector<std::string> layer_names;
  for (const LayerConfig& layer : parsed.layers) layer_names.push_back(layer.name);

  MQ_RETURN_IF_ERROR(tensorflowjs_weight_paths(source.model, source.name).status());  // checks the manifest's paths
  if (!document.contains("weightsManifest")) return model;
  for (const json& group : document["weightsManifest"]) {
    // The group's shards, one after the other, form one buffer.
    std::string buffer;
    for (const json& path_json : group["paths"]) {
      std::string path = path_json.get<std::string>();
      auto file = source.weight_files.find(path);
      if (file == source.weight_files.end())
        return Status::error(source.name + ": the weight file '" + path + "' that model.json lists was not given");
      buffer.append(file->second.data(), file->second.size());
    }
    if (!group.contains("weights") || !group["weights"].is_array())
      return Status::error(source.name + ": a weightsManifest group without a weights list");
    size_t offset = 0;
    for (const json& spec : group["weights"]) {
      if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string() || !spec.contains("shape") ||
          !spec["shape"].is_array())
        return Status::error(source.name + ": a weightsManifest entry without name and shape: " + spec.dump());
      std::string name = spec["name"].get<std::string>();
      std::string context = source.name + ": weight '" + name + "'";
      Shape shape;
      for (const json& dim : spec["shape"]) {
        if (!dim.is_number_integer() || dim.get<int64_t>() < 0) return Status::error(context + ": invalid shape");
        shape.push_back(dim.get<int64_t>());
      }
      int64_t count = num_elements(shape);
      if (count < 0) return Status::error(context + ": shape " + shape_string(shape) + " is too large");
      MQ_ASSIGN_OR_RETURN(WeightEncoding encoding, encoding_of(spec, context));
      size_t size = static_cast<size_t>(count) * encoding.bytes_per_value;
      if (size > buffer.size() - offset)
        return Status::error(context + ": the weight files end before this weight (they hold " +
                             std::to_string(buffer.size()) + " bytes)");
      Tensor value(tensorflow::DT_FLOAT, shape);
      decode_values(encoding, buffer.data() + offset, count, value.data<float>());
      offset += size;
      std::string layer = owning_layer(name, layer_names);
      if (layer.empty()) return Status::error(context + " belongs to no layer of the model");
      model.weights[layer].push_back(LayerWeight{name.substr(name.rfind('/') + 1), std::move(value)});
    }
  }
  return model;
}

}  // namespace mq::keras
