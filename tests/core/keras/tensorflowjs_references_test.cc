// Every small TensorFlow.js Layers model in tests/data/keras/tfjs (made by
// scripts/make_keras_references.mjs, one or a few layer types each, seeded
// random weights, float32 and quantized) converts to a graph whose outputs
// on the evaluator match what TensorFlow.js computed.
#include <catch2/catch.hpp>
#include <iostream>

#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;

}  // namespace

TEST_CASE("Keras import: TensorFlow.js models match TensorFlow.js's outputs", "[keras]") {
  nlohmann::json refs = references();
  REQUIRE(refs["tfjs"].size() >= 18);
  for (const nlohmann::json& entry : refs["tfjs"]) {
    std::string name = entry["name"].get<std::string>();
    DYNAMIC_SECTION(name) {
      std::string folder = keras_data("tfjs/" + name);
      ModelFiles files = tensorflowjs_folder(folder);
      KerasGraph converted = value_of(keras_to_graph(files.source()));
      std::vector<mq::Tensor> inputs = read_npy_files(folder, "input", entry["inputs"].get<int>());
      std::vector<mq::Tensor> expected = read_npy_files(folder, "output", entry["outputs"].get<int>());
      double worst = check_against_references(converted, inputs, expected);
      std::cout << "keras tfjs/" << name << ": " << converted.graph.node_size() << " nodes, max relative error "
                << worst << "\n";
    }
  }
}

TEST_CASE("Keras import: TensorFlow.js quantized weights decode as TensorFlow.js decodes them", "[keras]") {
  // The quantized copies differ from the float32 model by the rounding of their weights only.
  std::string folder = keras_data("tfjs/conv2d");
  KerasModel original = value_of(read_keras_model(tensorflowjs_folder(folder).source()));
  for (const char* dtype : {"uint8", "uint16", "float16"}) {
    DYNAMIC_SECTION(dtype) {
      ModelFiles files = tensorflowjs_folder(folder + "_" + dtype);
      KerasModel quantized = value_of(read_keras_model(files.source()));
      REQUIRE(quantized.weights.size() == original.weights.size());
      double bound = std::string(dtype) == "uint8" ? 4e-3 : std::string(dtype) == "uint16" ? 2e-5 : 1e-3;
      for (const auto& [layer, weights] : original.weights) {
        const std::vector<LayerWeight>& other = quantized.weights.at(layer);
        REQUIRE(other.size() == weights.size());
        for (size_t i = 0; i < weights.size(); ++i) {
          REQUIRE(other[i].value.shape() == weights[i].value.shape());
          auto a = weights[i].value.flat<float>();
          auto b = other[i].value.flat<float>();
          double largest = 0;
          for (Eigen::Index k = 0; k < a.size(); ++k) largest = std::max(largest, std::abs(double(a[k]) - b[k]));
          INFO(layer << "/" << weights[i].name);
          CHECK(largest <= bound);
          CHECK(largest > 0);  // really quantized
        }
      }
    }
  }
}
