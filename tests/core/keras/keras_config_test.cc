// Reading Keras topologies in every dialect, Keras 3's object-path names,
// version strings and file detection.
#include "core/keras/keras_config.h"

#include <catch2/catch.hpp>

#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;
using nlohmann::json;

ModelTopology topology_of(const std::string& text) { return value_of(parse_model_topology(json::parse(text), "m.json")); }

std::string references_text(const std::vector<TensorReference>& references) {
  std::string out;
  for (const TensorReference& r : references)
    out += r.layer + ":" + std::to_string(r.node_index) + ":" + std::to_string(r.tensor_index) + " ";
  return out;
}

}  // namespace

TEST_CASE("Keras config: Sequential as a bare list (Keras 2.0) gets an input named after its first layer", "[keras]") {
  ModelTopology topology = topology_of(R"({"class_name": "Sequential", "config": [
      {"class_name": "Dense", "config": {"name": "dense_1", "units": 3, "batch_input_shape": [null, 4], "dtype": "float32"}},
      {"class_name": "Dense", "config": {"name": "dense_2", "units": 1}}]})");
  REQUIRE(topology.layers.size() == 3);
  CHECK(topology.input_layer_made_up);
  CHECK(topology.layers[0].class_name == "InputLayer");
  CHECK(topology.layers[0].name == "dense_1_input");
  CHECK(topology.layers[0].config["batch_input_shape"] == json::parse("[null, 4]"));
  CHECK(references_text(topology.layers[2].calls[0].inputs) == "dense_1:0:0 ");
  CHECK(references_text(topology.inputs) == "dense_1_input:0:0 ");
  CHECK(references_text(topology.outputs) == "dense_2:0:0 ");
}

TEST_CASE("Keras config: Sequential {name, layers} takes its input shape from input_shape or build_config", "[keras]") {
  ModelTopology from_input_shape = topology_of(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "Dense", "config": {"name": "d", "units": 3, "input_shape": [7]}}]}})");
  CHECK(from_input_shape.name == "s");
  CHECK(from_input_shape.layers[0].config["batch_input_shape"] == json::parse("[null, 7]"));
  ModelTopology from_build = topology_of(R"({"class_name": "Sequential", "build_config": {"input_shape": [null, 5]},
      "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 3}}]}})");
  CHECK(from_build.layers[0].config["batch_input_shape"] == json::parse("[null, 5]"));
}

TEST_CASE("Keras config: Functional references in Keras 2 and Keras 3 forms", "[keras]") {
  ModelTopology keras3 = topology_of(R"({"class_name": "Functional", "config": {"name": "f", "layers": [
      {"class_name": "InputLayer", "name": "a", "config": {"batch_shape": [null, 2], "name": "a"}, "inbound_nodes": []},
      {"class_name": "InputLayer", "name": "b", "config": {"batch_shape": [null, 2], "name": "b"}, "inbound_nodes": []},
      {"class_name": "Concatenate", "name": "c", "config": {"name": "c", "axis": -1},
       "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}},
                                    {"class_name": "__keras_tensor__", "config": {"keras_history": ["b", 0, 0]}}]],
                          "kwargs": {"mask": null}}]}],
      "input_layers": {"second": ["b", 0, 0], "first": ["a", 0, 0]}, "output_layers": ["c", 0, 0]}})");
  CHECK(keras3.class_name == "Functional");
  CHECK(references_text(keras3.layers[2].calls[0].inputs) == "a:0:0 b:0:0 ");
  CHECK(references_text(keras3.inputs) == "a:0:0 b:0:0 ");  // dict inputs flatten in key order
  CHECK(references_text(keras3.outputs) == "c:0:0 ");

  ModelTopology keras2 = topology_of(R"({"class_name": "Model", "config": {"name": "m", "layers": [
      {"class_name": "InputLayer", "name": "a", "config": {"batch_input_shape": [null, 2], "name": "a"}, "inbound_nodes": []},
      {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2},
       "inbound_nodes": [[["a", 0, 0, {}]], [["d", 0, 0, {}]]]}],
      "input_layers": [["a", 0, 0]], "output_layers": [["d", 1, 0]]}})");
  REQUIRE(keras2.layers[1].calls.size() == 2);
  CHECK(references_text(keras2.layers[1].calls[1].inputs) == "d:0:0 ");
  CHECK(references_text(keras2.outputs) == "d:1:0 ");
}

