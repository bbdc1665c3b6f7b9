// fold_old_batch_norms: test-vectors.md §7 (TV-FOBN-1..8), the numbers
// before and after through the evaluator, and the opt-in V2/V3 folding.
#include <catch2/catch.hpp>

#include "tests/core/transforms/batch_norm_test_support.h"

using mq::test::add_float_const;
using mq::test::add_int32_const;
using mq::test::add_node;
using mq::test::float_values;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

using Floats = std::vector<float>;

void add_parameters(tensorflow::GraphDef* graph, int channels) {
  const Floats mean = {10, 20, 30, 40}, variance = {0.25f, 0.5f, 0.75f, 1}, beta = {0.1f, 0.6f, 1.1f, 1.6f},
               gamma = {1, 2, 3, 4};
  auto first = [&](const Floats& values) { return Floats(values.begin(), values.begin() + channels); };
  add_float_const(graph, "mean_op", {channels}, first(mean));
  add_float_const(graph, "variance_op", {channels}, first(variance));
  add_float_const(graph, "beta_op", {channels}, first(beta));
  add_float_const(graph, "gamma_op", {channels}, first(gamma));
}

tensorflow::NodeDef* add_global_normalization(tensorflow::GraphDef* graph, const std::string& input) {
  auto* bn = add_node(graph, "output", "BatchNormWithGlobalNormalization",
                      {input, "mean_op", "variance_op", "beta_op", "gamma_op"});
  auto& attrs = *bn->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["variance_epsilon"].set_f(0.00001f);
  attrs["scale_after_normalization"].set_b(false);
  return bn;
}

tensorflow::NodeDef* add_fused(tensorflow::GraphDef* graph, const std::string& input,
                               const std::string& op = "FusedBatchNorm") {
  auto* bn = add_node(graph, "output", op, {input, "gamma_op", "beta_op", "mean_op", "variance_op"});
  auto& attrs = *bn->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["epsilon"].set_f(0.00001f);
  attrs["is_training"].set_b(false);
  if (op != "FusedBatchNorm") attrs["U"].set_type(tensorflow::DT_FLOAT);
  return bn;
}

void check_bias_add(const tensorflow::GraphDef& out, const std::string& name, const std::string& conv) {
  const auto& bias_add = node_named(out, name);
  CHECK(bias_add.op() == "BiasAdd");
  CHECK(inputs_of(out, name) == Names{conv, conv + "_bn_offset"});
  CHECK(bias_add.attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(bias_add.attr().at("data_format").s() == "NHWC");
  CHECK(bias_add.device().empty());
}

}  // namespace

TEST_CASE("fold_old_batch_norms: BatchNormWithGlobalNormalization after Conv2D (TV-FOBN-1)",
          "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_parameters(&graph, 2);
  add_global_normalization(&graph, "conv_op");
  auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  CHECK(node_names(out) == Names{"weights_op", "input_op", "conv_op", "conv_op_bn_offset", "output"});
  CHECK(float_values(node_named(out, "weights_op")) == Floats{1.99995995f, 2.8283987f, 5.99987984f, 5.65679741f,
                                                              0.199995995f, 0.282839864f, 0.599987984f, 0.565679729f});
  CHECK(float_values(node_named(out, "conv_op_bn_offset")) == Floats{-19.8995991f, -27.6839867f});
  CHECK(mq::test::shape_of_value(node_named(out, "conv_op_bn_offset")) == std::vector<int64_t>{2});
  CHECK(node_named(out, "conv_op").op() == "Conv2D");
  check_bias_add(out, "output", "conv_op");
  mq::test::check_same_output(graph, out, "output", 1e-4);
}

TEST_CASE("fold_old_batch_norms: FusedBatchNorm after Conv2D (TV-FOBN-2)", "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_parameters(&graph, 2);
  add_fused(&graph, "conv_op");
  auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  CHECK(node_names(out) == Names{"weights_op", "input_op", "conv_op", "conv_op_bn_offset", "output"});
  CHECK(float_values(node_named(out, "weights_op")) == Floats{1.99995995f, 5.65679741f, 5.99987984f, 11.3135948f,
                                                              0.199995995f, 0.565679729f, 0.599987984f, 1.13135946f});
  CHECK(float_values(node_named(out, "conv_op_bn_offset")) == Floats{-19.8995991f, -55.9679756f});
  check_bias_add(out, "output", "conv_op");
  mq::test::check_same_output(graph, out, "output", 1e-4);
}

