// A typical transform_graph clean-up recipe on a .pbtxt fixture, compared by
// content with the expected .pbtxt.
#include <catch2/catch.hpp>

#include "core/io/text_format.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

TEST_CASE("the clean-up recipe gives the expected graph", "[transforms][recipe]") {
  auto input = mq::test::graph_from_text(mq::test::read_bytes(mq::test::test_data("transforms/recipe_input.pbtxt")));
  auto expected =
      mq::test::graph_from_text(mq::test::read_bytes(mq::test::test_data("transforms/recipe_expected.pbtxt")));
  auto result = mq::test::run_transforms(input,
                                         "strip_unused_nodes\n"
                                         "remove_nodes(op=Identity, op=CheckNumerics)\n"
                                         "remove_device\n"
                                         "sort_by_execution_order",
                                         {"input"}, {"output"});
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  CHECK(mq::print_text_graph(result->graph) == mq::print_text_graph(expected));
  REQUIRE(result->steps.size() == 4);
  CHECK(result->steps[0].nodes_before == 9);
  CHECK(result->steps[0].nodes_after == 6);
  CHECK(result->steps[1].nodes_after == 4);
  CHECK(result->steps[1].notes.counters.at("nodes removed") == 2);
  CHECK(result->steps[2].notes.counters.at("devices cleared") == 3);
}

TEST_CASE("TensorFlow's invalid-input check counts every dangling input (TV-UTIL-7)", "[transforms][recipe]") {
  auto graph = mq::test::graph_from_text(R"(
    node { name: "mul_node" op: "Mul" input: "add_node1" input: "add_node2:0" input: "^const_node1:0" }
    node { name: "add_node1" op: "Add" input: "missing_input1" input: "const_node1:0" input: "missing_input2" }
    node { name: "add_node2" op: "Add" input: "missing_input3" input: "const_node1:0" input: "^const_node2" }
    node { name: "const_node1" op: "Const" }
    node { name: "const_node2" op: "Const" }
  )");
  CHECK(mq::test::transform_error(graph, "remove_device") ==
        "remove_device: Invalid graph with inputs referring to nonexistent nodes: input 'missing_input1' of node "
        "'add_node1' does not exist (and 2 more)");
  auto valid = mq::test::graph_from_text("node { name: \"const_node2\" op: \"Const\" }");
  CHECK(mq::test::transformed(valid, "remove_device").node_size() == 1);
}
