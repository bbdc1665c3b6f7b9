// modelquant keras2pb: the three kinds of input (HDF5, .keras, TensorFlow.js
// folders), --config, --output-prefix, --export-weights, and the errors.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::shell_quote;

namespace {

std::string keras_data(const std::string& relative) { return mq::test::test_data("keras/" + relative); }

tensorflow::GraphDef load(const std::string& path) {
  tensorflow::GraphDef graph;
  mq::Status status = mq::load_graph_file(path, &graph);
  INFO(status.message());
  REQUIRE(status.is_ok());
  return graph;
}

bool has_node(const tensorflow::GraphDef& graph, const std::string& name, const std::string& op) {
  for (const auto& node : graph.node())
    if (node.name() == name) return node.op() == op;
  return false;
}

}  // namespace

TEST_CASE("keras2pb converts a Keras 2 .h5 and reports inputs and outputs", "[cli][keras]") {
  std::string dir = mq::test::scratch_dir();
  auto result = run_modelquant("keras2pb " + shell_quote(keras_data("files/shared_layers_keras2.h5")) + " -o " +
                               shell_quote(dir + "/m.pb") + " --output-prefix output_node");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("Keras 2.13.1 Functional model 'shared_layers' from a Keras HDF5 model"));
  CHECK_THAT(result.out, Catch::Contains("\ninputs: left right\noutputs: output_node0 output_node1\nwrote "));
  tensorflow::GraphDef graph = load(dir + "/m.pb");
  CHECK(has_node(graph, "left", "Placeholder"));
  CHECK(has_node(graph, "shared_dense/kernel", "Const"));
  CHECK(has_node(graph, "output_node1", "Identity"));
}

TEST_CASE("keras2pb reads a TensorFlow.js folder and writes text when asked", "[cli][keras]") {
  std::string dir = mq::test::scratch_dir();
  auto result = run_modelquant("keras2pb " + shell_quote(keras_data("tfjs/conv2d_float16")) + " -o " +
                               shell_quote(dir + "/m.pbtxt"));  // the folder stands for its model.json
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(mq::test::read_bytes(dir + "/m.pbtxt").rfind("node {", 0) == 0);
  CHECK(has_node(load(dir + "/m.pbtxt"), "conv2d_2/BiasAdd", "BiasAdd"));
  CHECK_THAT(result.out, Catch::Contains("outputs: conv2d_2/BiasAdd\n"));
  CHECK_THAT(result.out, Catch::StartsWith(keras_data("tfjs/conv2d_float16/model.json") + ": Keras (tfjs-layers 4.22.0)"));
}

TEST_CASE("keras2pb needs --config for a weights-only file and uses it", "[cli][keras]") {
  std::string dir = mq::test::scratch_dir();
  std::string weights = shell_quote(keras_data("files/batch_normalization_weights.h5"));
  auto without = run_modelquant("keras2pb " + weights + " -o " + shell_quote(dir + "/m.pb"));
  CHECK(without.exit_code == 2);
  check_one_line_error(without);
  CHECK_THAT(without.err, Catch::Contains("holds only weights") && Catch::Contains("--config"));
  CHECK_FALSE(std::filesystem::exists(dir + "/m.pb"));

  auto with = run_modelquant("keras2pb " + weights + " --config " +
                             shell_quote(keras_data("files/batch_normalization_config.json")) + " -o " +
                             shell_quote(dir + "/m.pb"));
  INFO(with.err);
  REQUIRE(with.exit_code == 0);
  CHECK(has_node(load(dir + "/m.pb"), "batch_normalization/FusedBatchNormV3", "FusedBatchNormV3"));
}

TEST_CASE("keras2pb --export-weights writes the weights as read", "[cli][keras]") {
  std::string dir = mq::test::scratch_dir();
  auto result = run_modelquant("keras2pb " + shell_quote(keras_data("files/shared_layers.keras")) + " -o " +
                               shell_quote(dir + "/m.pb") + " --export-weights " + shell_quote(dir + "/weights"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto index = nlohmann::json::parse(mq::test::read_bytes(dir + "/weights/weights.json"));
  CHECK(index["keras_version"] == "3.9.2");
  CHECK(index["model_config"]["class_name"] == "Functional");
  size_t floats = 0;
  for (const auto& layer : index["layers"])
    for (const auto& weight : layer["weights"]) {
      size_t count = 1;
      for (const auto& dim : weight["shape"]) count *= dim.get<size_t>();
      CHECK(weight["offset"].get<size_t>() == floats);
      floats += count;
    }
  CHECK(floats == (4 * 3 + 3) + (6 * 2 + 2));
  CHECK(mq::test::read_bytes(dir + "/weights/weights.bin").size() == floats * 4);
}

TEST_CASE("keras2pb errors: unsupported models, unreadable weight paths, the input guard", "[cli][keras]") {
  std::string dir = mq::test::scratch_dir();
  // A model.json whose weight path leaves its folder is refused before anything is read.
  std::string model_json = mq::test::read_bytes(keras_data("tfjs/dense/model.json"));
  std::string escaped = model_json;
  escaped.replace(escaped.find("\"weights.bin\""), 13, "\"../secret.bin\"");
  std::filesystem::create_directories(dir + "/web");
  {
    std::FILE* file = std::fopen((dir + "/web/model.json").c_str(), "wb");
    REQUIRE(file);
    std::fwrite(escaped.data(), 1, escaped.size(), file);
    std::fclose(file);
  }
  auto outside = run_modelquant("keras2pb " + shell_quote(dir + "/web/model.json") + " -o " + shell_quote(dir + "/m.pb"));
  CHECK(outside.exit_code == 2);
  check_one_line_error(outside);
  CHECK_THAT(outside.err, Catch::Contains("weight file path '../secret.bin' leaves the folder of model.json"));

  auto not_keras = run_modelquant("keras2pb " + shell_quote(mq::test::example_model_path()) + " -o " +
                                  shell_quote(dir + "/m.pb"));
  CHECK(not_keras.exit_code == 2);
  check_one_line_error(not_keras);
  CHECK_THAT(not_keras.err, Catch::Contains("not a Keras model"));

  std::string copy = dir + "/model.h5";
  std::filesystem::copy_file(keras_data("files/shared_layers_keras2.h5"), copy);
  auto over_input = run_modelquant("keras2pb " + shell_quote(copy) + " -o " + shell_quote(copy));
  CHECK(over_input.exit_code == 2);
  CHECK_THAT(over_input.err, Catch::Contains("refusing to write over the input file"));

  std::string shared = mq::test::shared_dir();
  if (shared.empty() || !std::filesystem::exists(shared + "/keras")) {
    mq::test::announce_skip("keras2pb on the shared LSTM model", "../shared/keras not found");
    return;
  }
  auto lstm = run_modelquant("keras2pb " + shell_quote(shared + "/keras/fdeep_lstm.latest.h5") + " -o " +
                             shell_quote(dir + "/m.pb"));
  CHECK(lstm.exit_code == 2);
  check_one_line_error(lstm);
  CHECK_THAT(lstm.err, Catch::Contains("layer 'lstm_1' (class LSTM) cannot be converted"));
}
