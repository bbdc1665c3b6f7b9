// modelquant transform, recipes and transforms: results, reports and every
// error path (exit code 2, the message, a caret under a broken transform).
#include <catch2/catch.hpp>

#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::example_model_path;
using mq::test::run_modelquant;
using mq::test::shell_quote;

namespace {

tensorflow::GraphDef load(const std::string& path) {
  tensorflow::GraphDef graph;
  mq::Status loaded = mq::load_graph_file(path, &graph);
  INFO(loaded.message());
  REQUIRE(loaded.is_ok());
  return graph;
}

int count_op(const tensorflow::GraphDef& graph, const std::string& op) {
  int count = 0;
  for (const auto& node : graph.node()) count += node.op() == op;
  return count;
}

// "transform EXAMPLE -o OUT REST"
std::string transform_args(const std::string& out, const std::string& rest) {
  return "transform " + shell_quote(example_model_path()) + " -o " + shell_quote(out) + " " + rest;
}

}  // namespace

TEST_CASE("modelquant transform quantizes the example model and reports it", "[cli][transform]") {
  std::string out = mq::test::temp_dir() + "/q.pb";
  auto result = run_modelquant(transform_args(out, "--transforms quantize_weights --report"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  tensorflow::GraphDef graph = load(out);
  CHECK(count_op(graph, "Dequantize") == 2);  // conv3/weights and logits/weights
  CHECK(result.out.rfind("encoding", 0) == 0);
  CHECK(result.out.find("quint8 min_first") != std::string::npos);
  CHECK(result.out.find("total: ") != std::string::npos);
  // The before/after table on stderr.
  CHECK(result.err.find("nodes") != std::string::npos);
  CHECK(result.err.find("before") != std::string::npos);
  CHECK(result.err.find("% of before") != std::string::npos);
}

TEST_CASE("modelquant transform --json prints the run, with detected inputs and outputs", "[cli][transform]") {
  std::string out = mq::test::temp_dir() + "/q.pbtxt";
  auto result = run_modelquant(
      transform_args(out, "--transforms 'quantize_weights(scheme=per_channel_int8) remove_device' --json"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.rfind("{\"inputs\":[\"input\",\"labels\"],\"outputs\":[\"predictions\",\"loss/Mean\"],", 0) == 0);
  CHECK(result.out.find("\"encoding\":\"qint8 per_channel(axis=3)\"") != std::string::npos);
  CHECK(result.out.find("\"name\":\"remove_device\"") != std::string::npos);
  mq::GraphFormat format;
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(out, &graph, &format).is_ok());
  CHECK(format == mq::GraphFormat::kText);  // from the extension
}

TEST_CASE("modelquant transform with given inputs and outputs and text output", "[cli][transform]") {
  std::string out = mq::test::temp_dir() + "/s.pb";
  auto result = run_modelquant(transform_args(
      out, "--inputs input --outputs predictions --output-as-text --transforms 'strip_unused_nodes "
           "remove_nodes(op=Identity, op=CheckNumerics) quantize_weights(scheme=float16)'"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  mq::GraphFormat format;
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(out, &graph, &format).is_ok());
  CHECK(format == mq::GraphFormat::kText);
  CHECK(count_op(graph, "Placeholder") == 1);  // labels stripped
  CHECK(count_op(graph, "Cast") == 2);
  CHECK(count_op(graph, "Identity") == 0);
}

TEST_CASE("modelquant transform points at the character that breaks the transform string", "[cli][transform]") {
  std::string out = mq::test::temp_dir() + "/q.pb";
  auto result = run_modelquant(transform_args(out, "--transforms 'quantize_weights(minimum_size = 16)'"));
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "modelquant: error: --transforms at column 30: expected '=' right after parameter 'minimum_size' of "
        "'quantize_weights', found ' '\n"
        "quantize_weights(minimum_size = 16)\n"
        "                             ^\n");
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("modelquant transform error paths exit with 2", "[cli][transform]") {
  std::string dir = mq::test::temp_dir();
  std::string out = dir + "/q.pb";
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {transform_args(out, "--transforms fold_everything"), "Transform 'fold_everything' not recognized."},
      {transform_args(out, "--transforms 'quantize_weights(minimum=3)'"),
       "transform 'quantize_weights' has no parameter 'minimum'. Its parameters are: minimum_size, scheme, include, "
       "exclude, ignore_errors"},
      {transform_args(out, "--transforms 'quantize_weights(scheme=int4)'"),
       "quantize_weights: unknown scheme 'int4'; use quint8 (the default, TensorFlow's), per_channel_int8 or "
       "float16"},
      {transform_args(out, "--transforms quantize_weights --outputs nowhere"),
       "--outputs names 'nowhere', which is not a node of the graph"},
      {transform_args(out, "--transforms quantize_weights --inputs input,"),
       "--inputs has an empty name; remove the stray ','"},
      {transform_args(out, "--transforms quantize_weights --recipe optimizing_for_deployment"),
       "give either --transforms or --recipe, not both"},
      {transform_args(out, ""), "give --transforms '...' or --recipe NAME (see modelquant recipes)"},
      {transform_args(out, "--transforms quantize_weights --shape 1,2"),
       "--shape goes with --recipe; in --transforms write strip_unused_nodes(shape=\"...\")"},
      {transform_args(out, "--recipe optimise"),
       "unknown recipe 'optimise'; the recipes are optimizing_for_deployment, fix_missing_kernel_errors, "
       "optimize_quantize_weights"},
      {transform_args(out, "--recipe optimizing_for_deployment --shape 1x2"),
       "the shape '1x2' is not a comma-separated list of sizes such as 1,224,224,3"},
      {"transform " + shell_quote(dir + "/missing.pb") + " -o " + shell_quote(out) + " --transforms quantize_weights",
       "missing.pb"},
      {transform_args(out, "--transforms    ' '"), "You must specify at least one transform."},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    auto result = run_modelquant(c.args);
    CHECK(result.exit_code == 2);
    check_one_line_error(result);
    CHECK(result.err.find(c.message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
  }
  // Without -o.
  auto no_output = run_modelquant("transform " + shell_quote(example_model_path()) + " --transforms quantize_weights");
  CHECK(no_output.exit_code == 2);
}

TEST_CASE("modelquant transform refuses to write over its input", "[cli][transform]") {
  std::string dir = mq::test::temp_dir();
  std::string model = dir + "/m.pb";
  std::filesystem::copy_file(example_model_path(), model);
  auto result = run_modelquant("transform " + shell_quote(model) + " -o " + shell_quote(model) +
                               " --transforms quantize_weights");
  CHECK(result.exit_code == 2);
  check_one_line_error(result);
  CHECK(result.err.find("--overwrite-input") != std::string::npos);
  auto allowed = run_modelquant("transform " + shell_quote(model) + " -o " + shell_quote(model) +
                                " --transforms quantize_weights --overwrite-input");
  CHECK(allowed.exit_code == 0);
  CHECK(count_op(load(model), "Dequantize") == 2);
}

TEST_CASE("modelquant transform --recipe", "[cli][transform][recipes]") {
  std::string out = mq::test::temp_dir() + "/r.pb";
  // The example model has two inputs with fully known shapes: no --shape needed.
  auto result = run_modelquant(transform_args(out, "--recipe optimize_quantize_weights --json"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("\"transforms\":\"strip_unused_nodes(name=input, type_for_name=float, "
                        "shape_for_name=\\\"1,64,64,3\\\", name=labels, type_for_name=int64, "
                        "shape_for_name=\\\"1\\\") fold_constants(ignore_errors=true)") != std::string::npos);
  CHECK(count_op(load(out), "Dequantize") == 2);
  CHECK(count_op(load(out), "BatchNormWithGlobalNormalization") == 0);  // folded

  // A partly unknown input shape needs --shape.
  std::string dir = mq::test::temp_dir();
  auto unknown = run_modelquant(transform_args(dir + "/u.pb", "--recipe optimizing_for_deployment") + " --inputs " +
                                "input --outputs predictions");
  REQUIRE(unknown.exit_code == 0);
  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("recipe without --shape on a shared model", "../shared/models not found");
    return;
  }
  auto partial = run_modelquant("transform " + shell_quote(shared + "/models/npm_nsfwjs_mobilenet_v2_mid.pb") +
                                " -o " + shell_quote(dir + "/n.pb") + " --recipe optimize_quantize_weights");
  CHECK(partial.exit_code == 2);
  check_one_line_error(partial);
  CHECK(partial.err.find("input 'input' has shape [?,224,224,3], which is not fully known; pass --shape with every "
                         "size (e.g. --shape 1,224,224,3)") != std::string::npos);
  auto shaped = run_modelquant("transform " + shell_quote(shared + "/models/npm_nsfwjs_mobilenet_v2_mid.pb") +
                               " -o " + shell_quote(dir + "/n.pb") +
                               " --recipe optimize_quantize_weights --shape 1,224,224,3");
  INFO(shaped.err);
  CHECK(shaped.exit_code == 0);
  CHECK(count_op(load(dir + "/n.pb"), "Dequantize") > 50);
}

TEST_CASE("modelquant recipes and transforms list what is available", "[cli][recipes]") {
  auto recipes = run_modelquant("recipes");
  REQUIRE(recipes.exit_code == 0);
  for (const char* text : {"optimizing_for_deployment\n", "fix_missing_kernel_errors\n", "optimize_quantize_weights\n",
                           "      strip_unused_nodes(type=float, shape=\"1,299,299,3\")\n",
                           "      remove_nodes(op=Identity, op=CheckNumerics)\n", "      quantize_weights\n"})
    CHECK(recipes.out.find(text) != std::string::npos);
  auto shaped = run_modelquant("recipes --shape 1,224,224,3");
  CHECK(shaped.out.find("strip_unused_nodes(type=float, shape=\"1,224,224,3\")") != std::string::npos);
  auto recipes_json = run_modelquant("recipes --json");
  REQUIRE(recipes_json.exit_code == 0);
  CHECK(recipes_json.out.rfind("{\"recipes\":[{\"name\":\"optimizing_for_deployment\"", 0) == 0);

  auto transforms = run_modelquant("transforms");
  REQUIRE(transforms.exit_code == 0);
  for (const char* text : {"quantize_weights\n", "round_weights\n", "sparsify_gather\n", "flatten_atrous_conv\n",
                           "strip_unused_nodes\n", "    scheme ", "(string, default quint8)", "(int32, default 1024)",
                           "ignore_errors"})
    CHECK(transforms.out.find(text) != std::string::npos);
  auto transforms_json = run_modelquant("transforms --json");
  REQUIRE(transforms_json.exit_code == 0);
  CHECK(transforms_json.out.rfind("{\"transforms\":[", 0) == 0);
  CHECK(transforms_json.out.find("{\"name\":\"quantize_weights\",") != std::string::npos);
}
