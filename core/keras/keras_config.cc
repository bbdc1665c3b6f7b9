#include "core/keras/keras_config.h"

#include <cctype>
#include <map>

namespace mq::keras {
namespace {

using nlohmann::json;

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

bool is_string(const json& value) { return value.is_string(); }

// The class name a layer entry carries ("" when missing).
std::string class_of(const json& entry) {
  auto it = entry.find("class_name");
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A layer's name: the entry's "name" (Functional) or its config's (Sequential).
std::string name_of(const json& entry) {
  auto it = entry.find("name");
  if (it != entry.end() && it->is_string()) return it->get<std::string>();
  auto config = entry.find("config");
  if (config != entry.end() && config->is_object()) {
    auto name = config->find("name");
    if (name != config->end() && name->is_string()) return name->get<std::string>();
  }
  return "";
}

Status subclassed_model_error(const json& model, const std::string& source) {
  std::string class_name = class_of(model);
  std::string registered;
  auto it = model.find("registered_name");
  if (it != model.end() && it->is_string() && it->get<std::string>() != class_name)
    registered = ", registered as " + in_quotes(it->get<std::string>());
  return Status::unsupported(
      source + ": the model is a subclassed Keras model (class " + in_quotes(class_name) + registered +
      "): its layers and the way they connect exist only in its Python code, not in the file, so it cannot be "
      "converted. Save the model as a Sequential or Functional model instead (or rebuild it as one and load "
      "these weights into it)");
}

// ["layer", node_index, tensor_index] (a fourth element, the call's kwargs, is ignored).
StatusOr<TensorReference> reference_from_list(const json& value, const std::string& context) {
  if (!value.is_array() || value.size() < 3 || !value[0].is_string() || !value[1].is_number_integer() ||
      !value[2].is_number_integer())
    return Status::error(context + ": expected [\"layer\", node_index, tensor_index], found " + value.dump());
  TensorReference reference;
  reference.layer = value[0].get<std::string>();
  reference.node_index = value[1].get<int>();
  reference.tensor_index = value[2].get<int>();
  if (reference.node_index < 0 || reference.tensor_index < 0)
    return Status::error(context + ": negative index in " + value.dump());
  return reference;
}

// Collects the __keras_tensor__ entries of a Keras 3 call's args, depth first.
Status collect_keras_tensors(const json& value, const std::string& context, std::vector<TensorReference>* out) {
  if (value.is_array()) {
    for (const json& item : value) MQ_RETURN_IF_ERROR(collect_keras_tensors(item, context, out));
    return Status::ok();
  }
  if (!value.is_object()) return Status::ok();  // a plain argument (a number, a string)
  if (class_of(value) == "__keras_tensor__") {
    auto config = value.find("config");
    if (config == value.end() || !config->is_object() || !config->contains("keras_history"))
      return Status::error(context + ": a __keras_tensor__ without keras_history");
    MQ_ASSIGN_OR_RETURN(TensorReference reference, reference_from_list((*config)["keras_history"], context));
    out->push_back(std::move(reference));
    return Status::ok();
  }
  for (const auto& item : value.items()) MQ_RETURN_IF_ERROR(collect_keras_tensors(item.value(), context, out));
  return Status::ok();
}

StatusOr<std::vector<LayerCall>> parse_inbound_nodes(const json& entry, const std::string& context) {
  std::vector<LayerCall> calls;
  auto it = entry.find("inbound_nodes");
  if (it == entry.end() || it->is_null()) return calls;
  if (!it->is_array()) return Status::error(context + ": inbound_nodes is not a list");
  for (const json& node : *it) {
    LayerCall call;
    if (node.is_object()) {  // Keras 3: {"args": [...], "kwargs": {...}}
      auto args = node.find("args");
      if (args == node.end()) return Status::error(context + ": an inbound node without args: " + node.dump());
      MQ_RETURN_IF_ERROR(collect_keras_tensors(*args, context, &call.inputs));
    } else if (node.is_array()) {  // Keras 2: [["layer", node, tensor, {kwargs}], ...]
      for (const json& input : node) {
        MQ_ASSIGN_OR_RETURN(TensorReference reference, reference_from_list(input, context));
        call.inputs.push_back(std::move(reference));
      }
    } else {
      return Status::error(context + ": unexpected inbound node " + node.dump());
    }
    if (call.inputs.empty()) return Status::error(context + ": a call of the layer has no input tensors");
    calls.push_back(std::move(call));
  }
  return calls;
}

// input_layers / output_layers: a list of references, one reference, or (Keras 3)
// a dict of them (flattened in key order, as Keras flattens it).
Status parse_reference_list(const json& value, const std::string& context, std::vector<TensorReference>* out) {
  if (value.is_array() && !value.empty() && value[0].is_string()) {
    MQ_ASSIGN_OR_RETURN(TensorReference reference, reference_from_list(value, context));
    out->push_back(std::move(reference));
    return Status::ok();
  }
  if (value.is_array()) {
    for (const json& item : value) MQ_RETURN_IF_ERROR(parse_reference_list(item, context, out));
    return Status::ok();
  }
  if (value.is_object()) {
    for (const auto& item : value.items()) MQ_RETURN_IF_ERROR(parse_reference_list(item.value(), context, out));
    return Status::ok();
  }
  return Status::error(context + ": expected a list of [\"layer\", node_index, tensor_index], found " + value.dump());
}

StatusOr<LayerConfig> parse_layer_entry(const json& entry, size_t index, const std::string& source) {
  std::string context = source + ": layer " + std::to_string(index);
  if (!entry.is_object()) return Status::error(context + " is not a JSON object");
  LayerConfig layer;
  layer.class_name = class_of(entry);
  layer.name = name_of(entry);
  if (layer.class_name.empty()) return Status::error(context + " has no class_name");
  if (layer.name.empty()) return Status::error(context + " (" + layer.class_name + ") has no name");
  auto config = entry.find("config");
  layer.config = config != entry.end() && config->is_object() ? *config : json::object();
  return layer;
}

// The batch input shape a Sequential model's first layer (or the model's
// build_config) gives, or null.
json sequential_input_shape(const json& first_layer_config, const json& model) {
  for (const char* key : {"batch_input_shape", "batch_shape"}) {
    auto it = first_layer_config.find(key);
    if (it != first_layer_config.end() && it->is_array()) return *it;
  }
  auto input_shape = first_layer_config.find("input_shape");
  if (input_shape != first_layer_config.end() && input_shape->is_array()) {
    json shape = json::array({nullptr});
    for (const json& dim : *input_shape) shape.push_back(dim);
    return shape;
  }
  auto build = model.find("build_config");
  if (build != model.end() && build->is_object()) {
    auto shape = build->find("input_shape");
    if (shape != build->end() && shape->is_array()) return *shape;
  }
  return nullptr;
}

StatusOr<ModelTopology> parse_sequential(const json& model, const std::string& source) {
  ModelTopology topology;
  topology.class_name = "Sequential";
  const json& config = model["config"];
  const json* layers = nullptr;
  if (config.is_array()) {
    layers = &config;  // Keras 2.0 / 2.1: the config is the layer list
  } else if (config.is_object() && config.contains("layers") && config["layers"].is_array()) {
    layers = &config["layers"];
    if (config.contains("name") && config["name"].is_string()) topology.name = config["name"].get<std::string>();
  } else {
    return Status::error(source + ": the Sequential model's config has no layer list");
  }
  if (layers->empty()) return Status::error(source + ": the Sequential model has no layers");
  for (size_t i = 0; i < layers->size(); ++i) {
    MQ_ASSIGN_OR_RETURN(LayerConfig layer, parse_layer_entry((*layers)[i], i, source));
    topology.layers.push_back(std::move(layer));
  }
  if (topology.layers[0].class_name != "InputLayer") {
    const LayerConfig& first = topology.layers[0];
    json shape = sequential_input_shape(first.config, model);
    if (shape.is_null())
      return Status::error(source + ": the Sequential model was never built: neither its first layer " +
                           in_quotes(first.name) + " nor the model says what input shape it takes");
    LayerConfig input;
    input.class_name = "InputLayer";
    input.name = first.name + "_input";
    input.config = json{{"batch_input_shape", shape}, {"name", input.name}};
    auto dtype = first.config.find("dtype");
    if (dtype != first.config.end() && dtype->is_string()) input.config["dtype"] = *dtype;
    topology.layers.insert(topology.layers.begin(), std::move(input));
    topology.input_layer_made_up = true;
  }
  for (size_t i = 0; i < topology.layers.size(); ++i) {
    if (i > 0 && topology.layers[i].class_name == "InputLayer")
      return Status::error(source + ": the Sequential model has a second InputLayer " +
                           in_quotes(topology.layers[i].name));
    if (i > 0) topology.layers[i].calls.push_back(LayerCall{{TensorReference{topology.layers[i - 1].name, 0, 0}}});
  }
  topology.inputs.push_back(TensorReference{topology.layers.front().name, 0, 0});
  topology.outputs.push_back(TensorReference{topology.layers.back().name, 0, 0});
  return topology;
}

StatusOr<ModelTopology> parse_functional(const json& model, const std::string& source) {
  ModelTopology topology;
  topology.class_name = "Functional";
  const json& config = model["config"];
  if (!config.is_object() || !config.contains("layers") || !config["layers"].is_array())
    return Status::error(source + ": the " + class_of(model) + " model's config has no layer list");
  if (config.contains("name") && config["name"].is_string()) topology.name = config["name"].get<std::string>();
  const json& layers = config["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    MQ_ASSIGN_OR_RETURN(LayerConfig layer, parse_layer_entry(layers[i], i, source));
    MQ_ASSIGN_OR_RETURN(layer.calls, parse_inbound_nodes(layers[i], source + ": layer " + in_quotes(layer.name)));
    topology.layers.push_back(std::move(layer));
  }
  for (const char* key : {"input_layers", "output_layers"}) {
    if (!config.contains(key)) return Status::error(source + ": the model's config has no " + key);
    MQ_RETURN_IF_ERROR(parse_reference_list(config[key], source + ": " + key,
                                            key[0] == 'i' ? &topology.inputs : &topology.outputs));
  }
  if (topology.outputs.empty()) return Status::error(source + ": the model has no outputs");
  return topology;
}

}  // namespace

StatusOr<ModelTopology> parse_model_topology(const json& model_config, const std::string& source) {
  if (!model_config.is_object()) return Status::error(source + ": the model config is not a JSON object");
  std::string class_name = class_of(model_config);
  if (class_name.empty()) return Status::error(source + ": the model config has no class_name");
  if (!model_config.contains("config"))
    return Status::error(source + ": the model config of class " + in_quotes(class_name) + " has no config");
  StatusOr<ModelTopology> topology = Status::error("");
  if (class_name == "Sequential") {
    topology = parse_sequential(model_config, source);
  } else if (class_name == "Model" || class_name == "Functional") {
    topology = parse_functional(model_config, source);
  } else {
    return subclassed_model_error(model_config, source);
  }
  if (!topology.is_ok()) return topology;
  std::map<std::string, int> seen;
  for (const LayerConfig& layer : topology->layers)
    if (seen[layer.name]++ == 1) return Status::error(source + ": two layers are named " + in_quotes(layer.name));
  return topology;
}

std::vector<const LayerConfig*> keras3_layer_order(const ModelTopology& topology) {
  std::vector<const LayerConfig*> order;
  for (size_t i = 0; i < topology.layers.size(); ++i) {
    if (topology.class_name == "Sequential" && i == 0 && topology.layers[i].class_name == "InputLayer") continue;
    order.push_back(&topology.layers[i]);
  }
  return order;
}

std::string snake_case_class_name(const std::string& class_name) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  std::string word;
  for (char c : class_name)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') word += c;
  // "(.)([A-Z][a-z]+)" → "\1_\2", left to right without overlaps.
  std::string step;
  for (size_t i = 0; i < word.size();) {
    if (i + 2 < word.size() && upper(word[i + 1]) && lower(word[i + 2])) {
      size_t end = i + 3;
      while (end < word.size() && lower(word[end])) ++end;
      step += word[i];
      step += '_';
      step.append(word, i + 1, end - i - 1);
      i = end;
    } else {
      step += word[i++];
    }
  }
  // "([a-z])([A-Z])" → "\1_\2", then lower case.
  std::string out;
  for (size_t i = 0; i < step.size();) {
    if (i + 1 < step.size() && lower(step[i]) && upper(step[i + 1])) {
      out += step[i];
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(step[i + 1])));
      i += 2;
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(step[i++])));
    }
  }
  return out;
}

}  // namespace mq::keras
