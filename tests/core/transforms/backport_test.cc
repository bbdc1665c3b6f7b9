#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

TEST_CASE("backport_concatv2 moves the axis first (TV-BP-1)", "[transforms][backport_concatv2]") {
  tensorflow::GraphDef graph;
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) add_node(&graph, name, "Const");
  auto* concat = add_node(&graph, "concat_node", "ConcatV2", {"const_node1", "const_node2", "const_node3"});
  mq::test::set_type_attr(concat, "Tidx", tensorflow::DT_INT32);
  mq::test::set_type_attr(concat, "T", tensorflow::DT_FLOAT);
  (*concat->mutable_attr())["N"].set_i(2);
  concat->set_device("/cpu:0");
  auto out = mq::test::transformed(graph, "backport_concatv2");
  const auto& node = node_named(out, "concat_node");
  CHECK(node.op() == "Concat");
  CHECK(inputs_of(out, "concat_node") == Names{"const_node3", "const_node1", "const_node2"});
  CHECK(node.attr().count("Tidx") == 0);
  CHECK(node.attr().at("N").i() == 2);
  CHECK(node.device() == "/cpu:0");
  CHECK(node_names(out) == Names{"const_node1", "const_node2", "const_node3", "concat_node"});

  // Control inputs stay at the end (TensorFlow would put one first).
  graph.mutable_node(3)->add_input("^const_node1");
  out = mq::test::transformed(graph, "backport_concatv2");
  CHECK(inputs_of(out, "concat_node") == Names{"const_node3", "const_node1", "const_node2", "^const_node1"});
}

TEST_CASE("backport_tensor_array_v3 replaces flow outputs (TV-BP-2)", "[transforms][backport_tensor_array_v3]") {
  tensorflow::GraphDef graph;
  mq::test::add_int32_const(&graph, "size_node", {}, {1});
  add_node(&graph, "tensor_array_node", "TensorArrayV3", {"size_node"});
  add_node(&graph, "handle_output_node", "Identity", {"tensor_array_node:0"});
  add_node(&graph, "flow_output_node", "Identity", {"tensor_array_node:1"});
  (*add_node(&graph, "tensor_array_grad_node", "TensorArrayGradV3", {"tensor_array_node:0", "tensor_array_node:1"})
        ->mutable_attr())["source"]
      .set_s("foo");
  add_node(&graph, "grad_handle_output_node", "Identity", {"tensor_array_grad_node:0"});
  add_node(&graph, "grad_flow_output_node", "Identity", {"tensor_array_grad_node:1"});
  auto out = mq::test::transformed(graph, "backport_tensor_array_v3");
  CHECK(node_names(out) == Names{"size_node", "tensor_array_node", "tensor_array_node/replacement_flow_node",
                                 "handle_output_node", "flow_output_node", "tensor_array_grad_node",
                                 "tensor_array_grad_node/replacement_flow_node", "grad_handle_output_node",
                                 "grad_flow_output_node"});
  CHECK(node_named(out, "tensor_array_node").op() == "TensorArrayV2");
  CHECK(node_named(out, "tensor_array_grad_node").op() == "TensorArrayGradV2");
  CHECK(node_named(out, "tensor_array_grad_node").attr().at("source").s() == "foo");
  const auto& flow = node_named(out, "tensor_array_node/replacement_flow_node");
  CHECK(flow.op() == "Const");
  CHECK(mq::test::float_values(flow) == std::vector<float>{1.0f});
  CHECK(mq::test::shape_of_value(flow).empty());
  CHECK(inputs_of(out, "handle_output_node") == Names{"tensor_array_node:0"});
  CHECK(inputs_of(out, "flow_output_node") == Names{"tensor_array_node/replacement_flow_node"});
  CHECK(inputs_of(out, "tensor_array_grad_node") ==
        Names{"tensor_array_node:0", "tensor_array_node/replacement_flow_node"});
  CHECK(inputs_of(out, "grad_flow_output_node") == Names{"tensor_array_grad_node/replacement_flow_node"});
}

TEST_CASE("backport_tensor_array_v3 renames the other V3 ops (TV-BP-3)", "[transforms][backport_tensor_array_v3]") {
  tensorflow::GraphDef graph;
  const Names ops = {"TensorArrayWriteV3",   "TensorArrayReadV3",   "TensorArrayGatherV3", "TensorArrayScatterV3",
                     "TensorArrayConcatV3",  "TensorArraySplitV3",  "TensorArraySizeV3",   "TensorArrayCloseV3"};
  for (const std::string& op : ops) add_node(&graph, "node_" + op, op);
  add_node(&graph, "other", "SomethingV3");
  auto out = mq::test::transformed(graph, "backport_tensor_array_v3");
  for (size_t i = 0; i < ops.size(); ++i) CHECK(out.node(static_cast<int>(i)).op() == ops[i].substr(0, ops[i].size() - 1) + "2");
  CHECK(node_named(out, "other").op() == "SomethingV3");
}
