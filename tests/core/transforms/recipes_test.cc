// The recipes: the seed's exact lists, their *_for_shape variants, and
// plan_recipe filling in inputs, outputs and shapes from the graph.
#include <catch2/catch.hpp>

#include "core/transforms/recipes.h"
#include "core/transforms/registry.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using Names = std::vector<std::string>;

namespace {

tensorflow::NodeDef* add_placeholder(tensorflow::GraphDef* graph, const std::string& name, tensorflow::DataType type,
                                     std::vector<int64_t> dims, bool unknown_rank = false) {
  auto* node = add_node(graph, name, "Placeholder");
  (*node->mutable_attr())["dtype"].set_type(type);
  auto* shape = (*node->mutable_attr())["shape"].mutable_shape();
  if (unknown_rank) shape->set_unknown_rank(true);
  for (int64_t dim : dims) shape->add_dim()->set_size(dim);
  return node;
}

tensorflow::GraphDef one_input_graph(std::vector<int64_t> dims) {
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "image", tensorflow::DT_FLOAT, dims);
  add_node(&graph, "id", "Identity", {"image"});
  add_node(&graph, "softmax", "Softmax", {"id"});
  return graph;
}

}  // namespace

TEST_CASE("the recipes are the seed's lists", "[transforms][recipes]") {
  CHECK(mq::optimizing_for_deployment() ==
        Names{"strip_unused_nodes(type=float, shape=\"1,299,299,3\")", "remove_nodes(op=Identity, op=CheckNumerics)",
              "fold_constants(ignore_errors=true)", "fold_batch_norms", "fold_old_batch_norms"});
  CHECK(mq::fix_missing_kernel_errors() ==
        Names{"strip_unused_nodes(type=float, shape=\"1,299,299,3\")", "fold_constants(ignore_errors=true)",
              "fold_batch_norms", "fold_old_batch_norms"});
  CHECK(mq::optimize_quantize_weights() ==
        Names{"strip_unused_nodes(type=float, shape=\"1,299,299,3\")", "fold_constants(ignore_errors=true)",
              "fold_batch_norms", "fold_old_batch_norms", "quantize_weights"});
  CHECK(mq::get_optimizing_for_deployment_for_shape("1,224,224,3")[0] ==
        "strip_unused_nodes(type=float, shape=\"1,224,224,3\")");
  CHECK(mq::get_fix_missing_kernel_errors_for_shape("1,28,28,1")[0] ==
        "strip_unused_nodes(type=float, shape=\"1,28,28,1\")");
  CHECK(mq::get_optimize_quantize_weights_for_shape("2,3").back() == "quantize_weights");
  // Every entry parses.
  for (const mq::Recipe& recipe : mq::recipe_table())
    for (const std::string& transform : recipe.with_strip("strip_unused_nodes(type=float, shape=\"1,2\")"))
      CHECK(mq::parse_transform_string(transform).is_ok());
  CHECK(mq::find_recipe("fix_missing_kernel_errors") != nullptr);
  CHECK(mq::find_recipe("optimise") == nullptr);
  CHECK(mq::describe_recipes_json().rfind("{\"recipes\":[{\"name\":\"optimizing_for_deployment\",\"help\":", 0) == 0);
}

TEST_CASE("plan_recipe takes the shape from the input Placeholder", "[transforms][recipes]") {
  auto plan = mq::plan_recipe(one_input_graph({1, 28, 28, 1}), "optimizing_for_deployment", "", {}, {});
  INFO(plan.status().message());
  REQUIRE(plan.is_ok());
  CHECK(plan->inputs == Names{"image"});
  CHECK(plan->outputs == Names{"softmax"});
  CHECK(plan->transforms[0] == "strip_unused_nodes(type=float, shape=\"1,28,28,1\")");
  CHECK(plan->transform_text ==
        "strip_unused_nodes(type=float, shape=\"1,28,28,1\") remove_nodes(op=Identity, op=CheckNumerics) "
        "fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms");
}

