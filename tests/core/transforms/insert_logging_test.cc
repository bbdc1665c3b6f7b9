#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

// Graph L1 of the test vectors.
tensorflow::GraphDef logging_graph() {
  tensorflow::GraphDef graph;
  std::vector<float> iota = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) mq::test::add_float_const(&graph, name, {10}, iota);
  auto typed = [&graph](const std::string& name, const std::string& op, std::initializer_list<std::string> inputs) {
    mq::test::set_type_attr(add_node(&graph, name, op, inputs), "T", tensorflow::DT_FLOAT);
  };
  typed("add_node2", "Add", {"const_node1", "const_node2"});
  typed("add_node3", "Add", {"const_node1", "const_node3"});
  typed("mul_node1", "Mul", {"add_node2", "add_node3"});
  typed("add_node4", "Add", {"mul_node1", "const_node3"});
  return graph;
}

Names printed_nodes(const tensorflow::GraphDef& graph) {
  Names names;
  for (const auto& node : graph.node())
    if (node.op() == "Print") names.push_back(node.input(0));
  return names;
}

}  // namespace

TEST_CASE("insert_logging prints every used node (TV-IL-1)", "[transforms][insert_logging]") {
  auto out = mq::test::transformed(logging_graph(), "insert_logging", {}, {"add_node4"});
  CHECK(node_names(out) == Names{"const_node1", "const_node1__print__", "const_node2", "const_node2__print__",
                                 "const_node3", "const_node3__print__", "add_node2", "add_node2__print__",
                                 "add_node3", "add_node3__print__", "mul_node1", "mul_node1__print__", "add_node4"});
  const auto& print = node_named(out, "const_node1__print__");
  CHECK(print.op() == "Print");
  CHECK(inputs_of(out, "const_node1__print__") == Names{"const_node1:0", "const_node1:0"});
  CHECK(print.attr().at("T").type() == tensorflow::DT_FLOAT);
  REQUIRE(print.attr().at("U").list().type_size() == 1);
  CHECK(print.attr().at("U").list().type(0) == tensorflow::DT_FLOAT);
  CHECK(print.attr().at("message").s().empty());
  CHECK(print.attr().at("first_n").i() == -1);
  CHECK(print.attr().at("summarize").i() == 1024);
  CHECK(print.attr().size() == 5);
  CHECK(inputs_of(out, "add_node2") == Names{"const_node1__print__:0", "const_node2__print__:0"});
  CHECK(inputs_of(out, "add_node4") == Names{"mul_node1__print__:0", "const_node3__print__:0"});
}

TEST_CASE("insert_logging filters by op and name prefix (TV-IL-2, 3)", "[transforms][insert_logging]") {
  auto by_op = mq::test::transformed(logging_graph(), "insert_logging(op=Mul, op=Add)", {}, {"add_node4"});
  CHECK(printed_nodes(by_op) == Names{"add_node2:0", "add_node3:0", "mul_node1:0"});
  auto by_prefix = mq::test::transformed(logging_graph(), "insert_logging(prefix=add_node)", {}, {"add_node4"});
  CHECK(printed_nodes(by_prefix) == Names{"add_node2:0", "add_node3:0"});
}

TEST_CASE("insert_logging logs each used port with name and op in the message (TV-IL-4)", "[transforms][insert_logging]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "input", "Placeholder");
  add_node(&graph, "min", "Placeholder");
  add_node(&graph, "max", "Placeholder");
  mq::test::set_type_attr(add_node(&graph, "rr", "RequantizationRange", {"input", "min", "max"}), "Tinput",
                          tensorflow::DT_QINT32);
  add_node(&graph, "use", "Add", {"rr:1", "rr", "^rr"});
  auto out = mq::test::transformed(
      graph, "insert_logging(op=RequantizationRange, show_name=true, message=\"__requant_min_max:\")", {}, {"use"});
  const auto& print = node_named(out, "rr__print__");
  CHECK(inputs_of(out, "rr__print__") == Names{"rr:0", "rr:0", "rr:1"});
  CHECK(print.attr().at("message").s() == ";rr__print__;__requant_min_max:");
  CHECK(print.attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(print.attr().at("U").list().type_size() == 2);
  CHECK(inputs_of(out, "use") == Names{"rr:1", "rr__print__:0", "^rr"});

  out = mq::test::transformed(graph, "insert_logging(op=RequantizationRange, show_op=1, show_name=1, message=x)", {},
                              {"use"});
  CHECK(node_named(out, "rr__print__").attr().at("message").s() == ";RequantizationRange;;rr__print__;x");
  out = mq::test::transformed(graph, "insert_logging(op=RequantizationRange, first_n=3, summarize=7)", {}, {"use"});
  CHECK(node_named(out, "rr__print__").attr().at("first_n").i() == 3);
  CHECK(node_named(out, "rr__print__").attr().at("summarize").i() == 7);
}

TEST_CASE("insert_logging skips nodes without outputs and needs known ops", "[transforms][insert_logging]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "init", "NoOp");
  mq::test::set_type_attr(add_node(&graph, "x", "Placeholder"), "dtype", tensorflow::DT_FLOAT);
  add_node(&graph, "out", "Relu", {"x", "^init"});
  mq::test::set_type_attr(graph.mutable_node(2), "T", tensorflow::DT_FLOAT);
  auto result = mq::test::run_transforms(graph, "insert_logging", {}, {"out"});
  REQUIRE(result.is_ok());
  CHECK(node_names(result->graph) == Names{"init", "x", "x__print__", "out"});
  CHECK(result->steps[0].notes.warnings == Names{"node 'init' (NoOp) has no outputs to log"});

  tensorflow::GraphDef unknown;
  add_node(&unknown, "f", "FooBar");
  add_node(&unknown, "g", "Relu", {"f"});
  CHECK(mq::test::transform_error(unknown, "insert_logging").rfind("insert_logging: Op type not registered 'FooBar'", 0) == 0);
  CHECK(mq::test::transformed(unknown, "insert_logging(op=Relu)").node_size() == 2);

  tensorflow::GraphDef bad_port;
  add_node(&bad_port, "x", "Placeholder");
  add_node(&bad_port, "y", "Relu", {"x:a"});
  CHECK(mq::test::transform_error(bad_port, "insert_logging") ==
        "insert_logging: Couldn't understand output number in x:a");
}
