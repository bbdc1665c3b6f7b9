// flatten_atrous_conv: TV-FA-1 with Conv2D and DepthwiseConv2dNative, and
// what it refuses.
#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_float_const;
using mq::test::add_int32_const;
using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

tensorflow::GraphDef atrous_graph(const std::string& conv_op) {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {1, 3, 3, 2}, std::vector<float>(18, 1.0f));
  add_int32_const(&graph, "block_shape_op", {2}, {2, 2});
  add_int32_const(&graph, "paddings_op", {2, 2}, {1, 2, 1, 2});
  add_node(&graph, "space_to_batch_op", "SpaceToBatchND", {"input_op", "block_shape_op", "paddings_op"});
  add_float_const(&graph, "weights_op", {2, 2, 2, 1}, {.1f, .2f, .3f, .4f, .1f, .2f, .3f, .4f});
  auto* conv = add_node(&graph, "conv_op", conv_op, {"space_to_batch_op", "weights_op"});
  auto& attrs = *conv->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["padding"].set_s("VALID");
  for (int i = 0; i < 4; ++i) attrs["strides"].mutable_list()->add_i(1);
  attrs["data_format"].set_s("NHWC");
  if (conv_op == "Conv2D") attrs["use_cudnn_on_gpu"].set_b(true);
  for (int i = 0; i < 4; ++i) attrs["dilations"].mutable_list()->add_i(1);
  conv->set_device("/gpu:0");
  add_int32_const(&graph, "crops_op", {2, 2}, {0, 1, 0, 1});
  add_node(&graph, "output", "BatchToSpaceND", {"conv_op", "block_shape_op", "crops_op"});
  return graph;
}

}  // namespace

TEST_CASE("flatten_atrous_conv spreads the filter (TV-FA-1)", "[transforms][flatten_atrous_conv]") {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative"}) {
    INFO(op);
    auto result = mq::test::run_transforms(atrous_graph(op), "flatten_atrous_conv", {}, {"output"});
    REQUIRE(result.is_ok());
    const auto& out = result->graph;
    CHECK(node_names(out) == Names{"input_op", "weights_op", "output"});
    const auto& filter = node_named(out, "weights_op");
    CHECK(filter.attr().size() == 2);
    CHECK(mq::test::shape_of_value(filter) == std::vector<int64_t>{3, 3, 2, 1});
    CHECK(mq::test::float_values(filter) ==
          std::vector<float>{.1f, .2f, 0, 0, .3f, .4f, 0, 0, 0, 0, 0, 0, .1f, .2f, 0, 0, .3f, .4f});
    const auto& conv = node_named(out, "output");
    CHECK(conv.op() == op);
    CHECK(conv.device() == "/gpu:0");
    CHECK(inputs_of(out, "output") == Names{"input_op", "weights_op"});
    CHECK(conv.attr().at("padding").s() == "SAME");
    CHECK(conv.attr().at("data_format").s() == "NHWC");
    CHECK(conv.attr().at("strides").list().i_size() == 4);
    CHECK(conv.attr().at("T").type() == tensorflow::DT_FLOAT);
    CHECK(conv.attr().count("dilations") == 0);
    CHECK(conv.attr().count("use_cudnn_on_gpu") == (op == "Conv2D" ? 1u : 0u));
    CHECK(conv.attr().size() == (op == "Conv2D" ? 5u : 4u));
    CHECK(result->steps[0].notes.counters.at("atrous convolutions flattened") == 1);
  }
}

TEST_CASE("flatten_atrous_conv keeps a pattern whose parts are used elsewhere", "[transforms][flatten_atrous_conv]") {
  auto graph = atrous_graph("Conv2D");
  add_node(&graph, "other", "Relu", {"conv_op"});
  auto result = mq::test::run_transforms(graph, "flatten_atrous_conv", {}, {"output", "other"});
  REQUIRE(result.is_ok());
  CHECK(result->graph.node_size() == graph.node_size());
  CHECK(result->steps[0].notes.counters.at("matches left unchanged") == 1);
}

TEST_CASE("flatten_atrous_conv needs constant block shapes and filters", "[transforms][flatten_atrous_conv]") {
  auto graph = atrous_graph("Conv2D");
  graph.mutable_node(4)->set_op("Placeholder");
  graph.mutable_node(4)->mutable_attr()->erase("value");
  CHECK(mq::test::transform_error(graph, "flatten_atrous_conv", {}, {"output"}) ==
        "flatten_atrous_conv: the filter node 'weights_op' (Placeholder) of an atrous convolution has no 'value' "
        "attribute; run fold_constants first");
  auto missing_attr = atrous_graph("Conv2D");
  missing_attr.mutable_node(5)->mutable_attr()->erase("data_format");
  CHECK_THAT(mq::test::transform_error(missing_attr, "flatten_atrous_conv", {}, {"output"}),
             Catch::Contains("data_format"));
}
