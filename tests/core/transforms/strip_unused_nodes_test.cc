#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

// add_node: Add(mul_node, a_node), mul_node: Mul(b_node, c_node), a/b/c: Const.
tensorflow::GraphDef mul_graph() {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node", "Add", {"mul_node", "a_node"});
  add_node(&graph, "mul_node", "Mul", {"b_node", "c_node"})->set_device("/gpu:0");
  add_node(&graph, "a_node", "Const");
  add_node(&graph, "b_node", "Const");
  add_node(&graph, "c_node", "Const");
  return graph;
}

std::vector<int64_t> dims(const tensorflow::NodeDef& placeholder) {
  std::vector<int64_t> out;
  for (const auto& dim : placeholder.attr().at("shape").shape().dim()) out.push_back(dim.size());
  return out;
}

void check_placeholder(const tensorflow::NodeDef& node, tensorflow::DataType type, std::vector<int64_t> shape) {
  INFO(node.name());
  CHECK(node.op() == "Placeholder");
  CHECK(node.input_size() == 0);
  CHECK(node.device().empty());
  CHECK(node.attr().size() == 2);
  CHECK(node.attr().at("dtype").type() == type);
  CHECK(node.attr().at("shape").has_shape());
  CHECK(dims(node) == shape);
}

}  // namespace

TEST_CASE("strip_unused_nodes keeps what the outputs need (TV-STRIP-1)", "[transforms][strip_unused_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node", "Add", {"a_node", "b_node"});
  add_node(&graph, "a_node", "Const");
  add_node(&graph, "b_node", "Const");
  add_node(&graph, "c_node", "Const");
  graph.mutable_versions()->set_producer(1);
  auto out = mq::test::transformed(graph, "strip_unused_nodes", {}, {"add_node"});
  CHECK(node_names(out) == Names{"add_node", "a_node", "b_node"});
  CHECK_FALSE(out.has_versions());
}

TEST_CASE("strip_unused_nodes keeps unreachable inputs as Placeholders (TV-STRIP-2)", "[transforms][strip_unused_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&graph, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&graph, "add_node3", "Add", {"const_node1", "const_node3"});
  for (const char* name : {"const_node1", "const_node2", "const_node3", "dangling_input"}) add_node(&graph, name, "Const");
  add_node(&graph, "add_node4", "Add", {"add_node2", "add_node3"});
  auto out = mq::test::transformed(graph, "strip_unused_nodes", {"dangling_input"}, {"add_node1"});
  CHECK(node_names(out) ==
        Names{"add_node1", "add_node2", "add_node3", "const_node1", "const_node2", "const_node3", "dangling_input"});
  check_placeholder(node_named(out, "dangling_input"), tensorflow::DT_FLOAT, {});
}

TEST_CASE("strip_unused_nodes turns inputs into Placeholders (TV-STRIP-3..5)", "[transforms][strip_unused_nodes]") {
  auto graph = mul_graph();
  auto out = mq::test::transformed(graph, "strip_unused_nodes", {"mul_node"}, {"add_node"});
  CHECK(node_names(out) == Names{"add_node", "mul_node", "a_node"});
  check_placeholder(node_named(out, "mul_node"), tensorflow::DT_FLOAT, {});

  out = mq::test::transformed(graph, "strip_unused_nodes(type=int32, shape=\"1,2,3\")", {"mul_node"}, {"add_node"});
  check_placeholder(node_named(out, "mul_node"), tensorflow::DT_INT32, {1, 2, 3});

  out = mq::test::transformed(graph,
                              "strip_unused_nodes(name=a_node, name=mul_node, type_for_name=int64, "
                              "type_for_name=quint8, shape_for_name=\"1,2\", shape_for_name=\"1, 2, 3\")",
                              {"mul_node", "a_node"}, {"add_node"});
  CHECK(node_names(out) == Names{"add_node", "mul_node", "a_node"});
  check_placeholder(node_named(out, "mul_node"), tensorflow::DT_QUINT8, {1, 2, 3});
  check_placeholder(node_named(out, "a_node"), tensorflow::DT_INT64, {1, 2});

  out = mq::test::transformed(graph, "strip_unused_nodes(type=float_ref, shape=\"-1,3\")", {"mul_node:0"},
                              {"add_node:0"});
  check_placeholder(node_named(out, "mul_node"), tensorflow::DT_FLOAT_REF, {-1, 3});
}

TEST_CASE("strip_unused_nodes keeps existing Placeholders and control inputs", "[transforms][strip_unused_nodes]") {
  tensorflow::GraphDef graph;
  auto* x = add_node(&graph, "x", "Placeholder");
  mq::test::set_type_attr(x, "dtype", tensorflow::DT_UINT8);
  x->set_device("/cpu:0");
  add_node(&graph, "init", "NoOp");
  add_node(&graph, "unused", "Const");
  add_node(&graph, "out", "Relu", {"x", "^init"});
  auto out = mq::test::transformed(graph, "strip_unused_nodes(type=int32)", {"x", "not_in_graph"}, {"out"});
  CHECK(node_names(out) == Names{"x", "init", "out"});
  CHECK(node_named(out, "x").SerializeAsString() == x->SerializeAsString());
}

TEST_CASE("strip_unused_nodes errors (TV-STRIP-6, 7)", "[transforms][strip_unused_nodes]") {
  auto graph = mul_graph();
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes", {}, {"nope"}) ==
        "strip_unused_nodes: Input node nope not found in graph");
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(name=a_node)", {"mul_node"}, {"add_node"})
            .rfind("strip_unused_nodes: You must pass a 'type_for_name' arg for every 'name', e.g.", 0) == 0);
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(name=a_node, type_for_name=int32)", {"mul_node"},
                                  {"add_node"})
            .rfind("strip_unused_nodes: You must pass a 'shape_for_name' arg for every 'name'", 0) == 0);
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(type=int32, type=float)", {"mul_node"}, {"add_node"}) ==
        "strip_unused_nodes: You must pass no more than one default 'type' to strip_unused_nodes");
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(type=float32x)", {"mul_node"}, {"add_node"}) ==
        "strip_unused_nodes: Couldn't understand type argument 'float32x'");
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(shape=\"\")", {"mul_node"}, {"add_node"}) ==
        "strip_unused_nodes: Specified shape is empty.");
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(shape=\"1,x\")", {"mul_node"}, {"add_node"}) ==
        "strip_unused_nodes: Could parse as shape: '1,x'");
  // Parameters are only checked when an input is converted.
  CHECK(mq::test::transformed(graph, "strip_unused_nodes(type=nonsense)", {}, {"add_node"}).node_size() == 5);
}
