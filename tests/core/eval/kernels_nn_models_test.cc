// The shared frozen models run through the evaluator on their reference
// inputs must reproduce the reference outputs (computed by an independent
// TensorFlow executor) within the tolerance the models' README states.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/evaluator.h"
#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "tests/test_support.h"

namespace {

struct Difference {
  double max_absolute = 0;
  double max_relative = 0;  // |actual − expected| / max(|expected|, 1e-3)
  int64_t outside = 0;      // elements beyond absolute + relative × |expected|
};

Difference compare(const mq::Tensor& actual, const mq::Tensor& expected, double absolute, double relative) {
  Difference difference;
  for (int64_t i = 0; i < expected.num_elements(); ++i) {
    const double a = actual.data<float>()[i];
    const double e = expected.data<float>()[i];
    const double error = std::fabs(a - e);
    difference.max_absolute = std::max(difference.max_absolute, error);
    difference.max_relative = std::max(difference.max_relative, error / std::max(std::fabs(e), 1e-3));
    if (!(error <= absolute + relative * std::fabs(e))) ++difference.outside;
  }
  return difference;
}

// Deep recurrent models accumulate float rounding over hundreds of steps.
double relative_tolerance(const std::string& model) {
  if (model == "har_lstm" || model == "tf2onnx_lstm" || model == "char_rnn_receipts") return 1e-3;
  return 1e-4;
}

}  // namespace

TEST_CASE("Shared models reproduce their reference outputs", "[nn][models]") {
  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("shared model references", "../shared is absent");
    return;
  }
  const std::string reference_root = shared + "/models/reference";
  const std::vector<std::string> models = {
      "char_rnn_receipts",  "cms_tracktf_ckf_run3",
      "har_lstm",           "mnist_mlp",
      "mnist_onnx_tf",      "npm_human_selfie",
      "npm_nsfwjs_mobilenet_v2_mid", "poets_mobilenet_v1_0.25_128_frozen",
      "poets_mobilenet_v1_0.25_128_quantized", "tf2onnx_fc-layers",
      "tf2onnx_lstm",       "tf2onnx_regression"};
  for (const std::string& model : models) {
    SECTION(model) {
      const std::string folder = reference_root + "/" + model;
      const nlohmann::json reference = nlohmann::json::parse(mq::test::read_bytes(folder + "/reference.json"));
      tensorflow::GraphDef graph;
      mq::Status loaded = mq::load_graph_file(shared + "/models/" + reference["model"].get<std::string>(), &graph);
      INFO(loaded.message());
      REQUIRE(loaded.is_ok());

      std::vector<mq::Feed> feeds;
      for (const auto& [name, description] : reference["inputs"].items()) {
        mq::StatusOr<mq::Tensor> value = mq::read_npy_file(folder + "/" + description["file"].get<std::string>());
        INFO(value.status().message());
        REQUIRE(value.is_ok());
        feeds.push_back({name, *value});
      }
      std::vector<std::string> output_names;
      std::vector<mq::Tensor> expected;
      for (const auto& [name, description] : reference["outputs"].items()) {
        output_names.push_back(name);
        mq::StatusOr<mq::Tensor> value = mq::read_npy_file(folder + "/" + description["file"].get<std::string>());
        REQUIRE(value.is_ok());
        expected.push_back(*value);
      }

      mq::MemoryBudget budget;
      mq::StatusOr<std::vector<mq::Tensor>> outputs = mq::evaluate_graph(graph, feeds, output_names, budget);
      INFO(outputs.status().message());
      REQUIRE(outputs.is_ok());
      for (size_t i = 0; i < output_names.size(); ++i) {
        const mq::Tensor& actual = (*outputs)[i];
        INFO(model << " output " << output_names[i]);
        REQUIRE(actual.dtype() == tensorflow::DT_FLOAT);
        REQUIRE(actual.shape() == expected[i].shape());
        const double tolerance = relative_tolerance(model);
        const Difference difference = compare(actual, expected[i], 1e-5, tolerance);
        INFO("max abs error " << difference.max_absolute << ", max rel error " << difference.max_relative);
        CHECK(difference.outside == 0);
      }
    }
  }
}
