#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::Names;
using mq::test::node_names;

TEST_CASE("sort_by_execution_order reorders without touching nodes (TV-SORT-3)", "[transforms][sort_by_execution_order]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "add_node1", "Add", {"add_node2", "add_node3"})->set_device("/cpu:0");
  add_node(&graph, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&graph, "add_node3", "Add", {"const_node3", "const_node4", "^const_node1"});
  for (const char* name : {"const_node1", "const_node2", "const_node3", "const_node4"}) add_node(&graph, name, "Const");
  auto sorted = mq::test::transformed(graph, "sort_by_execution_order");
  CHECK(node_names(sorted) ==
        Names{"const_node4", "const_node3", "const_node2", "const_node1", "add_node3", "add_node2", "add_node1"});
  CHECK(mq::test::node_named(sorted, "add_node1").device() == "/cpu:0");
  CHECK(mq::test::inputs_of(sorted, "add_node3") == Names{"const_node3", "const_node4", "^const_node1"});
  // Sorting a sorted graph keeps the order's dependencies satisfied.
  auto again = mq::test::transformed(sorted, "sort_by_execution_order");
  CHECK(again.node_size() == sorted.node_size());
}

TEST_CASE("sort_by_execution_order reports cycles and unknown inputs (TV-SORT-5, 6)", "[transforms][sort_by_execution_order]") {
  tensorflow::GraphDef cycle;
  add_node(&cycle, "a", "Add", {"b", "b"});
  add_node(&cycle, "b", "Add", {"a", "a"});
  CHECK(mq::test::transform_error(cycle, "sort_by_execution_order") == "sort_by_execution_order: 2 nodes in a cycle");
  auto kept = mq::test::transformed(cycle, "sort_by_execution_order(ignore_errors=true)");
  CHECK(node_names(kept) == Names{"a", "b"});
}
