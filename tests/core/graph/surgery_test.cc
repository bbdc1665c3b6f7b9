#include "core/graph/surgery.h"

#include <catch2/catch.hpp>

#include "core/graph/input_names.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;

TEST_CASE("GTT input names: parts, node name, canonical form (TV-UTIL-1, 2)", "[transforms][surgery]") {
  struct Case {
    const char* input;
    const char* prefix;
    const char* name;
    const char* suffix;
  };
  for (const Case& c : {Case{"some_node_name", "", "some_node_name", ""},
                        Case{"some_node_name/with/slashes", "", "some_node_name/with/slashes", ""},
                        Case{"some_node_name:0", "", "some_node_name", ":0"},
                        Case{"^some_node_name", "^", "some_node_name", ""},
                        Case{"^some_node_name:99", "^", "some_node_name", ":99"},
                        Case{"a:b:c", "", "a", ":b"}}) {
    auto parts = mq::node_name_parts_from_input(c.input);
    CHECK(parts.prefix == c.prefix);
    CHECK(parts.name == c.name);
    CHECK(parts.suffix == c.suffix);
  }
  CHECK(mq::node_name_from_input("^a:3") == "a");
  CHECK(mq::canonical_input_name("node_name") == "node_name:0");
  CHECK(mq::canonical_input_name("node_name:0") == "node_name:0");
  CHECK(mq::canonical_input_name("^node_name") == "^node_name:0");
  CHECK(mq::canonical_input_name("^node_name:42") == "^node_name:42");
}

TEST_CASE("rename_node_inputs follows chains, wildcards and ignores (TV-UTIL-3..6)", "[transforms][surgery]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add", "Add", {"a", "b"});
  tensorflow::GraphDef out;
  REQUIRE(mq::rename_node_inputs(graph, {{"a", "f"}, {"f", "e"}, {"e", "d"}, {"d", "c"}}, {}, &out).is_ok());
  CHECK(inputs_of(out, "add") == Names{"c", "b"});

  auto cycle = mq::rename_node_inputs(graph, {{"a", "d"}, {"d", "a"}}, {}, &out);
  CHECK(cycle.message() == "RenameNodeInputs argument contains a cycle for a");

  tensorflow::GraphDef ports;
  add_node(&ports, "add", "Add", {"quantize_a:1", "quantize_a:2", "^quantize_a"});
  REQUIRE(mq::rename_node_inputs(ports, {{"quantize_a:*", "quantize_b"}}, {}, &out).is_ok());
  CHECK(inputs_of(out, "add") == Names{"quantize_b:1", "quantize_b:2", "^quantize_b"});

  tensorflow::GraphDef ignored;
  add_node(&ignored, "add", "Add", {"a", "a"});
  add_node(&ignored, "add2", "Add", {"a", "a"});
  REQUIRE(mq::rename_node_inputs(ignored, {{"a", "b"}}, {"add2"}, &out).is_ok());
  CHECK(inputs_of(out, "add") == Names{"b", "b"});
  CHECK(inputs_of(out, "add2") == Names{"a", "a"});

  // Plain sources match one port only; "^a" matches control inputs only;
  // the destination replaces the whole string.
  tensorflow::GraphDef mixed;
  add_node(&mixed, "n", "X", {"a", "a:0", "a:1", "^a"});
  REQUIRE(mq::rename_node_inputs(mixed, {{"a", "b:1"}}, {}, &out).is_ok());
  CHECK(inputs_of(out, "n") == Names{"b:1", "b:1", "a:1", "^a"});
  REQUIRE(mq::rename_node_inputs(mixed, {{"^a", "^z"}}, {}, &out).is_ok());
  CHECK(inputs_of(out, "n") == Names{"a", "a:0", "a:1", "^z"});
  // In place works too, and an error leaves the graph untouched.
  REQUIRE(mq::rename_node_inputs(mixed, {{"a:1", "q"}}, {}, &mixed).is_ok());
  CHECK(inputs_of(mixed, "n") == Names{"a", "a:0", "q", "^a"});
  CHECK_FALSE(mq::rename_node_inputs(mixed, {{"a", "q"}, {"q", "a"}}, {}, &mixed).is_ok());
  CHECK(inputs_of(mixed, "n") == Names{"a", "a:0", "q", "^a"});
}

TEST_CASE("remove_node_and_rewire bypasses a pass-through node", "[transforms][surgery]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "split", "Split", {"dim", "x"});
  add_node(&graph, "id", "Identity", {"split:1", "^init"});
  add_node(&graph, "relu", "Relu", {"id"});
  add_node(&graph, "sqrt", "Sqrt", {"id:0", "^init"});
  add_node(&graph, "noop", "NoOp", {"^id"});
  REQUIRE(mq::remove_node_and_rewire(&graph, "id").is_ok());
  CHECK_FALSE(mq::test::has_node(graph, "id"));
  CHECK(inputs_of(graph, "relu") == Names{"split:1", "^init"});
  CHECK(inputs_of(graph, "sqrt") == Names{"split:1", "^init"});
  CHECK(inputs_of(graph, "noop") == Names{"^split"});

  tensorflow::GraphDef multi;
  add_node(&multi, "u", "Unpack", {"x"});
  add_node(&multi, "use", "Relu", {"u:1"});
  CHECK(mq::remove_node_and_rewire(&multi, "u").message() ==
        "cannot remove node 'u': node 'use' reads its output 'u:1'");
  CHECK(mq::remove_node_and_rewire(&multi, "use").is_ok());
  CHECK(mq::remove_node_and_rewire(&multi, "nope").message() == "cannot remove node 'nope': there is no such node");
  tensorflow::GraphDef two_inputs;
  add_node(&two_inputs, "add", "Add", {"a", "b"});
  CHECK(mq::remove_node_and_rewire(&two_inputs, "add").message() ==
        "cannot remove node 'add' (Add): it has 2 data inputs, expected exactly one");
}

TEST_CASE("small surgery helpers", "[transforms][surgery]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "a", "Const");
  add_node(&graph, "b", "Relu", {"a", "^a"});
  add_node(&graph, "c", "Add", {"b", "a:0", "^b"});
  auto consumers = mq::consumers_by_name(graph);
  CHECK(consumers["a"] == std::vector<int>{1, 1, 2});
  CHECK(consumers["b"] == std::vector<int>{2, 2});

  CHECK(mq::rename_input_references(&graph, "a", "z") == 3);
  CHECK(inputs_of(graph, "c") == Names{"b", "z:0", "^b"});
  CHECK(mq::remove_control_inputs(graph.mutable_node(2)) == 1);
  CHECK(inputs_of(graph, "c") == Names{"b", "z:0"});

  auto node = mq::make_float_const_node("k", {2}, {1.5f, -2.0f});
  CHECK(node.op() == "Const");
  CHECK(node.attr().size() == 2);
  CHECK(node.attr().at("dtype").type() == tensorflow::DT_FLOAT);
  CHECK(mq::test::float_values(node) == std::vector<float>{1.5f, -2.0f});
  CHECK(mq::test::shape_of_value(node) == std::vector<int64_t>{2});
  auto scalar = mq::make_float_const_node("s", {}, {1.0f});
  CHECK(scalar.attr().at("value").tensor().has_tensor_shape());
  CHECK(scalar.attr().at("value").tensor().tensor_content().size() == 4);

  tensorflow::NodeDef to;
  CHECK(mq::copy_attr(node, "dtype", &to, "T").is_ok());
  CHECK(to.attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(mq::copy_attr(node, "missing", &to).message() == "node 'k' (Const) has no 'missing' attribute");
}
