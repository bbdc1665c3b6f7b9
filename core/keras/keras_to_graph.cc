#include "core/keras/keras_to_graph.h"

#include <map>
#include <set>

#include "core/keras/keras_config.h"
#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

using nlohmann::json;

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

// Why a layer class without a converter cannot be converted.
std::string unsupported_reason(const LayerConfig& layer, const json& entry_module) {
  static const std::set<std::string> kRecurrent = {"LSTM",      "GRU",        "SimpleRNN",    "RNN",
                                                   "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
                                                   "CuDNNLSTM", "CuDNNGRU",   "TimeDistributed", "LSTMCell",
                                                   "GRUCell",   "StackedRNNCells"};
  const std::string& name = layer.class_name;
  if (name == "Lambda" || name == "TFOpLambda" || name == "SlicingOpLambda")
    return "its computation is Python code that the file does not contain";
  if (name == "Sequential" || name == "Functional" || name == "Model")
    return "nested models are not supported; build the model from the inner model's layers instead";
  if (kRecurrent.count(name)) return "recurrent layers are not supported";
  if (entry_module.is_string()) {
    std::string module = entry_module.get<std::string>();
    if (module.rfind("keras", 0) != 0 && module.rfind("tensorflow", 0) != 0)
      return "it is a custom layer class (from module '" + module + "') whose code is not in the file";
  }
  return "no converter for this layer class";
}

// The module each layer entry names (Keras 3), by layer name.
std::map<std::string, json> layer_modules(const json& model_config) {
  std::map<std::string, json> modules;
  const json* layers = nullptr;
  auto config = model_config.find("config");
  if (config == model_config.end()) return modules;
  if (config->is_array()) layers = &*config;
  if (config->is_object() && config->contains("layers")) layers = &(*config)["layers"];
  if (!layers || !layers->is_array()) return modules;
  for (const json& entry : *layers) {
    if (!entry.is_object()) continue;
    std::string name;
    if (entry.contains("name") && entry["name"].is_string()) name = entry["name"].get<std::string>();
    if (name.empty() && entry.contains("config") && entry["config"].is_object() && entry["config"].contains("name") &&
        entry["config"]["name"].is_string())
      name = entry["config"]["name"].get<std::string>();
    if (entry.contains("module")) modules[name] = entry["module"];
  }
  return modules;
}

Status check_layers_supported(const ModelTopology& topology, const KerasModel& model) {
  const LayerTable& table = LayerTable::global();
  std::map<std::string, json> modules = layer_modules(model.model_config);
  std::vector<const LayerConfig*> unsupported;
  for (const LayerConfig& layer : topology.layers)
    if (layer.class_name != "InputLayer" && !table.find(layer.class_name)) unsupported.push_back(&layer);
  if (unsupported.empty()) return Status::ok();
  const LayerConfig& first = *unsupported[0];
  std::string message = model.source + ": layer " + in_quotes(first.name) + " (class " + first.class_name +
                        ") cannot be converted: " + unsupported_reason(first, modules[first.name]);
  if (unsupported.size() > 1) {
    message += ". Not supported either:";
    size_t shown = std::min<size_t>(unsupported.size(), 6);
    for (size_t i = 1; i < shown; ++i)
      message += std::string(i > 1 ? "," : "") + " " + in_quotes(unsupported[i]->name) + " (" + unsupported[i]->class_name + ")";
    if (unsupported.size() > shown) message += " and " + std::to_string(unsupported.size() - shown) + " more";
  }
  return Status::unsupported(message);
}

StatusOr<DataType> input_dtype(const LayerConfig& layer, const std::string& source) {
  auto it = layer.config.find("dtype");
  std::string name = "float32";
  if (it != layer.config.end() && it->is_string()) name = it->get<std::string>();
  if (it != layer.config.end() && it->is_object() && it->contains("config") && (*it)["config"].is_object() &&
      (*it)["config"].contains("name") && (*it)["config"]["name"].is_string())
    name = (*it)["config"]["name"].get<std::string>();
  // The graph computes in float32 whatever float type (or mixed-precision policy) the model was trained with.
  if (name == "float32" || name == "float16" || name == "float64" || name == "bfloat16" ||
      name.rfind("mixed_", 0) == 0)
    return tensorflow::DT_FLOAT;
  if (name == "int32") return tensorflow::DT_INT32;
  if (name == "int64") return tensorflow::DT_INT64;
  return Status::unsupported(source + ": input " + in_quotes(layer.name) + " has dtype '" + name +
                             "'; float and int32/int64 inputs are supported");
}

