// Reading layer weights out of the two HDF5 layouts Keras writes:
//   Keras 2: a group per layer (listed by the attribute layer_names) whose
//            attribute weight_names gives the datasets in weight order;
//   Keras 3: /layers/<snake_case class>[_N]/vars/0, 1, … in model.layers order.
// Shared by the .h5 reader and the .keras reader.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/hdf5/hdf5_file.h"
#include "core/keras/keras_model.h"
#include "core/util/status.h"

namespace mq::keras {

// An attribute holding a list of strings that Keras may have split into
// name0, name1, … when it grew too large for one HDF5 attribute.
StatusOr<std::vector<std::string>> read_split_string_attribute(const hdf5::Object& object, const std::string& name);

// Keras 2 layout under `group` (the file's /model_weights, or its root for a
// weights-only file).
Status read_keras2_weights(const hdf5::Group& group, const std::string& source,
                           std::map<std::string, std::vector<LayerWeight>>* weights);

// Keras 3 layout under `root`; needs the topology to know model.layers.
Status read_keras3_weights(const hdf5::Group& root, const nlohmann::json& model_config, const std::string& source,
                           std::map<std::string, std::vector<LayerWeight>>* weights);

}  // namespace mq::keras
