// The Keras 2 HDF5 and Keras 3 archive layouts, from copies of TensorFlow.js
// fixtures with the same weights (tests/data/keras/make_keras_files.py):
// every layout converts to a graph that matches the fixture's reference.
#include <catch2/catch.hpp>

#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;

// Converts `files` and checks it against the reference outputs of tfjs/<reference>.
KerasGraph check_matches_fixture(const ModelFiles& files, const std::string& reference) {
  KerasGraph converted = value_of(keras_to_graph(files.source()));
  std::string folder = keras_data("tfjs/" + reference);
  int inputs = 0, outputs = 0;
  nlohmann::json refs = references();
  for (const nlohmann::json& entry : refs["tfjs"])
    if (entry["name"] == reference) inputs = entry["inputs"].get<int>(), outputs = entry["outputs"].get<int>();
  REQUIRE(inputs > 0);
  check_against_references(converted, read_npy_files(folder, "input", inputs), read_npy_files(folder, "output", outputs));
  return converted;
}

}  // namespace

TEST_CASE("Keras files: Keras 2 full model with a split layer_names attribute", "[keras]") {
  ModelFiles files = model_file(keras_data("files/shared_layers_keras2.h5"));
  KerasModel model = value_of(read_keras_model(files.source()));
  CHECK(model.format == KerasFormat::kHdf5Model);
  CHECK(model.keras_version == "2.13.1");
  REQUIRE(model.weights.count("shared_dense"));
  CHECK(model.weights["shared_dense"][0].name == "kernel");  // "shared_dense/kernel:0" without scope and ":0"
  KerasGraph converted = check_matches_fixture(files, "shared_layers");
  CHECK(converted.inputs == std::vector<std::string>{"left", "right"});
  CHECK(find_node(converted.graph, "shared_dense_1/MatMul"));  // the shared layer's second call
  CHECK(converted.description ==
        "Keras 2.13.1 Functional model 'shared_layers' from a Keras HDF5 model: 6 layers, " +
            std::to_string(converted.graph.node_size()) + " nodes");
}

TEST_CASE("Keras files: Keras 2 weights-only file with its topology JSON", "[keras]") {
  ModelFiles files =
      model_file(keras_data("files/batch_normalization_weights.h5"), keras_data("files/batch_normalization_config.json"));
  KerasModel model = value_of(read_keras_model(files.source()));
  CHECK(model.format == KerasFormat::kHdf5Weights);
  KerasGraph converted = check_matches_fixture(files, "batch_normalization");
  // scale=false and center=false: the missing gamma / beta become constant ones / zeros.
  CHECK(find_node(converted.graph, "batch_normalization_1/Const"));
  CHECK(find_node(converted.graph, "batch_normalization_3/batchnorm/Neg"));
  CHECK(converted.inputs == std::vector<std::string>{"conv2d_input"});
}

TEST_CASE("Keras files: Keras 3 archives (Functional with a shared layer, Sequential with batch norms)", "[keras]") {
  for (const char* name : {"shared_layers", "batch_normalization"}) {
    DYNAMIC_SECTION(name) {
      ModelFiles files = model_file(keras_data(std::string("files/") + name + ".keras"));
      KerasModel model = value_of(read_keras_model(files.source()));
      CHECK(model.format == KerasFormat::kKerasArchive);
      CHECK(model.keras_version == "3.9.2");
      KerasGraph converted = check_matches_fixture(files, name);
      if (std::string(name) == "batch_normalization") {
        // Keras 3 stores an explicit InputLayer; its name is the input's.
        CHECK(converted.inputs == std::vector<std::string>{"input_layer"});
        // Weights come by position (vars/0, vars/1, …) and get Keras's names.
        CHECK(find_node(converted.graph, "batch_normalization_2/moving_variance"));
      }
    }
  }
}

TEST_CASE("Keras files: damaged or foreign inputs give messages", "[keras]") {
  auto message_for = [](const ModelFiles& files) {
    auto converted = keras_to_graph(files.source());
    REQUIRE_FALSE(converted.is_ok());
    return converted.status().message();
  };
  ModelFiles weights_only = model_file(keras_data("files/batch_normalization_weights.h5"));
  CHECK(message_for(weights_only) ==
        "batch_normalization_weights.h5: the file holds only weights (saved with save_weights), not the model's "
        "layers; pass the model's topology JSON (model.to_json()) as well (--config model.json)");

  ModelFiles missing_shard = tensorflowjs_folder(keras_data("tfjs/dense"));
  missing_shard.weight_files.clear();
  CHECK(message_for(missing_shard) == "model.json: the weight file 'weights.bin' that model.json lists was not given");

  ModelFiles short_shard = tensorflowjs_folder(keras_data("tfjs/dense"));
  short_shard.weight_files["weights.bin"].resize(40);
  CHECK_THAT(message_for(short_shard), Catch::StartsWith("model.json: weight 'dense/kernel': the weight files end before "
                                                         "this weight (they hold 40 bytes)"));

  ModelFiles truncated = model_file(keras_data("files/shared_layers.keras"));
  truncated.model.resize(truncated.model.size() / 2);
  CHECK_THAT(message_for(truncated), Catch::StartsWith("shared_layers.keras: "));

  ModelFiles archive_with_config = model_file(keras_data("files/shared_layers.keras"), keras_data("files/batch_normalization_config.json"));
  CHECK(message_for(archive_with_config) ==
        "shared_layers.keras: a .keras archive carries its own config.json; a separate topology (config) is only for "
        "weights-only .h5 files");

  ModelFiles topology_only;
  topology_only.name = "config.json";
  topology_only.model = mq::test::read_bytes(keras_data("files/batch_normalization_config.json"));
  CHECK_THAT(message_for(topology_only), Catch::Contains("without weights"));
}