TEST_CASE("Keras config: malformed and subclassed models are refused with the reason", "[keras]") {
  auto message_for = [](const std::string& text) {
    auto topology = parse_model_topology(json::parse(text), "m.json");
    REQUIRE_FALSE(topology.is_ok());
    return topology.status().message();
  };
  CHECK(message_for(R"({"class_name": "MyModel", "config": {"units": 3}})") ==
        "m.json: the model is a subclassed Keras model (class 'MyModel'): its layers and the way they connect exist "
        "only in its Python code, not in the file, so it cannot be converted. Save the model as a Sequential or "
        "Functional model instead (or rebuild it as one and load these weights into it)");
  CHECK(message_for(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "Dense", "config": {"name": "d", "units": 1, "input_shape": [2]}},
      {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}})") == "m.json: two layers are named 'd'");
  CHECK(message_for(R"({"class_name": "Model", "config": {"name": "m", "layers": [
      {"class_name": "Dense", "name": "d", "config": {"name": "d"}, "inbound_nodes": [[["x", 0]]]}],
      "input_layers": [], "output_layers": [["d", 0, 0]]}})") ==
        "m.json: layer 'd': expected [\"layer\", node_index, tensor_index], found [\"x\",0]");
  CHECK(message_for(R"({"class_name": "Model", "config": {"name": "m", "layers": []}})") ==
        "m.json: the model's config has no input_layers");
  CHECK(message_for(R"([1, 2])") == "m.json: the model config is not a JSON object");
}

TEST_CASE("Keras config: Keras 3 object-path names of layer classes", "[keras]") {
  CHECK(snake_case_class_name("Dense") == "dense");
  CHECK(snake_case_class_name("Conv2D") == "conv2d");
  CHECK(snake_case_class_name("Conv2DTranspose") == "conv2d_transpose");
  CHECK(snake_case_class_name("BatchNormalization") == "batch_normalization");
  CHECK(snake_case_class_name("LeakyReLU") == "leaky_re_lu");
  CHECK(snake_case_class_name("ReLU") == "re_lu");
  CHECK(snake_case_class_name("PReLU") == "p_re_lu");
  CHECK(snake_case_class_name("ELU") == "elu");
  CHECK(snake_case_class_name("GlobalAveragePooling2D") == "global_average_pooling2d");
  CHECK(snake_case_class_name("UpSampling2D") == "up_sampling2d");
  CHECK(snake_case_class_name("InputLayer") == "input_layer");
  CHECK(snake_case_class_name("DepthwiseConv2D") == "depthwise_conv2d");
}

TEST_CASE("Keras config: Keras 3 model.layers leave out a Sequential model's InputLayer", "[keras]") {
  ModelTopology sequential = topology_of(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "input_layer", "batch_shape": [null, 2]}},
      {"class_name": "Dense", "config": {"name": "dense", "units": 1}}]}})");
  std::vector<const LayerConfig*> order = keras3_layer_order(sequential);
  REQUIRE(order.size() == 1);
  CHECK(order[0]->name == "dense");
}

TEST_CASE("Keras files: versions and kinds", "[keras]") {
  CHECK(parse_keras_version("2.2.4-tf").major == 2);
  CHECK(parse_keras_version("2.2.4-tf").minor == 2);
  CHECK(parse_keras_version("3.9.2").major == 3);
  CHECK(parse_keras_version("tfjs-layers 4.22.0").major == 0);
  CHECK(parse_keras_version("").major == 0);
  CHECK(detect_keras_file(std::string("\x89HDF\r\n\x1a\n", 8) + "rest") == KerasFileKind::kHdf5);
  CHECK(detect_keras_file(std::string(512, '\0') + std::string("\x89HDF\r\n\x1a\n", 8)) == KerasFileKind::kHdf5);
  CHECK(detect_keras_file("PK\x03\x04...") == KerasFileKind::kZipArchive);
  CHECK(detect_keras_file("  \n {\"modelTopology\": {}}") == KerasFileKind::kJson);
  CHECK(detect_keras_file("node { name: 'x' }") == KerasFileKind::kUnknown);
  KerasSource source;
  std::string text = "node { name: 'x' }";
  source.model = text;
  source.name = "graph.pbtxt";
  auto model = read_keras_model(source);
  REQUIRE_FALSE(model.is_ok());
  CHECK(model.status().message() == "graph.pbtxt: not a Keras model: expected an HDF5 file (.h5 / .hdf5), a Keras 3 "
                                    "archive (.keras) or a TensorFlow.js model.json");
}
