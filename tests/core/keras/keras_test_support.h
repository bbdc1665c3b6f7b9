// What the Keras import tests share: reading fixtures (TensorFlow.js
// folders, .npy inputs and reference outputs made by
// scripts/make_keras_references.mjs), converting, running the graph on the
// evaluator and comparing with the reference (NumPy's allclose rule,
// rtol 1e-4, atol 1e-5).
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/compare.h"
#include "core/eval/evaluator.h"
#include "core/io/npy.h"
#include "core/keras/keras_model.h"
#include "core/keras/keras_to_graph.h"
#include "tests/test_support.h"

namespace mq::keras::test {

constexpr double kRelativeTolerance = 1e-4;
constexpr double kAbsoluteTolerance = 1e-5;

template <typename T>
T value_of(StatusOr<T> result) {
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  return std::move(result).value();
}

inline std::string keras_data(const std::string& relative) { return mq::test::test_data("keras/" + relative); }

inline nlohmann::json references() {
  return nlohmann::json::parse(mq::test::read_bytes(keras_data("references.json")));
}

// ../shared/keras, or "" (with a SKIPPED line) when it is absent.
inline std::string shared_keras_dir(const std::string& what) {
  std::string shared = mq::test::shared_dir();
  std::error_code error;
  if (shared.empty() || !std::filesystem::is_directory(shared + "/keras", error)) {
    mq::test::announce_skip(what, "../shared/keras not found (set MQ_SHARED_DIR)");
    return "";
  }
  return shared + "/keras";
}

// The bytes of a model and the files it needs; `source()` views them.
struct ModelFiles {
  std::string name;
  std::string model;
  std::string config;
  std::map<std::string, std::string> weight_files;

  KerasSource source() const {
    KerasSource source;
    source.model = model;
    source.name = name;
    source.config_json = config;
    for (const auto& [path, bytes] : weight_files) source.weight_files[path] = bytes;
    return source;
  }
};

inline ModelFiles model_file(const std::string& path, const std::string& config_path = "") {
  ModelFiles files;
  files.name = std::filesystem::path(path).filename().string();
  files.model = mq::test::read_bytes(path);
  if (!config_path.empty()) files.config = mq::test::read_bytes(config_path);
  return files;
}

// A TensorFlow.js folder: model.json and the weight files it lists.
inline ModelFiles tensorflowjs_folder(const std::string& folder) {
  ModelFiles files = model_file(folder + "/model.json");
  for (const std::string& path : value_of(tensorflowjs_weight_paths(files.model, files.name)))
    files.weight_files[path] = mq::test::read_bytes(folder + "/" + path);
  return files;
}

inline std::vector<Tensor> read_npy_files(const std::string& folder, const std::string& prefix, int count) {
  std::vector<Tensor> tensors;
  for (int i = 0; i < count; ++i)
    tensors.push_back(value_of(read_npy_file(folder + "/" + prefix + "_" + std::to_string(i) + ".npy")));
  return tensors;
}

inline std::vector<Tensor> run_graph(const KerasGraph& converted, const std::vector<Tensor>& inputs) {
  REQUIRE(converted.inputs.size() == inputs.size());
  std::vector<Feed> feeds;
  for (size_t i = 0; i < inputs.size(); ++i) feeds.push_back(Feed{converted.inputs[i], inputs[i]});
  MemoryBudget budget;
  return value_of(evaluate_graph(converted.graph, feeds, converted.outputs, budget));
}

// Runs the graph and checks every output against its reference; returns
// the largest relative error seen (|actual − expected| / max(|expected|, 1e-3)).
inline double check_against_references(const KerasGraph& converted, const std::vector<Tensor>& inputs,
                                       const std::vector<Tensor>& expected) {
  std::vector<Tensor> actual = run_graph(converted, inputs);
  REQUIRE(actual.size() == expected.size());
  double worst = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    OutputDifference difference =
        compare_tensors(converted.outputs[i], expected[i], actual[i], kRelativeTolerance, kAbsoluteTolerance);
    INFO("output " << i << " (" << converted.outputs[i] << "): " << difference.problem << " max abs error "
                   << difference.max_abs_error << ", max rel error " << difference.max_rel_error << ", "
                   << difference.mismatched << " of " << difference.elements << " outside tolerance");
    CHECK(difference.within_tolerance);
    CHECK(difference.elements > 0);
    if (expected[i].dtype() == tensorflow::DT_FLOAT) {
      auto e = expected[i].flat<float>();
      auto a = actual[i].flat<float>();
      for (Eigen::Index k = 0; k < e.size() && k < a.size(); ++k)
        worst = std::max(worst, static_cast<double>(std::abs(a[k] - e[k]) / std::max(std::abs(e[k]), 1e-3f)));
    }
  }
  return worst;
}

inline const tensorflow::NodeDef* find_node(const tensorflow::GraphDef& graph, const std::string& name) {
  for (const tensorflow::NodeDef& node : graph.node())
    if (node.name() == name) return &node;
  return nullptr;
}

inline std::map<std::string, int> op_counts(const tensorflow::GraphDef& graph) {
  std::map<std::string, int> counts;
  for (const tensorflow::NodeDef& node : graph.node()) ++counts[node.op()];
  return counts;
}

}  // namespace mq::keras::test
