// The library API: the seed's file-based transform_graph / summarize_graph,
// the in-memory transform used by the wasm module, and error pointing.
#include "core/api.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/io/file.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

using mq::test::add_float_const;
using mq::test::add_node;
using Names = std::vector<std::string>;

namespace {

tensorflow::GraphDef small_model() {
  tensorflow::GraphDef graph;
  auto* input = add_node(&graph, "input", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* shape = (*input->mutable_attr())["shape"].mutable_shape();
  shape->add_dim()->set_size(1);
  shape->add_dim()->set_size(64);
  std::vector<float> weights(64 * 32);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = float(int(i % 17) - 8) / 8.0f;
  add_float_const(&graph, "w", {64, 32}, weights);
  add_node(&graph, "w/read", "Identity", {"w"});
  auto* matmul = add_node(&graph, "mm", "MatMul", {"input", "w/read"});
  (*matmul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  add_node(&graph, "check", "CheckNumerics", {"mm"});
  add_node(&graph, "out", "Relu", {"check"});
  add_node(&graph, "unused", "Relu", {"input"});
  return graph;
}

std::string write_model(const tensorflow::GraphDef& graph) {
  std::string path = mq::test::temp_dir() + "/model.pb";
  REQUIRE(mq::save_graph_file(graph, path, mq::GraphFormat::kBinary).is_ok());
  return path;
}

}  // namespace

TEST_CASE("api::transform_graph reads, transforms and writes like the seed's", "[api]") {
  std::string path = write_model(small_model());
  std::string dir = mq::test::temp_dir();
  mq::Status status = mq::api::transform_graph(
      path, dir, "model_opt.pb", {"input"}, {"out"},
      {"strip_unused_nodes(type=float, shape=\"1,64\")", "remove_nodes(op=Identity, op=CheckNumerics)",
       "quantize_weights"});
  INFO(status.message());
  REQUIRE(status.is_ok());
  tensorflow::GraphDef out;
  REQUIRE(mq::load_graph_file(dir + "/model_opt.pb", &out).is_ok());
  CHECK(mq::test::node_names(out) ==
        Names{"input", "w_quantized_const", "w_quantized_min", "w_quantized_max", "w", "mm", "out"});

  // A text file name gives a text file.
  REQUIRE(mq::api::transform_graph(path, dir + "/", "model.pbtxt", {"input"}, {"out"}, {"remove_device"}).is_ok());
  mq::GraphFormat format;
  tensorflow::GraphDef text;
  REQUIRE(mq::load_graph_file(dir + "/model.pbtxt", &text, &format).is_ok());
  CHECK(format == mq::GraphFormat::kText);

  mq::Status unknown = mq::api::transform_graph(path, dir, "x.pb", {}, {}, {"fold_everything"});
  CHECK(unknown.message() == "Transform 'fold_everything' not recognized.");
  CHECK_FALSE(mq::api::transform_graph(path, dir, "x.pb", {}, {}, {}).is_ok());
  CHECK(mq::api::transform_graph(dir + "/missing.pb", dir, "x.pb", {}, {}, {"remove_device"}).message().find(
            "missing.pb") != std::string::npos);
}

TEST_CASE("api::summarize_graph reads a file", "[api]") {
  std::string path = write_model(small_model());
  auto summary = mq::api::summarize_graph(path);
  REQUIRE(summary.is_ok());
  REQUIRE(summary->inputs.size() == 1);
  CHECK(summary->inputs[0].name == "input");
  CHECK(summary->const_parameter_count == 64 * 32);
  CHECK(summary->file_size == std::filesystem::file_size(path));
  CHECK_FALSE(mq::api::summarize_graph(path + ".missing").is_ok());
}

TEST_CASE("api::transform detects inputs and outputs, and checks the ones given", "[api]") {
  mq::api::TransformRequest request;
  request.transforms = "strip_unused_nodes quantize_weights";
  auto outcome = mq::api::transform(small_model(), request);
  INFO(outcome.status().message());
  REQUIRE(outcome.is_ok());
  CHECK(outcome->inputs == Names{"input"});
  CHECK(outcome->outputs == Names{"out", "unused"});
  CHECK(outcome->nodes_before == 7);
  CHECK(outcome->nodes_after == 10);
  CHECK(outcome->bytes_after < outcome->bytes_before / 2);
  std::string json = mq::api::transform_report_json(*outcome);
  CHECK(json.rfind("{\"inputs\":[\"input\"],\"outputs\":[\"out\",\"unused\"],\"transforms\":\"strip_unused_nodes "
                   "quantize_weights\",\"before\":{\"nodes\":7,",
                   0) == 0);
  CHECK(json.find("\"tensors\":[{\"node\":\"w\",\"encoding\":\"quint8 min_first\",\"elements\":2048,"
                  "\"bytes_before\":8192,\"bytes_after\":2056,") != std::string::npos);

  request.outputs = {"out", "nowhere:0"};
  auto missing = mq::api::transform(small_model(), request);
  CHECK(missing.status().message() == "--outputs names 'nowhere:0', which is not a node of the graph");
  request.outputs = {};
  request.inputs = {"input", ""};
  CHECK(mq::api::transform(small_model(), request).status().message() ==
        "--inputs has an empty name; remove the stray ','");

  // TensorFlow's way: names passed on untouched, nothing detected.
  mq::api::TransformRequest gtt;
  gtt.transforms = "remove_device";
  gtt.detect_missing_names = false;
  gtt.outputs = {"nowhere"};
  auto passed_on = mq::api::transform(small_model(), gtt);
  REQUIRE(passed_on.is_ok());
  CHECK(passed_on->inputs.empty());
}

TEST_CASE("api::transform runs recipes and rejects incomplete requests", "[api]") {
  mq::api::TransformRequest request;
  CHECK(mq::api::transform(small_model(), request).status().message() ==
        "nothing to do: give a transform string (e.g. quantize_weights) or a recipe");
  request.transforms = "remove_device";
  request.recipe = "optimizing_for_deployment";
  CHECK(mq::api::transform(small_model(), request).status().message() ==
        "give either a transform string or a recipe, not both");
  request.recipe.clear();
  request.shape = "1,2";
  CHECK_FALSE(mq::api::transform(small_model(), request).is_ok());
  request.transforms = "   ";
  request.shape.clear();
  CHECK(mq::api::transform(small_model(), request).status().message() == "You must specify at least one transform.");
  request.transforms = "remove_nodes(op=Identity";
  auto dropped = mq::api::transform(small_model(), request);
  CHECK(dropped.status().message() == "You must specify at least one transform.");

  mq::api::TransformRequest recipe;
  recipe.recipe = "optimizing_for_deployment";
  auto planned = mq::api::transform(small_model(), recipe);
  INFO(planned.status().message());
  REQUIRE(planned.is_ok());
  CHECK(planned->transforms.rfind("strip_unused_nodes(type=float, shape=\"1,64\") remove_nodes(", 0) == 0);
  CHECK(mq::test::node_names(planned->graph) == Names{"input", "w", "mm", "out", "unused"});
  recipe.shape = "1,64";
  recipe.recipe = "optimize_quantize_weights";
  auto quantized = mq::api::transform(small_model(), recipe);
  REQUIRE(quantized.is_ok());
  CHECK(planned->transforms.find("quantize_weights") == std::string::npos);
  CHECK(quantized->transforms.rfind("strip_unused_nodes(type=float, shape=\"1,64\") fold_constants", 0) == 0);
  CHECK(quantized->transforms.find(" quantize_weights") != std::string::npos);
}

TEST_CASE("api::transform_bytes gives the bytes a file run writes", "[api]") {
  tensorflow::GraphDef graph = small_model();
  std::string path = write_model(graph);
  std::string dir = mq::test::temp_dir();
  REQUIRE(mq::api::transform_graph(path, dir, "out.pb", {"input"}, {"out"}, {"quantize_weights"}).is_ok());
  mq::api::TransformRequest request;
  request.transforms = "quantize_weights";
  request.inputs = {"input"};
  request.outputs = {"out"};
  auto model = mq::read_file(path);
  REQUIRE(model.is_ok());
  auto transformed = mq::api::transform_bytes(*model, "model.pb", request, mq::GraphFormat::kBinary);
  REQUIRE(transformed.is_ok());
  CHECK(transformed->bytes == mq::test::read_bytes(dir + "/out.pb"));
  CHECK(transformed->outcome.graph.node_size() == 0);
  CHECK(transformed->outcome.steps.size() == 1);

  auto broken = mq::api::transform_bytes("garbage", "g.pb", request, mq::GraphFormat::kBinary);
  REQUIRE_FALSE(broken.is_ok());
  CHECK_THAT(broken.status().message(), Catch::StartsWith("g.pb"));
}

TEST_CASE("api::point_at_error puts a caret under the offending character", "[api]") {
  const std::string text = "quantize_weights(minimum_size = 16)";
  mq::TransformStringError error;
  REQUIRE_FALSE(mq::parse_transform_string(text, &error).is_ok());
  CHECK(mq::api::point_at_error(text, error) == text + "\n" + std::string(29, ' ') + "^");

  const std::string lines = "fold_constants\n  remove_nodes(op=Identity,, op=X)";
  REQUIRE_FALSE(mq::parse_transform_string(lines, &error).is_ok());
  CHECK(error.line == 2);
  CHECK(mq::api::point_at_error(lines, error) ==
        "  remove_nodes(op=Identity,, op=X)\n" + std::string(error.column - 1, ' ') + "^");
}