StatusOr<Shape> input_shape(const LayerConfig& layer, const std::string& source) {
  const json* dims = nullptr;
  bool with_batch = true;
  for (const char* key : {"batch_input_shape", "batch_shape"}) {
    auto it = layer.config.find(key);
    if (it != layer.config.end() && it->is_array()) dims = &*it;
  }
  if (!dims) {
    for (const char* key : {"input_shape", "shape"}) {
      auto it = layer.config.find(key);
      if (it != layer.config.end() && it->is_array()) {
        dims = &*it;
        with_batch = false;
      }
    }
  }
  if (!dims) return Status::error(source + ": input " + in_quotes(layer.name) + " does not say what shape it takes");
  Shape shape;
  if (!with_batch) shape.push_back(-1);
  for (const json& dim : *dims) {
    if (dim.is_null()) {
      shape.push_back(-1);
    } else if (dim.is_number_integer() && dim.get<int64_t>() >= 0 && dim.get<int64_t>() <= INT32_MAX) {
      shape.push_back(dim.get<int64_t>());
    } else {
      return Status::error(source + ": input " + in_quotes(layer.name) + " has an invalid shape " + dims->dump());
    }
  }
  if (shape.empty()) return Status::error(source + ": input " + in_quotes(layer.name) + " has an empty shape");
  return shape;
}

ConversionSettings settings_for(const KerasModel& model) {
  ConversionSettings settings;
  settings.format = model.format;
  settings.version = parse_keras_version(model.keras_version);
  bool modern = settings.version.major == 0 || settings.version.major >= 3 ||
                (settings.version.major == 2 && settings.version.minor >= 4);
  settings.half_pixel_centers = model.format != KerasFormat::kTensorFlowJs && modern;
  return settings;
}

struct CallKey {
  size_t layer = 0;
  size_t call = 0;
  bool operator<(const CallKey& other) const {
    return layer != other.layer ? layer < other.layer : call < other.call;
  }
};

}  // namespace

