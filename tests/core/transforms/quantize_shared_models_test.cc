// quantize_weights on every real model in ../shared/models, with each scheme:
// the result validates, serializes and parses back to the same bytes, the
// weight-heavy models shrink to at most 30 % of their size, and the
// quantized graphs, run on the evaluator with the models' reference inputs,
// stay close to the float graph. Sizes and errors are printed per model.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "core/eval/evaluator.h"
#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "core/transforms/recipes.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

namespace {

std::string model_name(const std::string& path) { return std::filesystem::path(path).stem().string(); }

tensorflow::GraphDef load(const std::string& path) {
  tensorflow::GraphDef graph;
  mq::Status loaded = mq::load_graph_file(path, &graph);
  INFO(loaded.message());
  REQUIRE(loaded.is_ok());
  return graph;
}

uint64_t serialized_size(const tensorflow::GraphDef& graph) {
  auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  REQUIRE(bytes.is_ok());
  tensorflow::GraphDef parsed;
  REQUIRE(mq::parse_graph(*bytes, "round trip", &parsed).is_ok());
  auto again = mq::serialize_graph(parsed, mq::GraphFormat::kBinary);
  REQUIRE(again.is_ok());
  CHECK(*again == *bytes);
  return bytes->size();
}

// The reference inputs of a model, by reading the run spec's JSON just far
// enough: "inputs": {"<name>": {"file": "<file>", ...}, ...}.
struct Reference {
  std::vector<mq::Feed> feeds;
  std::vector<std::string> outputs;
};

bool read_reference(const std::string& model, Reference* reference) {
  std::string dir = mq::test::shared_dir() + "/models/reference/" + model;
  std::ifstream in(dir + "/reference.json");
  if (!in) return false;
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto section = [&](const std::string& key) {
    size_t start = json.find("\"" + key + "\"");
    size_t open = json.find('{', start);
    int depth = 0;
    size_t i = open;
    for (; i < json.size(); ++i) {
      if (json[i] == '{') ++depth;
      if (json[i] == '}' && --depth == 0) break;
    }
    return json.substr(open + 1, i - open - 1);
  };
  // Top-level keys of a section are the names followed by '{'.
  auto entries = [](const std::string& body) {
    std::vector<std::pair<std::string, std::string>> out;
    int depth = 0;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '{') ++depth;
      if (body[i] == '}') --depth;
      if (depth != 0 || body[i] != '"') continue;
      size_t end = body.find('"', i + 1);
      std::string name = body.substr(i + 1, end - i - 1);
      size_t file = body.find("\"file\"", end);
      size_t q1 = body.find('"', body.find(':', file) + 1);
      size_t q2 = body.find('"', q1 + 1);
      out.emplace_back(name, body.substr(q1 + 1, q2 - q1 - 1));
      i = body.find('}', end);
    }
    return out;
  };
  for (const auto& [name, file] : entries(section("inputs"))) {
    auto tensor = mq::read_npy_file(dir + "/" + file);
    if (!tensor.is_ok()) return false;
    reference->feeds.push_back({name, std::move(tensor).value()});
  }
  for (const auto& [name, file] : entries(section("outputs"))) reference->outputs.push_back(name);
  return !reference->outputs.empty();
}

// Largest |a − b| over every output, relative to the largest |a|.
double relative_difference(const std::vector<mq::Tensor>& a, const std::vector<mq::Tensor>& b) {
  double largest_difference = 0, largest_value = 0;
  for (size_t t = 0; t < a.size(); ++t) {
    REQUIRE(a[t].num_elements() == b[t].num_elements());
    if (a[t].dtype() != tensorflow::DT_FLOAT) continue;
    for (int64_t i = 0; i < a[t].num_elements(); ++i) {
      double x = a[t].data<float>()[i], y = b[t].data<float>()[i];
      largest_difference = std::max(largest_difference, std::fabs(x - y));
      largest_value = std::max(largest_value, std::fabs(x));
    }
  }
  return largest_value > 0 ? largest_difference / largest_value : largest_difference;
}

}  // namespace

