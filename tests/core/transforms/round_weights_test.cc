// round_weights: test-vectors.md §8, TV-RW-1..4.
#include <catch2/catch.hpp>

#include <cfloat>

#include "core/io/graph_io.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_float_const;
using mq::test::add_node;
using mq::test::canonical;
using mq::test::float_values;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

tensorflow::GraphDef one_const(const std::vector<float>& values) {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "w", {static_cast<int64_t>(values.size())}, values);
  return graph;
}

}  // namespace

TEST_CASE("round_weights snaps values to bucket centres (TV-RW-1)", "[transforms][round_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {1, 1, 6, 2}, {1, 4, 2, 5, 3, 6, -1, -4, -2, -5, -3, -6});
  std::vector<float> weights;
  for (int i = 0; i < 5; ++i) weights.insert(weights.end(), {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  auto* filter = add_float_const(&graph, "weights_op", {1, 2, 2, 10}, weights);
  filter->set_device("/cpu:0");
  add_node(&graph, "init", "NoOp");
  filter->add_input("^init");
  auto* conv = add_node(&graph, "output", "Conv2D", {"input_op", "weights_op"});
  (*conv->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);

  auto result = mq::test::run_transforms(graph, "round_weights", {}, {"output"});
  REQUIRE(result.is_ok());
  const auto& out = result->graph;
  CHECK(node_names(out) == Names{"input_op", "weights_op", "init", "output"});
  CHECK(canonical(node_named(out, "input_op")) == canonical(graph.node(0)));  // 12 < 16
  const auto& rounded = node_named(out, "weights_op");
  CHECK(rounded.op() == "Const");
  CHECK(rounded.attr().size() == 2);
  CHECK(rounded.device().empty());
  CHECK(rounded.input_size() == 0);
  CHECK(rounded.attr().at("dtype").type() == tensorflow::DT_FLOAT);
  CHECK(mq::test::shape_of_value(rounded) == std::vector<int64_t>{1, 2, 2, 10});
  const std::vector<float> expected = {1.00644529f, 1.99667978f, 3.00214839f, 4.00761747f,
                                       0.107617192f, 0.19902344f, 0.305664062f, 0.397070318f};
  std::vector<float> values = float_values(rounded);
  REQUIRE(values.size() == 40);
  for (size_t i = 0; i < values.size(); ++i) CHECK(values[i] == expected[i % 8]);

  const auto& tensors = result->steps[0].notes.tensors;
  REQUIRE(tensors.size() == 1);
  CHECK(tensors[0].encoding == "rounded(256)");
  CHECK(tensors[0].bytes_before == 160);
  CHECK(tensors[0].bytes_after == 160);
  CHECK(tensors[0].max_abs_error == Approx(4.00761747 - 4.0).epsilon(1e-5));
}

TEST_CASE("round_weights on constant tensors widens the range as TensorFlow does (TV-RW-2, TV-RW-3)",
          "[transforms][round_weights]") {
  for (float v : float_values(mq::test::transformed(one_const(std::vector<float>(16, 3.0f)), "round_weights").node(0)))
    CHECK(v == 3.00585938f);
  for (float v : float_values(mq::test::transformed(one_const(std::vector<float>(16, -1.0f)), "round_weights").node(0)))
    CHECK(v == -0.998046875f);
}

TEST_CASE("round_weights with num_steps (TV-RW-4)", "[transforms][round_weights]") {
  std::vector<float> ramp(16);
  for (int i = 0; i < 16; ++i) ramp[size_t(i)] = float(i);
  std::vector<float> values = float_values(mq::test::transformed(one_const(ramp), "round_weights(num_steps=4)").node(0));
  CHECK(values[0] == 1.875f);
  CHECK(values[15] == 16.875f);  // the top value lands in bucket num_steps
  CHECK(values[4] == 5.625f);    // bucket 1
}

TEST_CASE("round_weights leaves small, non-float Consts and other nodes alone", "[transforms][round_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "small", {15}, std::vector<float>(15, 2.0f));
  mq::test::add_int32_const(&graph, "ints", {100}, std::vector<int32_t>(100, 1));
  auto out = mq::test::transformed(graph, "round_weights");
  REQUIRE(out.node_size() == 2);
  for (int i = 0; i < 2; ++i) CHECK(canonical(out.node(i)) == canonical(graph.node(i)));
}

TEST_CASE("round_weights errors", "[transforms][round_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "w", {16}, std::vector<float>(16, 1.0f))->mutable_attr()->erase("dtype");
  CHECK(mq::test::transform_error(graph, "round_weights") == "round_weights: No 'dtype' attribute for Const node w");
  CHECK(mq::test::transform_error(one_const(std::vector<float>(16, 1.0f)), "round_weights(num_steps=0)") ==
        "round_weights: num_steps must be at least 1, found 0");
  CHECK(mq::test::transform_error(one_const(std::vector<float>(16, 1.0f)), "round_weights(num_steps=many)") ==
        "round_weights: Couldn't interpret the num_steps argument as a number:many");
}
