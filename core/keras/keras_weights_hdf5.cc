#include "core/keras/keras_weights_hdf5.h"

#include <algorithm>
#include <cstring>

#include "core/keras/keras_config.h"

namespace mq::keras {
namespace {

// "batch_normalization_1_1/gamma:0" → "gamma"
std::string short_weight_name(const std::string& stored) {
  std::string name = stored;
  size_t colon = name.rfind(':');
  if (colon != std::string::npos && colon + 1 < name.size() &&
      std::all_of(name.begin() + static_cast<long>(colon) + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    name.resize(colon);
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

StatusOr<Tensor> read_weight(const hdf5::Dataset& dataset, const std::string& source) {
  Shape shape;
  for (uint64_t dim : dataset.shape()) shape.push_back(static_cast<int64_t>(dim));
  StatusOr<std::vector<float>> values = dataset.read_float32();
  if (!values.is_ok()) return values.status().with_context(source + ": weight " + dataset.path());
  if (num_elements(shape) != static_cast<int64_t>(values->size()))
    return Status::error(source + ": weight " + dataset.path() + " holds " + std::to_string(values->size()) +
                         " values for shape " + shape_string(shape));
  Tensor tensor(tensorflow::DT_FLOAT, shape);
  if (!values->empty()) std::memcpy(tensor.data<float>(), values->data(), values->size() * sizeof(float));
  return tensor;
}

}  // namespace

StatusOr<std::vector<std::string>> read_split_string_attribute(const hdf5::Object& object, const std::string& name) {
  MQ_ASSIGN_OR_RETURN(bool whole, object.has_attribute(name));
  if (whole) return object.read_string_list_attribute(name);
  std::vector<std::string> values;
  for (int chunk = 0;; ++chunk) {
    std::string part = name + std::to_string(chunk);
    MQ_ASSIGN_OR_RETURN(bool present, object.has_attribute(part));
    if (!present) break;
    MQ_ASSIGN_OR_RETURN(std::vector<std::string> chunk_values, object.read_string_list_attribute(part));
    values.insert(values.end(), chunk_values.begin(), chunk_values.end());
  }
  return values;
}

Status read_keras2_weights(const hdf5::Group& group, const std::string& source,
                           std::map<std::string, std::vector<LayerWeight>>* weights) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> layer_names, read_split_string_attribute(group, "layer_names"));
  for (const std::string& layer_name : layer_names) {
    MQ_ASSIGN_OR_RETURN(bool present, group.has_child(layer_name));
    if (!present)
      return Status::error(source + ": layer_names lists '" + layer_name + "' but " + group.path() +
                           " has no group of that name");
    MQ_ASSIGN_OR_RETURN(hdf5::Group layer_group, group.open_group(layer_name));
    MQ_ASSIGN_OR_RETURN(std::vector<std::string> weight_names,
                        read_split_string_attribute(layer_group, "weight_names"));
    std::vector<LayerWeight>& layer_weights = (*weights)[layer_name];
    for (const std::string& weight_name : weight_names) {
      StatusOr<hdf5::Dataset> dataset = layer_group.open_dataset(weight_name);
      if (!dataset.is_ok())
        return dataset.status().with_context(source + ": weight '" + weight_name + "' of layer '" + layer_name + "'");
      MQ_ASSIGN_OR_RETURN(Tensor value, read_weight(*dataset, source));
      layer_weights.push_back(LayerWeight{short_weight_name(weight_name), std::move(value)});
    }
  }
  return Status::ok();
}

Status read_keras3_weights(const hdf5::Group& root, const nlohmann::json& model_config, const std::string& source,
                           std::map<std::string, std::vector<LayerWeight>>* weights) {
  MQ_ASSIGN_OR_RETURN(ModelTopology topology, parse_model_topology(model_config, source));
  std::map<std::string, int> uses;
  for (const LayerConfig* layer : keras3_layer_order(topology)) {
    std::string name = snake_case_class_name(layer->class_name);
    int use = uses[name]++;
    if (use > 0) name += "_" + std::to_string(use);
    std::string path = "layers/" + name + "/vars";
    MQ_ASSIGN_OR_RETURN(bool present, root.has_child(path));
    if (!present) continue;  // a layer without weights
    MQ_ASSIGN_OR_RETURN(hdf5::Group vars, root.open_group(path));
    std::vector<std::string> names = vars.child_names();
    std::vector<std::pair<long, std::string>> numbered;
    for (const std::string& child : names) {
      if (child.empty() || child.size() > 9 ||
          !std::all_of(child.begin(), child.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Status::error(source + ": /" + path + " holds '" + child + "', not a numbered variable");
      numbered.emplace_back(std::stol(child), child);
    }
    std::sort(numbered.begin(), numbered.end());
    std::vector<LayerWeight>& layer_weights = (*weights)[layer->name];
    for (size_t i = 0; i < numbered.size(); ++i) {
      if (numbered[i].first != static_cast<long>(i))
        return Status::error(source + ": /" + path + " lacks variable " + std::to_string(i));
      MQ_ASSIGN_OR_RETURN(hdf5::Dataset dataset, vars.open_dataset(numbered[i].second));
      MQ_ASSIGN_OR_RETURN(Tensor value, read_weight(dataset, source));
      layer_weights.push_back(LayerWeight{numbered[i].second, std::move(value)});
    }
  }
  return Status::ok();
}

}  // namespace mq::keras
