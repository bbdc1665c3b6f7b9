// fuse_pad_and_conv, fuse_resize_and_conv and fuse_resize_pad_and_conv.
#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

tensorflow::NodeDef* add_conv(tensorflow::GraphDef* graph, const std::string& name, const std::string& input) {
  auto* conv = add_node(graph, name, "Conv2D", {input, "weights_op"});
  auto& attrs = *conv->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["padding"].set_s("VALID");
  for (int i = 0; i < 4; ++i) attrs["strides"].mutable_list()->add_i(1);
  attrs["data_format"].set_s("NHWC");
  attrs["use_cudnn_on_gpu"].set_b(true);
  conv->set_device("/gpu:0");
  return conv;
}

void add_resize(tensorflow::GraphDef* graph) {
  mq::test::add_float_const(graph, "input_op", {1, 2, 3, 2}, std::vector<float>(12, 1.0f));
  mq::test::add_int32_const(graph, "size", {2}, {12, 4});
  (*add_node(graph, "resize_op", "ResizeBilinear", {"input_op", "size"})->mutable_attr())["align_corners"].set_b(false);
}

void add_pad(tensorflow::GraphDef* graph, const std::string& input) {
  mq::test::add_int32_const(graph, "pad_dims_op", {4, 2}, {0, 0, 1, 1, 2, 2, 0, 0});
  (*add_node(graph, "pad_op", "MirrorPad", {input, "pad_dims_op"})->mutable_attr())["mode"].set_s("REFLECT");
}

void check_conv_attrs(const tensorflow::NodeDef& fused) {
  CHECK(fused.attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(fused.attr().at("padding").s() == "VALID");
  CHECK(fused.attr().at("strides").list().i_size() == 4);
  CHECK(fused.attr().count("data_format") == 0);
  CHECK(fused.attr().count("use_cudnn_on_gpu") == 0);
  CHECK(fused.device().empty());
}

}  // namespace

TEST_CASE("fuse_resize_pad_and_conv (TV-FUSE-1)", "[transforms][fuse_conv]") {
  tensorflow::GraphDef graph;
  add_resize(&graph);
  add_pad(&graph, "resize_op");
  mq::test::add_float_const(&graph, "weights_op", {1, 2, 2, 2}, {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  add_conv(&graph, "output", "pad_op");
  auto out = mq::test::transformed(graph, "fuse_resize_pad_and_conv", {}, {"output"});
  CHECK(node_names(out) == Names{"input_op", "size", "weights_op", "pad_dims_op", "output"});
  const auto& fused = node_named(out, "output");
  CHECK(fused.op() == "FusedResizeAndPadConv2D");
  CHECK(inputs_of(out, "output") == Names{"input_op", "size", "pad_dims_op", "weights_op"});
  CHECK(fused.attr().at("resize_align_corners").b() == false);
  CHECK(fused.attr().at("mode").s() == "REFLECT");
  check_conv_attrs(fused);
  CHECK(fused.attr().size() == 5);
}

TEST_CASE("fuse_resize_and_conv adds zero paddings (TV-FUSE-2)", "[transforms][fuse_conv]") {
  tensorflow::GraphDef graph;
  add_resize(&graph);
  mq::test::add_float_const(&graph, "weights_op", {1, 2, 2, 2}, {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  add_conv(&graph, "output", "resize_op");
  auto out = mq::test::transformed(graph, "fuse_resize_and_conv", {}, {"output"});
  CHECK(node_names(out) == Names{"input_op", "size", "weights_op", "output_dummy_paddings", "output"});
  const auto& paddings = node_named(out, "output_dummy_paddings");
  CHECK(paddings.attr().at("dtype").type() == tensorflow::DT_INT32);
  CHECK(mq::test::shape_of_value(paddings) == std::vector<int64_t>{4, 2});
  CHECK(paddings.attr().at("value").tensor().tensor_content() == std::string(32, '\0'));
  const auto& fused = node_named(out, "output");
  CHECK(fused.op() == "FusedResizeAndPadConv2D");
  CHECK(inputs_of(out, "output") == Names{"input_op", "size", "output_dummy_paddings", "weights_op"});
  CHECK(fused.attr().at("mode").s() == "REFLECT");
  CHECK(fused.attr().at("resize_align_corners").b() == false);
  check_conv_attrs(fused);
}

TEST_CASE("fuse_pad_and_conv (TV-FUSE-3)", "[transforms][fuse_conv]") {
  tensorflow::GraphDef graph;
  mq::test::add_float_const(&graph, "input_op", {1, 2, 3, 2}, std::vector<float>(12, 1.0f));
  add_pad(&graph, "input_op");
  mq::test::add_float_const(&graph, "weights_op", {1, 2, 2, 2}, {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  add_conv(&graph, "output", "pad_op");
  auto out = mq::test::transformed(graph, "fuse_pad_and_conv", {}, {"output"});
  CHECK(node_names(out) == Names{"weights_op", "input_op", "pad_dims_op", "output"});
  const auto& fused = node_named(out, "output");
  CHECK(fused.op() == "FusedPadConv2D");
  CHECK(inputs_of(out, "output") == Names{"input_op", "pad_dims_op", "weights_op"});
  CHECK(fused.attr().at("mode").s() == "REFLECT");
  check_conv_attrs(fused);
}

TEST_CASE("fusions leave matches alone when an inner output is used elsewhere", "[transforms][fuse_conv]") {
  tensorflow::GraphDef graph;
  mq::test::add_float_const(&graph, "input_op", {1, 2, 3, 2}, std::vector<float>(12, 1.0f));
  add_pad(&graph, "input_op");
  mq::test::add_float_const(&graph, "weights_op", {1, 2, 2, 2}, {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  add_conv(&graph, "output", "pad_op");
  add_node(&graph, "other", "Relu", {"pad_op"});
  auto result = mq::test::run_transforms(graph, "fuse_pad_and_conv", {}, {"output", "other"});
  REQUIRE(result.is_ok());
  CHECK(node_named(result->graph, "output").op() == "Conv2D");
  CHECK(node_named(result->graph, "pad_op").op() == "MirrorPad");
  REQUIRE(result->steps[0].notes.warnings.size() == 1);
  CHECK(result->steps[0].notes.warnings[0].find("'pad_op' is still used by 'other'") != std::string::npos);
  CHECK(result->steps[0].notes.counters.at("matches left unchanged") == 1);

  // A resize without align_corners cannot be fused.
  tensorflow::GraphDef no_align;
  add_resize(&no_align);
  no_align.mutable_node(2)->mutable_attr()->erase("align_corners");
  mq::test::add_float_const(&no_align, "weights_op", {1, 2, 2, 2}, std::vector<float>(8, 1.0f));
  add_conv(&no_align, "output", "resize_op");
  CHECK(mq::test::transform_error(no_align, "fuse_resize_and_conv", {}, {"output"}) ==
        "fuse_resize_and_conv: node 'resize_op' (ResizeBilinear) has no 'align_corners' attribute");
}
