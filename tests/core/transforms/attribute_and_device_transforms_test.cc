// rename_op, rename_node, rename_attribute, remove_attribute, set_device,
// remove_device, remove_control_dependencies and add_default_attributes.
#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

// The set_device test graph (TV-SD-1).
tensorflow::GraphDef device_graph() {
  tensorflow::GraphDef graph;
  add_node(&graph, "mul_node1", "Mul", {"add_node2", "add_node3"})->set_device("/device:CPU:0");
  add_node(&graph, "add_node2", "Add", {"const_node1", "const_node2"})->set_device("/device:GPU:1");
  add_node(&graph, "add_node3", "Add", {"const_node1", "const_node3"});
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) add_node(&graph, name, "Const");
  add_node(&graph, "add_node4", "Add", {"mul_node1", "const_node3"});
  return graph;
}

tensorflow::NodeDef* with_int(tensorflow::NodeDef* node, const std::string& key, int64_t value) {
  (*node->mutable_attr())[key].set_i(value);
  return node;
}

}  // namespace

TEST_CASE("rename_op (TV-RO-1)", "[transforms][rename_op]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "a", "Const");
  mq::test::set_type_attr(add_node(&graph, "m", "Mul", {"a", "a"}), "T", tensorflow::DT_FLOAT);
  add_node(&graph, "n", "MulNoNan", {"m", "a"});
  auto out = mq::test::transformed(graph, "rename_op(old_op_name=Mul, new_op_name=Multiply)");
  CHECK(node_named(out, "m").op() == "Multiply");
  CHECK(node_named(out, "m").attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(node_named(out, "n").op() == "MulNoNan");
  CHECK(mq::test::transform_error(graph, "rename_op(old_op_name=Mul)") ==
        "rename_op: rename_op expects exactly one 'old_op_name' and 'new_op_name' argument, e.g. "
        "rename_op(old_op_name=Mul, new_op_name=Multiply)");
}

TEST_CASE("rename_node (TV-RNODE-1, 2)", "[transforms][rename_node]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "input", "Placeholder");
  add_node(&graph, "splitter", "Split", {"input"});
  add_node(&graph, "adder", "Add", {"splitter", "splitter:1", "^splitter"});
  auto out = mq::test::transformed(graph, "rename_node(old_node_name=splitter, new_node_name=demux)");
  CHECK(node_names(out) == Names{"input", "demux", "adder"});
  CHECK(inputs_of(out, "adder") == Names{"demux", "demux:1", "^demux"});
  CHECK(mq::test::transform_error(graph, "rename_node(old_node_name=splitter, new_node_name=adder)") ==
        "rename_node: A node is alreading using adderas name.");
  CHECK(mq::test::transform_error(graph, "rename_node(old_node_name=splitter)").find("exactly one") !=
        std::string::npos);
}

TEST_CASE("rename_attribute (TV-RA-1)", "[transforms][rename_attribute]") {
  tensorflow::GraphDef graph;
  with_int(add_node(&graph, "a", "Foo"), "foo", 3);
  with_int(with_int(add_node(&graph, "b", "Foo"), "foo", 3), "bar", 7);
  with_int(add_node(&graph, "c", "Other"), "foo", 5);
  auto out = mq::test::transformed(graph, "rename_attribute(old_attribute_name=foo, new_attribute_name=bar)");
  CHECK(node_named(out, "a").attr().at("bar").i() == 3);
  CHECK(node_named(out, "a").attr().count("foo") == 0);
  CHECK(node_named(out, "b").attr().at("bar").i() == 7);
  CHECK(node_named(out, "b").attr().count("foo") == 0);
  CHECK(node_named(out, "c").attr().at("bar").i() == 5);
  out = mq::test::transformed(graph, "rename_attribute(old_attribute_name=foo, new_attribute_name=baz, op_name=Other, "
                                     "op_name=Foo)");
  CHECK(node_named(out, "c").attr().at("baz").i() == 5);
  CHECK(node_named(out, "a").attr().at("foo").i() == 3);
  CHECK(mq::test::transform_error(graph, "rename_attribute(old_attribute_name=foo)").find("exactly one") !=
        std::string::npos);
}

TEST_CASE("remove_attribute (TV-RMA-1)", "[transforms][remove_attribute]") {
  tensorflow::GraphDef graph;
  mq::test::set_type_attr(add_node(&graph, "m", "Mul"), "T", tensorflow::DT_FLOAT);
  mq::test::set_type_attr(add_node(&graph, "a", "Add"), "T", tensorflow::DT_FLOAT);
  auto out = mq::test::transformed(graph, "remove_attribute(op_name=Mul, attribute_name=T)");
  CHECK(node_named(out, "m").attr().empty());
  CHECK(node_named(out, "a").attr().count("T") == 1);
  out = mq::test::transformed(graph, "remove_attribute(attribute_name=T)");
  CHECK(node_named(out, "m").attr().empty());
  CHECK(node_named(out, "a").attr().empty());
  CHECK(mq::test::transform_error(graph, "remove_attribute(op_name=Mul)") ==
        "remove_attribute: remove_nodes expects exactly one 'attribute_name' argument, e.g. "
        "remove_attribute(op_name=Mul, attribute_name=foo)");
  CHECK(mq::test::transform_error(graph, "remove_attribute(op_name=Mul, op_name=Add, attribute_name=T)") ==
        "remove_attribute: remove_nodes expects a single op_name argument, but found 2");
}

TEST_CASE("set_device and remove_device (TV-SD-1, 2, TV-RD-1)", "[transforms][set_device]") {
  auto graph = device_graph();
  auto out = mq::test::transformed(graph, "set_device(device=\"/device:CPU:0\")");
  for (const auto& node : out.node()) CHECK(node.device() == "/device:CPU:0");

  out = mq::test::transformed(graph, "set_device(device=\"/device:GPU:0\", if_default=true)");
  CHECK(node_named(out, "mul_node1").device() == "/device:CPU:0");
  CHECK(node_named(out, "add_node2").device() == "/device:GPU:1");
  for (const char* name : {"add_node3", "const_node1", "const_node2", "const_node3", "add_node4"})
    CHECK(node_named(out, name).device() == "/device:GPU:0");

  out = mq::test::transformed(graph, "set_device");
  for (const auto& node : out.node()) CHECK(node.device().empty());
  out = mq::test::transformed(graph, "remove_device");
  for (const auto& node : out.node()) CHECK(node.device().empty());
  CHECK(node_names(out) == node_names(graph));
}

TEST_CASE("remove_control_dependencies (TV-RCD-1)", "[transforms][remove_control_dependencies]") {
  tensorflow::GraphDef graph;
  for (const char* name : {"b", "c", "d", "e"}) add_node(&graph, name, "Const");
  add_node(&graph, "a", "Add", {"b", "c", "^d", "^e"});
  auto out = mq::test::transformed(graph, "remove_control_dependencies");
  CHECK(inputs_of(out, "a") == Names{"b", "c"});
  CHECK(out.node_size() == 5);
}

TEST_CASE("add_default_attributes (TV-ADA-1, 2)", "[transforms][add_default_attributes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "lrn_node1", "LRN");
  auto* lrn2 = add_node(&graph, "lrn_node2", "LRN");
  with_int(lrn2, "depth_radius", 7);
  (*lrn2->mutable_attr())["bias"].set_f(2.0f);
  (*lrn2->mutable_attr())["alpha"].set_f(2.0f);
  (*lrn2->mutable_attr())["beta"].set_f(1.0f);
  (*lrn2->mutable_attr())["custom"].set_s("kept");
  graph.mutable_versions()->set_producer(5);
  auto out = mq::test::transformed(graph, "add_default_attributes");
  const auto& lrn1 = node_named(out, "lrn_node1");
  CHECK(lrn1.attr().at("depth_radius").i() == 5);
  CHECK(lrn1.attr().at("bias").f() == 1.0f);
  CHECK(lrn1.attr().at("alpha").f() == 1.0f);
  CHECK(lrn1.attr().at("beta").f() == 0.5f);
  CHECK(lrn1.attr().at("T").type() == tensorflow::DT_FLOAT);
  const auto& lrn2_out = node_named(out, "lrn_node2");
  CHECK(lrn2_out.attr().at("depth_radius").i() == 7);
  CHECK(lrn2_out.attr().at("bias").f() == 2.0f);
  CHECK(lrn2_out.attr().at("custom").s() == "kept");
  CHECK(out.versions().producer() == 5);

  tensorflow::GraphDef unknown;
  add_node(&unknown, "n", "NotAnOp");
  CHECK(mq::test::transform_error(unknown, "add_default_attributes")
            .rfind("add_default_attributes: Op type not registered 'NotAnOp' (node 'n')", 0) == 0);
  // A function of the library is a known op.
  unknown.mutable_library()->add_function()->mutable_signature()->set_name("NotAnOp");
  CHECK(mq::test::transformed(unknown, "add_default_attributes").node_size() == 1);
}