TEST_CASE("quantize_weights on every shared model, with every scheme", "[transforms][quantize_weights][shared_models]") {
  // Models whose size is mostly float weights.
  const std::set<std::string> weight_heavy = {"npm_nsfwjs_mobilenet_v2_mid", "mnist_mlp", "tf2onnx_fc-layers"};
  const char* schemes[] = {"quint8", "per_channel_int8", "float16"};
  std::printf("\n%-42s %12s %12s %7s %12s %7s %12s %7s\n", "model (quantize_weights sizes in bytes)", "original",
              "quint8", "%", "int8/chan", "%", "float16", "%");
  for (const std::string& path : mq::test::shared_models()) {
    const std::string name = model_name(path);
    INFO(name);
    tensorflow::GraphDef graph = load(path);
    const uint64_t original = std::filesystem::file_size(path);
    std::vector<uint64_t> sizes;
    for (const char* scheme : schemes) {
      INFO(scheme);
      auto result = mq::test::run_transforms(graph, std::string("quantize_weights(scheme=") + scheme + ")");
      INFO(result.status().message());
      REQUIRE(result.is_ok());
      CHECK(mq::GraphIndex(result->graph).validate().is_ok());
      sizes.push_back(serialized_size(result->graph));
      // The report agrees with the graph: one Dequantize (or Cast) per tensor.
      std::set<std::string> reported;
      for (const auto& tensor : result->steps[0].notes.tensors) reported.insert(tensor.node);
      int replaced = 0;
      for (const auto& node : result->graph.node())
        if (reported.count(node.name())) {
          ++replaced;
          CHECK(node.op() == (std::string(scheme) == "float16" ? "Cast" : "Dequantize"));
        }
      CHECK(replaced == int(reported.size()));
    }
    std::printf("%-42s %12llu %12llu %6.1f%% %12llu %6.1f%% %12llu %6.1f%%\n", name.c_str(),
                (unsigned long long)original, (unsigned long long)sizes[0], 100.0 * sizes[0] / original,
                (unsigned long long)sizes[1], 100.0 * sizes[1] / original, (unsigned long long)sizes[2],
                100.0 * sizes[2] / original);
    if (weight_heavy.count(name)) {
      CHECK(double(sizes[0]) <= 0.30 * double(original));
      CHECK(double(sizes[1]) <= 0.30 * double(original));
      CHECK(double(sizes[2]) <= 0.55 * double(original));
    }
  }
}

TEST_CASE("quantized shared models compute what the float models compute, within each scheme's error",
          "[transforms][quantize_weights][shared_models][evaluate]") {
  // Bounds on the largest output difference relative to the largest output.
  // float16 keeps 11 significant bits per weight, the 8-bit schemes 8 (one
  // range per tensor, or per output channel). On the reference inputs (random
  // images) the deep MobileNet v1 is by far the most sensitive: per-tensor
  // quint8 of its unfolded depthwise filters moves its outputs by up to half
  // their largest value (0.49; per channel 0.21, float16 0.015), every other
  // model stays below 0.12 with any 8-bit scheme and 0.002 with float16.
  const std::vector<std::pair<std::string, double>> schemes = {
      {"quantize_weights", 0.6}, {"quantize_weights(scheme=per_channel_int8)", 0.35},
      {"quantize_weights(scheme=float16)", 0.02}};
  std::printf("\n%-42s %14s %14s %14s\n", "model (largest output error, relative)", "quint8", "int8/chan",
              "float16");
  for (const std::string& path : mq::test::shared_models()) {
    const std::string name = model_name(path);
    INFO(name);
    Reference reference;
    if (!read_reference(name, &reference)) {
      mq::test::announce_skip(name + " evaluation", "no reference inputs");
      continue;
    }
    tensorflow::GraphDef graph = load(path);
    mq::MemoryBudget budget;
    auto expected = mq::evaluate_graph(graph, reference.feeds, reference.outputs, budget);
    if (!expected.is_ok()) {
      mq::test::announce_skip(name + " evaluation", expected.status().message());
      continue;
    }
    std::vector<double> errors;
    for (const auto& [transforms, bound] : schemes) {
      INFO(transforms);
      tensorflow::GraphDef quantized = mq::test::transformed(graph, transforms);
      mq::MemoryBudget quantized_budget;
      auto actual = mq::evaluate_graph(quantized, reference.feeds, reference.outputs, quantized_budget);
      INFO(actual.status().message());
      REQUIRE(actual.is_ok());
      errors.push_back(relative_difference(*expected, *actual));
      CHECK(errors.back() <= bound);
    }
    std::printf("%-42s %14.3g %14.3g %14.3g\n", name.c_str(), errors[0], errors[1], errors[2]);
  }
}