TEST_CASE("plan_recipe uses a given shape and given names as they are", "[transforms][recipes]") {
  auto plan = mq::plan_recipe(one_input_graph({-1, 28, 28, 1}), "fix_missing_kernel_errors", "1,224,224,3", {"id"},
                              {"softmax:0"});
  REQUIRE(plan.is_ok());
  CHECK(plan->inputs == Names{"id"});
  CHECK(plan->outputs == Names{"softmax:0"});
  CHECK(plan->transforms == mq::get_fix_missing_kernel_errors_for_shape("1,224,224,3"));
}

TEST_CASE("plan_recipe never guesses a shape", "[transforms][recipes]") {
  auto partial = mq::plan_recipe(one_input_graph({-1, 224, 224, 3}), "optimize_quantize_weights", "", {}, {});
  REQUIRE_FALSE(partial.is_ok());
  CHECK(partial.status().message() ==
        "input 'image' has shape [?,224,224,3], which is not fully known; pass --shape with every size (e.g. "
        "--shape 1,224,224,3)");

  tensorflow::GraphDef unknown_rank;
  add_placeholder(&unknown_rank, "x", tensorflow::DT_FLOAT, {}, true);
  add_node(&unknown_rank, "y", "Relu", {"x"});
  auto unknown = mq::plan_recipe(unknown_rank, "optimizing_for_deployment", "", {}, {});
  REQUIRE_FALSE(unknown.is_ok());
  CHECK(unknown.status().message() ==
        "input 'x' has shape <unknown>, which is not fully known; pass --shape with every size (e.g. --shape "
        "1,224,224,3)");

  auto not_placeholder = mq::plan_recipe(one_input_graph({1, 2}), "optimizing_for_deployment", "", {"id"}, {});
  REQUIRE_FALSE(not_placeholder.is_ok());
  CHECK(not_placeholder.status().message() ==
        "input 'id' is not a Placeholder, so its shape is unknown; pass --shape (e.g. --shape 1,224,224,3)");
}

TEST_CASE("plan_recipe names every input's type and shape when there are several", "[transforms][recipes]") {
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "tokens", tensorflow::DT_INT32, {1, 10});
  add_placeholder(&graph, "scale", tensorflow::DT_FLOAT, {1});
  add_node(&graph, "out", "Mul", {"tokens", "scale"});
  auto plan = mq::plan_recipe(graph, "fix_missing_kernel_errors", "", {}, {});
  REQUIRE(plan.is_ok());
  CHECK(plan->transforms[0] ==
        "strip_unused_nodes(name=tokens, type_for_name=int32, shape_for_name=\"1,10\", name=scale, "
        "type_for_name=float, shape_for_name=\"1\")");
  CHECK(mq::parse_transform_string(plan->transform_text).is_ok());

  tensorflow::GraphDef scalar;
  add_placeholder(&scalar, "x", tensorflow::DT_FLOAT, {});
  add_node(&scalar, "y", "Relu", {"x"});
  auto scalar_plan = mq::plan_recipe(scalar, "fix_missing_kernel_errors", "", {}, {});
  REQUIRE(scalar_plan.is_ok());
  CHECK(scalar_plan->transforms[0] == "strip_unused_nodes(type=float)");
}

TEST_CASE("plan_recipe errors", "[transforms][recipes]") {
  auto graph = one_input_graph({1, 2});
  auto unknown = mq::plan_recipe(graph, "optimise", "", {}, {});
  REQUIRE_FALSE(unknown.is_ok());
  CHECK(unknown.status().message() ==
        "unknown recipe 'optimise'; the recipes are optimizing_for_deployment, fix_missing_kernel_errors, "
        "optimize_quantize_weights");
  auto bad_shape = mq::plan_recipe(graph, "optimizing_for_deployment", "1x224x224x3", {}, {});
  REQUIRE_FALSE(bad_shape.is_ok());
  CHECK(bad_shape.status().message() ==
        "the shape '1x224x224x3' is not a comma-separated list of sizes such as 1,224,224,3");
  CHECK_FALSE(mq::plan_recipe(graph, "optimizing_for_deployment", "1,,3", {}, {}).is_ok());
  CHECK(mq::plan_recipe(graph, "optimizing_for_deployment", "-1,3", {}, {}).is_ok());
}

