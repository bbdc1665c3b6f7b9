#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_names;

TEST_CASE("remove_nodes bypasses Identity nodes (TV-RN-1)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&graph, "add_node2", "Add", {"identity_node1", "identity_node2"});
  add_node(&graph, "add_node3", "Add", {"identity_node1", "const_node3"});
  add_node(&graph, "identity_node1", "Identity", {"const_node1"});
  add_node(&graph, "identity_node2", "Identity", {"const_node2"});
  add_node(&graph, "identity_node3", "Identity", {"const_node3"});
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) add_node(&graph, name, "Const");
  add_node(&graph, "add_node4", "Add", {"add_node2", "add_node3"});
  auto out = mq::test::transformed(graph, "remove_nodes(op=Identity)", {}, {"add_node1"});
  CHECK(node_names(out) ==
        Names{"add_node1", "add_node2", "add_node3", "const_node1", "const_node2", "const_node3", "add_node4"});
  CHECK(inputs_of(out, "add_node2") == Names{"const_node1", "const_node2"});
  CHECK(inputs_of(out, "add_node3") == Names{"const_node1", "const_node3"});
  CHECK(inputs_of(out, "add_node4") == Names{"add_node2", "add_node3"});
}

TEST_CASE("remove_nodes keeps outputs, re-emitting their match (TV-RN-2)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "const_node1", "Const");
  add_node(&graph, "const_node2", "Const");
  add_node(&graph, "add_node", "Add", {"const_node1", "const_node2"});
  add_node(&graph, "identity_node", "Identity", {"add_node"});
  auto out = mq::test::transformed(graph, "remove_nodes(op=Identity)", {}, {"identity_node"});
  CHECK(node_names(out) == Names{"const_node1", "const_node2", "identity_node", "add_node"});
  CHECK(inputs_of(out, "identity_node") == Names{"add_node"});
}

TEST_CASE("remove_nodes removes chains over several passes (TV-RN-3)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "const_node1", "Const");
  add_node(&graph, "identity_node1", "Identity", {"const_node1"});
  add_node(&graph, "identity_node2", "Identity", {"identity_node1"});
  add_node(&graph, "identity_node3", "Identity", {"identity_node2"});
  add_node(&graph, "const_node2", "Const");
  add_node(&graph, "add_node", "Add", {"identity_node3", "const_node2"});
  auto result = mq::test::run_transforms(graph, "remove_nodes(op=Identity)", {}, {"identity_node"});
  REQUIRE(result.is_ok());
  CHECK(node_names(result->graph) == Names{"const_node1", "const_node2", "add_node"});
  CHECK(inputs_of(result->graph, "add_node") == Names{"const_node1", "const_node2"});
  CHECK(result->steps[0].notes.counters.at("nodes removed") == 3);
}

TEST_CASE("remove_nodes with max_inputs drops the extra producers (TV-RN-4)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  for (const char* name : {"const_node1", "const_node2", "const_node3", "const_node4"}) add_node(&graph, name, "Const");
  add_node(&graph, "fake_quant_node", "FakeQuantWithMinMaxVars", {"const_node1", "const_node2", "const_node3"});
  add_node(&graph, "add_node", "Add", {"fake_quant_node", "const_node4"});
  auto out =
      mq::test::transformed(graph, "remove_nodes(op=FakeQuantWithMinMaxVars, max_inputs=3)", {}, {"add_node"});
  CHECK(node_names(out) == Names{"const_node4", "const_node1", "add_node"});
  CHECK(inputs_of(out, "add_node") == Names{"const_node1", "const_node4"});
  // With the default max_inputs=1 a three-input node is not a candidate.
  CHECK(mq::test::transformed(graph, "remove_nodes(op=FakeQuantWithMinMaxVars)", {}, {"add_node"}).node_size() == 6);
}

TEST_CASE("remove_nodes keeps ports and moves control dependents (TV-RN-5)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "in", "Placeholder");
  (*add_node(&graph, "x", "Unpack", {"in"})->mutable_attr())["num"].set_i(2);
  add_node(&graph, "id", "Identity", {"x:1"});
  add_node(&graph, "c", "Relu", {"id"});
  add_node(&graph, "d", "NoOp", {"^id"});
  auto out = mq::test::transformed(graph, "remove_nodes(op=Identity)", {}, {"c", "d"});
  CHECK(inputs_of(out, "c") == Names{"x:1"});
  CHECK(inputs_of(out, "d") == Names{"^x"});
  CHECK_FALSE(mq::test::has_node(out, "id"));
}

TEST_CASE("remove_nodes respects --inputs and handles several ops", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Placeholder");
  add_node(&graph, "check", "CheckNumerics", {"x"});
  add_node(&graph, "id", "Identity", {"check"});
  add_node(&graph, "out", "Relu", {"id"});
  auto out = mq::test::transformed(graph, "remove_nodes(op=Identity, op=CheckNumerics)", {"check:0"}, {"out"});
  // The kept match is re-emitted at its head's position, so x moves after it.
  CHECK(node_names(out) == Names{"check", "x", "out"});
  CHECK(inputs_of(out, "out") == Names{"check"});
  out = mq::test::transformed(graph, "remove_nodes(op=Identity, op=CheckNumerics)", {}, {"out"});
  CHECK(node_names(out) == Names{"x", "out"});
  CHECK(inputs_of(out, "out") == Names{"x"});
}

TEST_CASE("remove_nodes needs an op (TV-RN-6)", "[transforms][remove_nodes]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Placeholder");
  CHECK(mq::test::transform_error(graph, "remove_nodes") ==
        "remove_nodes: remove_nodes expects at least one 'op'argument, e.g. remove_nodes(op=Identity)");
  CHECK(mq::test::transform_error(graph, "remove_nodes(op=Identity, max_inputs=x)") ==
        "remove_nodes: Couldn't interpret the max_inputs argument as a number:x");
}