StatusOr<KerasGraph> keras_model_to_graph(const KerasModel& model, const KerasConversionOptions& options) {
  MQ_ASSIGN_OR_RETURN(ModelTopology topology, parse_model_topology(model.model_config, model.source));
  MQ_RETURN_IF_ERROR(check_layers_supported(topology, model));
  ConversionSettings settings = settings_for(model);

  std::map<std::string, size_t> layer_index;
  for (size_t i = 0; i < topology.layers.size(); ++i) layer_index[topology.layers[i].name] = i;
  auto resolve = [&](const TensorReference& reference, const std::string& context) -> StatusOr<CallKey> {
    auto it = layer_index.find(reference.layer);
    if (it == layer_index.end())
      return Status::error(model.source + ": " + context + " refers to a layer " + in_quotes(reference.layer) +
                           " that the model does not have");
    const LayerConfig& layer = topology.layers[it->second];
    size_t calls = layer.class_name == "InputLayer" ? 1 : layer.calls.size();
    if (static_cast<size_t>(reference.node_index) >= calls)
      return Status::error(model.source + ": " + context + " uses call " + std::to_string(reference.node_index) +
                           " of layer " + in_quotes(reference.layer) + ", which is called " + std::to_string(calls) +
                           " time" + (calls == 1 ? "" : "s"));
    if (reference.tensor_index != 0)
      return Status::error(model.source + ": " + context + " uses output " + std::to_string(reference.tensor_index) +
                           " of layer " + in_quotes(reference.layer) + ", which has one output");
    return CallKey{it->second, static_cast<size_t>(reference.node_index)};
  };

  // Dependencies between calls, for a topological order (Kahn's algorithm,
  // taking ready calls in config order so the graph reads like the model).
  std::map<CallKey, std::vector<CallKey>> consumers;
  std::map<CallKey, size_t> waiting;
  std::set<CallKey> ready;
  for (size_t i = 0; i < topology.layers.size(); ++i) {
    const LayerConfig& layer = topology.layers[i];
    if (layer.class_name == "InputLayer") {
      if (!layer.calls.empty())
        return Status::unsupported(model.source + ": InputLayer " + in_quotes(layer.name) + " is called on another tensor");
      ready.insert(CallKey{i, 0});
      continue;
    }
    if (layer.calls.empty()) continue;  // a layer the model never calls
    for (size_t c = 0; c < layer.calls.size(); ++c) {
      std::set<CallKey> producers;
      for (const TensorReference& input : layer.calls[c].inputs) {
        MQ_ASSIGN_OR_RETURN(CallKey producer, resolve(input, "layer " + in_quotes(layer.name)));
        producers.insert(producer);
      }
      for (const CallKey& producer : producers) consumers[producer].push_back(CallKey{i, c});
      waiting[CallKey{i, c}] = producers.size();
      if (producers.empty()) ready.insert(CallKey{i, c});
    }
  }

  KerasGraph result;
  KerasGraphBuilder builder(&result.graph);
  const std::vector<LayerWeight> no_weights;
  std::map<CallKey, SymbolicTensor> produced;
  while (!ready.empty()) {
    CallKey key = *ready.begin();
    ready.erase(ready.begin());
    const LayerConfig& layer = topology.layers[key.layer];
    if (layer.class_name == "InputLayer") {
      MQ_ASSIGN_OR_RETURN(DataType dtype, input_dtype(layer, model.source));
      MQ_ASSIGN_OR_RETURN(Shape shape, input_shape(layer, model.source));
      tensorflow::NodeDef* node = builder.add_node(builder.unique_scope(layer.name), "Placeholder", {});
      set_type_attr(node, "dtype", dtype);
      set_shape_attr(node, "shape", shape);
      produced[key] = SymbolicTensor{node->name(), shape, dtype};
    } else {
      auto weights = model.weights.find(layer.name);
      LayerContext context{layer,
                           builder.unique_scope(layer.name),
                           {},
                           {},
                           builder,
                           weights == model.weights.end() ? no_weights : weights->second,
                           settings};
      for (const TensorReference& input : layer.calls[key.call].inputs) {
        MQ_ASSIGN_OR_RETURN(CallKey producer, resolve(input, "layer " + in_quotes(layer.name)));
        context.inputs.push_back(produced[producer]);
      }
      LayerConverter convert = LayerTable::global().find(layer.class_name);
      Status status = convert(context);
      if (!status.is_ok()) return status.with_context(model.source);
      if (context.outputs.size() != 1)
        return Status::internal(model.source + ": the converter of layer " + in_quotes(layer.name) +
                                " produced no output");
      produced[key] = context.outputs[0];
    }
    for (const CallKey& consumer : consumers[key])
      if (--waiting[consumer] == 0) ready.insert(consumer);
  }
  for (const auto& [key, count] : waiting)
    if (count > 0)
      return Status::error(model.source + ": layer " + in_quotes(topology.layers[key.layer].name) +
                           " depends on itself through a cycle of layers");

  for (const TensorReference& reference : topology.inputs) {
    MQ_ASSIGN_OR_RETURN(CallKey key, resolve(reference, "input_layers"));
    if (topology.layers[key.layer].class_name != "InputLayer")
      return Status::unsupported(model.source + ": model input " + in_quotes(reference.layer) + " is not an InputLayer");
    result.inputs.push_back(produced[key].name);
  }
  for (size_t i = 0; i < topology.outputs.size(); ++i) {
    MQ_ASSIGN_OR_RETURN(CallKey key, resolve(topology.outputs[i], "output_layers"));
    auto it = produced.find(key);
    if (it == produced.end())
      return Status::error(model.source + ": output " + in_quotes(topology.outputs[i].layer) + " is never computed");
    std::string output = it->second.name;
    if (!options.output_prefix.empty()) {
      std::string name = options.output_prefix + std::to_string(i);
      if (builder.has_node(name))
        return Status::error("output prefix '" + options.output_prefix + "': the model already has a node named " +
                             in_quotes(name) + "; choose another prefix");
      tensorflow::NodeDef* identity = builder.add_node(name, "Identity", {output});
      set_type_attr(identity, "T", it->second.dtype);
      output = identity->name();
    }
    result.outputs.push_back(output);
  }

  std::string version = model.keras_version.empty() ? "" : " " + model.keras_version;
  if (model.keras_version.rfind("tfjs", 0) == 0) version = " (" + model.keras_version + ")";
  result.description = "Keras" + version + " " + topology.class_name + " model" +
                       (topology.name.empty() ? "" : " " + in_quotes(topology.name)) + " from a " +
                       keras_format_name(model.format) + ": " + std::to_string(topology.layers.size()) + " layers, " +
                       std::to_string(result.graph.node_size()) + " nodes";
  return result;
}

StatusOr<KerasGraph> keras_to_graph(const KerasSource& source, const KerasConversionOptions& options) {
  MQ_ASSIGN_OR_RETURN(KerasModel model, read_keras_model(source));
  return keras_model_to_graph(model, options);
}

}  // namespace mq::keras