TEST_CASE("fold_old_batch_norms: depthwise convolution (TV-FOBN-3)", "[transforms][fold_old_batch_norms]") {
  SECTION("BatchNormWithGlobalNormalization without gamma") {
    tensorflow::GraphDef graph = mq::test::g_conv("DepthwiseConv2dNative");
    add_parameters(&graph, 4);
    add_global_normalization(&graph, "conv_op");
    auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
    CHECK(float_values(node_named(out, "conv_op_bn_offset")) ==
          Floats{-19.8995991f, -27.6839867f, -33.5407867f, -38.3998032f});
    CHECK(float_values(node_named(out, "weights_op")) == Floats{1.99995995f, 2.8283987f, 3.46407866f, 3.99997997f,
                                                                0.199995995f, 0.282839864f, 0.34640789f, 0.399998009f});
    mq::test::check_same_output(graph, out, "output", 1e-4);
  }
  SECTION("FusedBatchNorm") {
    tensorflow::GraphDef graph = mq::test::g_conv("DepthwiseConv2dNative");
    add_parameters(&graph, 4);
    add_fused(&graph, "conv_op");
    auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
    CHECK(float_values(node_named(out, "conv_op_bn_offset")) ==
          Floats{-19.8995991f, -55.9679756f, -102.822365f, -158.3992f});
    CHECK(float_values(node_named(out, "weights_op")) == Floats{1.99995995f, 5.65679741f, 10.3922358f, 15.9999199f,
                                                                0.199995995f, 0.565679729f, 1.03922367f, 1.59999204f});
    mq::test::check_same_output(graph, out, "output", 1e-4);
  }
}

namespace {

// Two convolutions of input_op concatenated on `axis`, then a FusedBatchNorm.
tensorflow::GraphDef concat_graph(int axis, std::vector<int64_t> weight_shape, std::vector<int64_t> input_shape) {
  tensorflow::GraphDef graph;
  std::vector<float> input(static_cast<size_t>(mq::num_elements(input_shape)));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 5) - 2.0f;
  add_float_const(&graph, "input_op", input_shape, input);
  add_float_const(&graph, "weights0", weight_shape, {1, 2, 3, 4});
  add_float_const(&graph, "weights1", weight_shape, {1, 2, 3, 4});
  mq::test::set_conv_attrs(add_node(&graph, "conv0", "Conv2D", {"input_op", "weights0"}));
  mq::test::set_conv_attrs(add_node(&graph, "conv1", "Conv2D", {"input_op", "weights1"}));
  add_int32_const(&graph, "axis", {}, {axis});
  auto* concat = add_node(&graph, "concat_op", "ConcatV2", {"conv0", "conv1", "axis"});
  (*concat->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*concat->mutable_attr())["N"].set_i(2);
  (*concat->mutable_attr())["Tidx"].set_type(tensorflow::DT_INT32);
  add_parameters(&graph, 2);
  add_fused(&graph, "concat_op");
  return graph;
}

}  // namespace

TEST_CASE("fold_old_batch_norms: ConcatV2 on the channel axis splits the parameters (TV-FOBN-4)",
          "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = concat_graph(3, {1, 2, 2, 1}, {1, 1, 6, 2});
  auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  CHECK(float_values(node_named(out, "weights0")) == Floats{1.99995995f, 3.99991989f, 5.99987984f, 7.99983978f});
  CHECK(float_values(node_named(out, "conv0_bn_offset")) == Floats{-19.8995991f});
  CHECK(float_values(node_named(out, "weights1")) == Floats{2.8283987f, 5.65679741f, 8.48519611f, 11.3135948f});
  CHECK(float_values(node_named(out, "conv1_bn_offset")) == Floats{-55.9679756f});
  CHECK(inputs_of(out, "concat_op_bn_in0") == Names{"conv0", "conv0_bn_offset"});
  CHECK(inputs_of(out, "concat_op_bn_in1") == Names{"conv1", "conv1_bn_offset"});
  CHECK(node_named(out, "output").op() == "ConcatV2");
  CHECK(inputs_of(out, "output") == Names{"concat_op_bn_in0", "concat_op_bn_in1", "axis"});
  CHECK_FALSE(mq::test::has_node(out, "concat_op"));
  mq::test::check_same_output(graph, out, "output", 1e-4);
}

