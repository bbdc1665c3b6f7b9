#include <catch2/catch.hpp>

#include <set>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_names;

TEST_CASE("obfuscate_names renames all but inputs and outputs (TV-OBF-1)", "[transforms][obfuscate_names]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&graph, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&graph, "add_node3", "Add", {"const_node3", "^const_node4"});
  for (const char* name : {"const_node1", "const_node2", "const_node3", "const_node4"}) add_node(&graph, name, "Const");
  auto out = mq::test::transformed(graph, "obfuscate_names", {"const_node1"}, {"add_node1"});
  CHECK(node_names(out) == Names{"add_node1", "0", "1", "const_node1", "2", "3", "4"});
  CHECK(inputs_of(out, "add_node1") == Names{"0", "1"});
  CHECK(inputs_of(out, "0") == Names{"const_node1", "2"});
  CHECK(inputs_of(out, "1") == Names{"3", "^4"});
}

TEST_CASE("obfuscate_names counts in base 62 (TV-OBF-2)", "[transforms][obfuscate_names]") {
  tensorflow::GraphDef graph;
  for (int i = 0; i < 1000; ++i) add_node(&graph, "const_node" + std::to_string(i), "Const");
  auto out = mq::test::transformed(graph, "obfuscate_names", {"const_node0"}, {"const_node999"});
  CHECK(out.node(0).name() == "const_node0");
  CHECK(out.node(999).name() == "const_node999");
  CHECK(out.node(1).name() == "0");
  CHECK(out.node(2).name() == "1");
  CHECK(out.node(62).name() == "Z");
  CHECK(out.node(63).name() == "10");
  CHECK(out.node(500).name() == "83");
  CHECK(out.node(998).name() == "g5");
}

TEST_CASE("obfuscate_names skips generated names that are protected (TV-OBF-3)", "[transforms][obfuscate_names]") {
  tensorflow::GraphDef graph;
  for (int i = 0; i < 1000; ++i) add_node(&graph, "1" + std::to_string(i), "Const");
  auto out = mq::test::transformed(graph, "obfuscate_names", {"10"}, {"19"});
  std::set<std::string> names;
  for (const auto& node : out.node()) names.insert(node.name());
  CHECK(names.size() == 1000);
  auto renamed = [&graph, &out](const std::string& old_name) {
    for (int i = 0; i < graph.node_size(); ++i)
      if (graph.node(i).name() == old_name) return out.node(i).name();
    return std::string("?");
  };
  CHECK(renamed("10") == "10");
  CHECK(renamed("19") == "19");
  CHECK(renamed("11") == "0");
  CHECK(renamed("18") == "7");
  CHECK(renamed("110") == "8");
  CHECK(renamed("164") == "11");
  CHECK(renamed("172") == "1a");
}

TEST_CASE("obfuscate_names compares --inputs as raw strings (TV-OBF-4)", "[transforms][obfuscate_names]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Placeholder");
  add_node(&graph, "y", "Relu", {"x:0"});
  auto out = mq::test::transformed(graph, "obfuscate_names", {"x:0"}, {"y"});
  CHECK(node_names(out) == Names{"0", "y"});
  CHECK(inputs_of(out, "y") == Names{"0:0"});

  tensorflow::GraphDef dangling;
  add_node(&dangling, "y", "Relu", {"missing"});
  CHECK(mq::test::transform_error(dangling, "obfuscate_names") == "obfuscate_names: No node named missing for input to y");
}
