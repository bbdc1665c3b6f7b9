// fold_batch_norms: test-vectors.md §6 (TV-FBN-1..5) and the numbers before
// and after through the evaluator.
#include <catch2/catch.hpp>

#include "tests/core/transforms/batch_norm_test_support.h"

using mq::test::add_float_const;
using mq::test::add_node;
using mq::test::float_values;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

tensorflow::NodeDef* add_mul(tensorflow::GraphDef* graph, const std::string& name, const std::string& x,
                             const std::string& y) {
  tensorflow::NodeDef* mul = add_node(graph, name, "Mul", {x, y});
  (*mul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  return mul;
}

}  // namespace

TEST_CASE("fold_batch_norms folds a Mul into Conv2D weights (TV-FBN-1)", "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_float_const(&graph, "mul_values", {2}, {2, 3});
  add_mul(&graph, "output", "conv_op", "mul_values");
  auto out = mq::test::transformed(graph, "fold_batch_norms", {}, {"output"});
  CHECK(node_names(out) == Names{"weights_op", "input_op", "output"});
  CHECK(float_values(node_named(out, "weights_op")) ==
        std::vector<float>{2, 6, 6, 12, 0.200000003f, 0.600000024f, 0.600000024f, 1.20000005f});
  CHECK(mq::test::shape_of_value(node_named(out, "weights_op")) == std::vector<int64_t>{1, 2, 2, 2});
  const auto& folded = node_named(out, "output");
  CHECK(folded.op() == "Conv2D");
  CHECK(inputs_of(out, "output") == Names{"input_op", "weights_op"});
  CHECK(folded.attr().at("padding").s() == "VALID");
  CHECK(folded.attr().at("use_cudnn_on_gpu").b());
  const auto& weights = node_named(out, "weights_op");
  CHECK(weights.attr().size() == 2);
  CHECK(weights.attr().at("dtype").type() == tensorflow::DT_FLOAT);
  CHECK(!weights.attr().at("value").tensor().tensor_content().empty());
  mq::test::check_same_output(graph, out, "output");
}

TEST_CASE("fold_batch_norms folds a Mul into MatMul weights (TV-FBN-2)", "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {6, 2}, {1, 4, 2, 5, 3, 6, -1, -4, -2, -5, -3, -6});
  add_float_const(&graph, "weights_op", {2, 2}, {1, 2, 0.3f, 0.4f});
  auto* matmul = add_node(&graph, "matmul_op", "MatMul", {"input_op", "weights_op"});
  (*matmul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  add_float_const(&graph, "mul_values", {2}, {2, 3});
  add_mul(&graph, "output", "matmul_op", "mul_values");
  auto out = mq::test::transformed(graph, "fold_batch_norms", {}, {"output"});
  CHECK(node_names(out) == Names{"weights_op", "input_op", "output"});
  CHECK(float_values(node_named(out, "weights_op")) == std::vector<float>{2, 6, 0.600000024f, 1.20000005f});
  CHECK(node_named(out, "output").op() == "MatMul");
  mq::test::check_same_output(graph, out, "output");
}

TEST_CASE("fold_batch_norms leaves a shared convolution alone (TV-FBN-3)", "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_float_const(&graph, "mul_values", {2}, {2, 3});
  add_mul(&graph, "output", "conv_op", "mul_values");
  add_float_const(&graph, "mul_values_2", {2}, {2, 3});
  add_mul(&graph, "output_2", "conv_op", "mul_values_2");
  mq::StatusOr<mq::TransformResult> result = mq::test::run_transforms(graph, "fold_batch_norms", {}, {"output"});
  REQUIRE(result.is_ok());
  const auto& out = result->graph;
  CHECK(node_names(out) ==
        Names{"mul_values", "output", "output_2", "conv_op", "input_op", "weights_op", "mul_values_2"});
  CHECK(float_values(node_named(out, "weights_op")) == std::vector<float>{1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  CHECK(result->steps[0].notes.counters.at("batch norms folded") == 0);
  CHECK_FALSE(result->steps[0].notes.warnings.empty());
}

TEST_CASE("fold_batch_norms rejects a scale of the wrong shape (TV-FBN-4)", "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_float_const(&graph, "mul_values", {}, {2});
  add_mul(&graph, "output", "conv_op", "mul_values");
  CHECK_THAT(mq::test::transform_error(graph, "fold_batch_norms", {}, {"output"}),
             Catch::Contains("Mul constant input to batch norm has bad shape: []"));
}

TEST_CASE("fold_batch_norms folds into depthwise weights per channel (TV-FBN-5)", "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv("DepthwiseConv2dNative");
  add_float_const(&graph, "mul_values", {4}, {1, 2, 3, 4});
  add_mul(&graph, "output", "conv_op", "mul_values");
  auto out = mq::test::transformed(graph, "fold_batch_norms", {}, {"output"});
  CHECK(float_values(node_named(out, "weights_op")) ==
        std::vector<float>{1, 4, 9, 16, 0.100000001f, 0.400000006f, 0.900000036f, 1.60000002f});
  CHECK(node_named(out, "output").op() == "DepthwiseConv2dNative");
  mq::test::check_same_output(graph, out, "output");
}

TEST_CASE("fold_batch_norms does not match Mul(Const, conv) nor weights behind Identity",
          "[transforms][fold_batch_norms]") {
  tensorflow::GraphDef graph = mq::test::g_conv();
  add_float_const(&graph, "mul_values", {2}, {2, 3});
  add_mul(&graph, "output", "mul_values", "conv_op");
  auto out = mq::test::transformed(graph, "fold_batch_norms", {}, {"output"});
  CHECK(node_names(out) == node_names(graph));

  tensorflow::GraphDef through_identity = mq::test::g_conv();
  through_identity.mutable_node(2)->set_input(1, "weights_op/read");
  add_node(&through_identity, "weights_op/read", "Identity", {"weights_op"});
  add_float_const(&through_identity, "mul_values", {2}, {2, 3});
  add_mul(&through_identity, "output", "conv_op", "mul_values");
  auto unchanged = mq::test::transformed(through_identity, "fold_batch_norms", {}, {"output"});
  CHECK(mq::test::has_node(unchanged, "conv_op"));
  auto folded = mq::test::transformed(through_identity, "remove_nodes(op=Identity) fold_batch_norms", {}, {"output"});
  CHECK_FALSE(mq::test::has_node(folded, "conv_op"));
  mq::test::check_same_output(through_identity, folded, "output");
}