TEST_CASE("fold_old_batch_norms: ConcatV2 on another axis gives both convolutions all parameters (TV-FOBN-5)",
          "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = concat_graph(2, {1, 2, 1, 2}, {1, 1, 6, 1});
  auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  for (const char* weights : {"weights0", "weights1"})
    CHECK(float_values(node_named(out, weights)) == Floats{1.99995995f, 5.65679741f, 5.99987984f, 11.3135948f});
  for (const char* offset : {"conv0_bn_offset", "conv1_bn_offset"})
    CHECK(float_values(node_named(out, offset)) == Floats{-19.8995991f, -55.9679756f});
  mq::test::check_same_output(graph, out, "output", 1e-4);
}

TEST_CASE("fold_old_batch_norms: BatchToSpaceND between convolution and batch norm (TV-FOBN-6)",
          "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_int32_const(&graph, "block_shape_op", {2}, {1, 1});
  add_int32_const(&graph, "crops_op", {2, 2}, {0, 0, 0, 0});
  auto* batch_to_space = add_node(&graph, "batch_to_space_op", "BatchToSpaceND", {"conv_op", "block_shape_op", "crops_op"});
  (*batch_to_space->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  add_parameters(&graph, 2);
  add_fused(&graph, "batch_to_space_op");
  auto out = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  check_bias_add(out, "conv_op/biasadd", "conv_op");
  CHECK(node_named(out, "output").op() == "BatchToSpaceND");
  CHECK(inputs_of(out, "output") == Names{"conv_op/biasadd", "block_shape_op", "crops_op"});
  CHECK_FALSE(mq::test::has_node(out, "batch_to_space_op"));
  CHECK(float_values(node_named(out, "conv_op_bn_offset")) == Floats{-19.8995991f, -55.9679756f});
  mq::test::check_same_output(graph, out, "output", 1e-4);
}

TEST_CASE("fold_old_batch_norms leaves FusedBatchNormV3 alone unless asked (TV-FOBN-7)",
          "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_parameters(&graph, 2);
  add_fused(&graph, "conv_op", "FusedBatchNormV3");
  auto unchanged = mq::test::transformed(graph, "fold_old_batch_norms", {}, {"output"});
  CHECK(node_names(unchanged) == node_names(graph));
  CHECK(node_named(unchanged, "output").op() == "FusedBatchNormV3");

  auto folded = mq::test::transformed(graph, "fold_old_batch_norms(fused_batch_norm_v3=true)", {}, {"output"});
  CHECK(node_names(folded) == Names{"weights_op", "input_op", "conv_op", "conv_op_bn_offset", "output"});
  CHECK(float_values(node_named(folded, "conv_op_bn_offset")) == Floats{-19.8995991f, -55.9679756f});
  mq::test::check_same_output(graph, folded, "output", 1e-4);

  (*graph.mutable_node(graph.node_size() - 1)->mutable_attr())["is_training"].set_b(true);
  mq::StatusOr<mq::TransformResult> training =
      mq::test::run_transforms(graph, "fold_old_batch_norms(fused_batch_norm_v3=true)", {}, {"output"});
  REQUIRE(training.is_ok());
  CHECK(node_named(training->graph, "output").op() == "FusedBatchNormV3");
  CHECK_FALSE(training->steps[0].notes.warnings.empty());
}

TEST_CASE("fold_old_batch_norms stops when a parameter is shared (TV-FOBN-8)", "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_parameters(&graph, 2);
  add_global_normalization(&graph, "conv_op");
  auto* other = add_node(&graph, "other", "Identity", {"gamma_op"});
  (*other->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  mq::StatusOr<mq::TransformResult> result = mq::test::run_transforms(graph, "fold_old_batch_norms", {}, {"output"});
  REQUIRE(result.is_ok());
  CHECK(node_names(result->graph) == Names{"output", "conv_op", "mean_op", "variance_op", "beta_op", "gamma_op",
                                           "input_op", "weights_op", "other"});
  CHECK(node_named(result->graph, "output").op() == "BatchNormWithGlobalNormalization");
  CHECK(result->steps[0].notes.counters.at("batch norms folded") == 0);
  CHECK(result->steps[0].notes.counters.at("matches left unchanged") == 1);
}

TEST_CASE("fold_old_batch_norms reports parameters of the wrong shape", "[transforms][fold_old_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_parameters(&graph, 2);
  graph.mutable_node(4)->CopyFrom(*add_float_const(&graph, "variance_op", {3}, {1, 2, 3}));
  graph.mutable_node()->RemoveLast();
  add_global_normalization(&graph, "conv_op");
  CHECK_THAT(mq::test::transform_error(graph, "fold_old_batch_norms", {}, {"output"}),
             Catch::Contains("Variance input to batch norm has bad shape: [3]"));
}
