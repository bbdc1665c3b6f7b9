// Keras HDF5 files: a full model (root attributes keras_version,
// model_config and the weights under /model_weights) or a weights-only file
// from save_weights (layer groups at the root; the topology comes as JSON).
#include "core/hdf5/hdf5_file.h"
#include "core/keras/keras_model.h"
#include "core/keras/keras_weights_hdf5.h"

namespace mq::keras {
namespace {

StatusOr<nlohmann::json> parse_json(std::string_view text, const std::string& what) {
  nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::error(what + " is not valid JSON");
  return value;
}

// A topology file may be model.to_json() itself or a wrapper holding it.
nlohmann::json unwrap_topology(nlohmann::json value) {
  for (const char* key : {"model_config", "modelTopology"}) {
    if (value.is_object() && value.contains(key) && value[key].is_object()) {
      nlohmann::json inner = value[key];
      if (!inner.contains("keras_version") && value.contains("keras_version")) inner["keras_version"] = value["keras_version"];
      return unwrap_topology(inner);
    }
  }
  return value;
}

StatusOr<std::string> optional_string_attribute(const hdf5::Object& object, const std::string& name) {
  MQ_ASSIGN_OR_RETURN(bool present, object.has_attribute(name));
  if (!present) return std::string();
  return object.read_string_attribute(name);
}

}  // namespace

StatusOr<KerasModel> read_keras_hdf5(const KerasSource& source) {
  KerasModel model;
  model.source = source.name;
  StatusOr<hdf5::Hdf5File> file = hdf5::Hdf5File::open(source.model);
  if (!file.is_ok()) return file.status().with_context(source.name);
  MQ_ASSIGN_OR_RETURN(hdf5::Group root, file->root());

  StatusOr<std::string> version = optional_string_attribute(root, "keras_version");
  if (!version.is_ok()) return version.status().with_context(source.name);
  model.keras_version = *version;

  StatusOr<std::string> stored_config = optional_string_attribute(root, "model_config");
  if (!stored_config.is_ok()) return stored_config.status().with_context(source.name);
  if (!source.config_json.empty()) {
    MQ_ASSIGN_OR_RETURN(model.model_config, parse_json(source.config_json, source.config_name));
    model.model_config = unwrap_topology(model.model_config);
  } else if (!stored_config->empty()) {
    MQ_ASSIGN_OR_RETURN(model.model_config,
                        parse_json(*stored_config, source.name + ": the attribute model_config"));
  }

  MQ_ASSIGN_OR_RETURN(bool full_model, root.has_child("model_weights"));
  MQ_ASSIGN_OR_RETURN(bool keras2_weights, root.has_attribute("layer_names"));
  MQ_ASSIGN_OR_RETURN(bool split_keras2_weights, root.has_attribute("layer_names0"));
  MQ_ASSIGN_OR_RETURN(bool keras3_weights, root.has_child("layers"));
  model.format = full_model ? KerasFormat::kHdf5Model : KerasFormat::kHdf5Weights;

  if (model.model_config.is_null()) {
    if (full_model)
      return Status::error(source.name + ": the HDF5 file has model weights but no model_config attribute");
    if (keras2_weights || split_keras2_weights || keras3_weights)
      return Status::error(source.name +
                           ": the file holds only weights (saved with save_weights), not the model's layers; pass "
                           "the model's topology JSON (model.to_json()) as well (--config model.json)");
    return Status::error(source.name + ": an HDF5 file, but not a Keras model: it has no model_config attribute, "
                                       "no model_weights group and no layer_names attribute");
  }
  if (model.keras_version.empty() && model.model_config.contains("keras_version") &&
      model.model_config["keras_version"].is_string())
    model.keras_version = model.model_config["keras_version"].get<std::string>();

  if (full_model) {
    MQ_ASSIGN_OR_RETURN(hdf5::Group weights, root.open_group("model_weights"));
    MQ_RETURN_IF_ERROR(read_keras2_weights(weights, source.name, &model.weights));
  } else if (keras2_weights || split_keras2_weights) {
    MQ_RETURN_IF_ERROR(read_keras2_weights(root, source.name, &model.weights));
  } else if (keras3_weights) {
    MQ_RETURN_IF_ERROR(read_keras3_weights(root, model.model_config, source.name, &model.weights));
  } else {
    return Status::error(source.name + ": the HDF5 file holds no Keras weights (no model_weights group, no "
                                       "layer_names attribute, no layers group)");
  }
  return model;
}

}  // namespace mq::keras