TEST_CASE("optimize_quantize_weights on every shared model: smaller, valid, and computing the same",
          "[transforms][recipes][shared_models][evaluate]") {
  std::printf("\n%-42s %7s %7s %12s %12s %7s %10s\n", "model (optimize_quantize_weights)", "nodes", "after", "bytes",
              "after", "%", "rel. error");
  for (const std::string& path : mq::test::shared_models()) {
    const std::string name = model_name(path);
    INFO(name);
    tensorflow::GraphDef graph = load(path);
    Reference reference;
    const bool has_reference = read_reference(name, &reference);
    auto plan = mq::plan_recipe(graph, "optimize_quantize_weights", "", {}, {});
    if (!plan.is_ok() && has_reference) {
      // A partly unknown input shape: give the reference input's, as a user would with --shape.
      CHECK_THAT(plan.status().message(), Catch::Contains("pass --shape"));
      plan = mq::plan_recipe(graph, "optimize_quantize_weights",
                             [&] {
                               std::string shape;
                               for (int64_t dim : reference.feeds[0].value.shape())
                                 shape += (shape.empty() ? "" : ",") + std::to_string(dim);
                               return shape;
                             }(),
                             {}, {});
    }
    INFO(plan.status().message());
    REQUIRE(plan.is_ok());
    auto list = mq::parse_transform_string(plan->transform_text);
    REQUIRE(list.is_ok());
    auto result = mq::apply_transforms(graph, *list, plan->inputs, plan->outputs);
    INFO(result.status().message());
    REQUIRE(result.is_ok());
    CHECK(mq::GraphIndex(result->graph).validate().is_ok());
    const uint64_t size = serialized_size(result->graph);
    const uint64_t original = std::filesystem::file_size(path);
    CHECK(size <= original);

    double error = -1;
    if (has_reference) {
      mq::MemoryBudget budget, quantized_budget;
      auto expected = mq::evaluate_graph(graph, reference.feeds, reference.outputs, budget);
      if (expected.is_ok()) {
        // The float part of the recipe (everything before quantize_weights)
        // changes nothing but rounding.
        mq::TransformList float_part(list->begin(), list->end() - 1);
        auto folded = mq::apply_transforms(graph, float_part, plan->inputs, plan->outputs);
        REQUIRE(folded.is_ok());
        mq::MemoryBudget folded_budget;
        auto unquantized = mq::evaluate_graph(folded->graph, reference.feeds, reference.outputs, folded_budget);
        INFO(unquantized.status().message());
        REQUIRE(unquantized.is_ok());
        CHECK(relative_difference(*expected, *unquantized) <= 1e-4);
        auto actual = mq::evaluate_graph(result->graph, reference.feeds, reference.outputs, quantized_budget);
        INFO(actual.status().message());
        REQUIRE(actual.is_ok());
        error = relative_difference(*expected, *actual);
        // Per-tensor quint8 of weights into which batch norms were folded is
        // coarser still for MobileNet v1 (0.73 on its random reference
        // images; TensorFlow's own quantized file of it, with 2 tensors
        // quantized, is 0.04 off); every other model stays below 0.12.
        CHECK(error <= 0.8);
      } else {
        mq::test::announce_skip(name + " recipe evaluation", expected.status().message());
      }
    }
    std::printf("%-42s %7d %7d %12llu %12llu %6.1f%% %10.3g\n", name.c_str(), graph.node_size(),
                result->graph.node_size(), (unsigned long long)original, (unsigned long long)size,
                100.0 * size / original, error);
  }
}