TEST_CASE("each recipe runs end to end: strip, remove, fold constants and batch norms, quantize",
          "[transforms][recipes]") {
  // input → Conv2D(weights · 1) → Mul(scale) → Identity → CheckNumerics → out,
  // with a dangling training branch; weights·1 folds to a Const, the Mul
  // folds into it, and it is large enough to be quantized.
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "input", tensorflow::DT_FLOAT, {1, 6, 6, 4});
  std::vector<float> weights(3 * 3 * 4 * 32);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = float(int(i % 13) - 6) / 6.0f;
  mq::test::add_float_const(&graph, "weights", {3, 3, 4, 32}, weights);
  mq::test::add_float_const(&graph, "one", {}, {1.0f});
  auto* times = add_node(&graph, "weights_times_one", "Mul", {"weights", "one"});
  (*times->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  auto* conv = add_node(&graph, "conv", "Conv2D", {"input", "weights_times_one"});
  auto& attrs = *conv->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["padding"].set_s("SAME");
  attrs["data_format"].set_s("NHWC");
  for (int i = 0; i < 4; ++i) attrs["strides"].mutable_list()->add_i(1);
  mq::test::add_float_const(&graph, "scale", {32}, std::vector<float>(32, 0.5f));
  auto* mul = add_node(&graph, "scaled", "Mul", {"conv", "scale"});
  (*mul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  for (auto* node : {add_node(&graph, "id", "Identity", {"scaled"}), add_node(&graph, "check", "CheckNumerics", {"id"}),
                     add_node(&graph, "out", "Relu", {"check"})})
    (*node->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*graph.mutable_node(graph.node_size() - 2)->mutable_attr())["message"].set_s("");

  auto run = [&](const std::string& recipe) {
    auto plan = mq::plan_recipe(graph, recipe, "", {}, {});
    INFO(plan.status().message());
    REQUIRE(plan.is_ok());
    CHECK(plan->inputs == Names{"input"});
    CHECK(plan->outputs == Names{"out"});
    CHECK(plan->transforms[0] == "strip_unused_nodes(type=float, shape=\"1,6,6,4\")");
    auto list = mq::parse_transform_string(plan->transform_text);
    REQUIRE(list.is_ok());
    mq::TransformOptions options;
    options.validate = true;
    auto result = mq::apply_transforms(graph, *list, plan->inputs, plan->outputs, options);
    INFO(result.status().message());
    REQUIRE(result.is_ok());
    for (const auto& step : result->steps) {
      INFO(step.name << ": " << step.ignored_error);
      CHECK_FALSE(step.error_ignored);
    }
    return result->graph;
  };
  // weights·one folds into a Const (TensorFlow's naming), the Mul by 0.5
  // into the convolution, which takes the Mul's name.
  const std::string folded = "weights_times_one/_0__cf__0";
  auto deployed = run("optimizing_for_deployment");
  CHECK(mq::test::node_names(deployed) == Names{folded, "input", "scaled", "out"});
  CHECK(mq::test::node_named(deployed, "scaled").op() == "Conv2D");
  CHECK(mq::test::float_values(mq::test::node_named(deployed, folded))[0] == -0.5f);  // −1 · 0.5

  auto fixed = run("fix_missing_kernel_errors");
  CHECK(mq::test::node_names(fixed) == Names{folded, "input", "scaled", "id", "check", "out"});

  auto quantized = run("optimize_quantize_weights");
  CHECK(mq::test::node_named(quantized, folded).op() == "Dequantize");
  CHECK(mq::test::has_node(quantized, folded + "_quantized_const"));
  CHECK(mq::test::inputs_of(quantized, "scaled") == Names{"input:0", folded});
}
