// Runs every shared model with its reference inputs and compares with the
// reference outputs (shared/models/reference/<model>/reference.json).
// Models listed in kModelsExpectedToRun must match; for the others the test
// reports which op kernels are still missing, and fails once a model has
// every kernel it needs but is not in the list (add it there).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/eval/evaluator.h"
#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "tests/test_support.h"

namespace mq {
namespace {

// The models whose every needed kernel exists in this build.
const std::set<std::string> kModelsExpectedToRun = {
    "char_rnn_receipts",
    "cms_tracktf_ckf_run3",
    "har_lstm",
    "mnist_mlp",
    "mnist_onnx_tf",
    "npm_human_selfie",
    "npm_nsfwjs_mobilenet_v2_mid",
    "poets_mobilenet_v1_0.25_128_frozen",
    "poets_mobilenet_v1_0.25_128_quantized",
    "tf2onnx_fc-layers",
    "tf2onnx_lstm",
    "tf2onnx_regression",
};

// The deep LSTMs accumulate more float error (shared/models/README.md).
bool is_deep_lstm(const std::string& model) {
  return model == "har_lstm" || model == "tf2onnx_lstm" || model == "char_rnn_receipts";
}

// Ops of the nodes `outputs` need (walking data inputs, stopping at fed
// nodes) that have no kernel.
std::set<std::string> missing_kernels(const tensorflow::GraphDef& graph, const std::set<std::string>& fed,
                                      const std::vector<std::string>& outputs) {
  GraphIndex index(graph);
  std::set<std::string> missing;
  std::vector<int> stack;
  std::vector<bool> seen(static_cast<size_t>(graph.node_size()), false);
  for (const std::string& output : outputs) stack.push_back(index.index_of(node_name_of(output)));
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    if (node < 0 || seen[node]) continue;
    seen[node] = true;
    const tensorflow::NodeDef& def = graph.node(node);
    if (fed.count(def.name())) continue;
    if (!KernelTable::global().find(def.op())) missing.insert(def.op());
    for (const std::string& input : def.input())
      if (input.empty() || input[0] != '^') stack.push_back(index.index_of(node_name_of(input)));
  }
  return missing;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Largest |actual - expected| / (atol + rtol * |expected|); <= 1 passes.
double worst_error_ratio(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  double worst = 0;
  for (int64_t i = 0; i < expected.num_elements(); ++i) {
    double a = actual.data<float>()[i], e = expected.data<float>()[i];
    double ratio = std::isfinite(a) ? std::abs(a - e) / (atol + rtol * std::abs(e)) : INFINITY;
    worst = std::max(worst, ratio);
  }
  return worst;
}

TEST_CASE("shared models reproduce their reference outputs", "[eval][models]") {
  std::string shared = test::shared_dir();
  if (shared.empty()) {
    test::announce_skip("reference model runs", "../shared not found");
    return;
  }
  std::string reference_root = shared + "/models/reference";
  std::vector<std::string> models;
  for (const auto& entry : std::filesystem::directory_iterator(reference_root))
    if (std::filesystem::exists(entry.path() / "reference.json")) models.push_back(entry.path().filename().string());
  std::sort(models.begin(), models.end());
  REQUIRE(models.size() >= 12);

  int matched = 0;
  for (const std::string& model : models) {
    std::string folder = reference_root + "/" + model;
    std::ifstream json_file(folder + "/reference.json");
    nlohmann::json spec = nlohmann::json::parse(json_file);
    tensorflow::GraphDef graph;
    Status loaded = load_graph_file(shared + "/models/" + spec["model"].get<std::string>(), &graph);
    INFO(model << ": " << loaded.message());
    REQUIRE(loaded.is_ok());

    std::vector<Feed> feeds;
    std::set<std::string> fed;
    for (const auto& [name, input] : spec["inputs"].items()) {
      StatusOr<Tensor> value = read_npy_file(folder + "/" + input["file"].get<std::string>());
      REQUIRE(value.is_ok());
      feeds.push_back({name, *value});
      fed.insert(name);
    }
    std::vector<std::string> output_names;
    std::vector<Tensor> expected;
    for (const auto& [name, output] : spec["outputs"].items()) {
      StatusOr<Tensor> value = read_npy_file(folder + "/" + output["file"].get<std::string>());
      REQUIRE(value.is_ok());
      REQUIRE(value->dtype() == tensorflow::DT_FLOAT);
      output_names.push_back(name);
      expected.push_back(*value);
    }

    bool expected_to_run = kModelsExpectedToRun.count(model) > 0;
    std::set<std::string> missing = missing_kernels(graph, fed, output_names);
    if (!missing.empty()) {
      std::cout << "MISSING KERNELS: " << model << " cannot run yet; no kernel for: " << join(missing) << std::endl;
      WARN(model << ": no kernel for " << join(missing));
      CHECK_FALSE(expected_to_run);
      continue;
    }
    MemoryBudget budget;
    StatusOr<std::vector<Tensor>> outputs = evaluate_graph(graph, feeds, output_names, budget);
    INFO(model << ": " << outputs.status().message());
    REQUIRE(outputs.is_ok());
    double rtol = is_deep_lstm(model) ? 1e-3 : 1e-4;
    double atol = is_deep_lstm(model) ? 1e-4 : 1e-5;
    for (size_t i = 0; i < expected.size(); ++i) {
      const Tensor& actual = (*outputs)[i];
      INFO(model << " output " << output_names[i]);
      REQUIRE(actual.dtype() == tensorflow::DT_FLOAT);
      REQUIRE(actual.shape() == expected[i].shape());
      double worst = worst_error_ratio(actual, expected[i], rtol, atol);
      std::cout << "MODEL " << model << " output " << output_names[i] << ": worst error / tolerance = " << worst
                << " (peak " << budget.peak() << " bytes)" << std::endl;
      CHECK(worst <= 1.0);
    }
    ++matched;
    // Every kernel exists: the model belongs in the list of those expected to run.
    INFO(model << " has every kernel it needs; add it to kModelsExpectedToRun");
    CHECK(expected_to_run);
  }
  CHECK(matched >= static_cast<int>(kModelsExpectedToRun.size()));
}

}  // namespace
}  // namespace mq
