#include "core/graph/matcher.h"

#include <catch2/catch.hpp>

#include "core/graph/execution_order.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::Names;
using mq::test::node_names;

namespace {

Names sorted_names(const tensorflow::GraphDef& graph) {
  tensorflow::GraphDef sorted;
  mq::Status status = mq::sort_by_execution_order(graph, &sorted);
  INFO(status.message());
  REQUIRE(status.is_ok());
  return node_names(sorted);
}

mq::OpTypePattern pattern(const std::string& text) {
  auto parsed = mq::parse_op_type_pattern(text);
  INFO(parsed.status().message());
  REQUIRE(parsed.is_ok());
  return *parsed;
}

// TV-UTIL-9's graph.
tensorflow::GraphDef util_graph() {
  tensorflow::GraphDef graph;
  add_node(&graph, "a", "Const");
  add_node(&graph, "b", "Const");
  add_node(&graph, "add", "Add", {"a", "b"});
  add_node(&graph, "placeholder", "Placeholder");
  add_node(&graph, "output", "Mul", {"add", "placeholder"});
  return graph;
}

Names heads(const std::vector<mq::NodeMatch>& matches) {
  Names names;
  for (const auto& match : matches) names.push_back(match.node->name());
  return names;
}

}  // namespace

TEST_CASE("execution order is GTT's last-in-first-out sort (TV-SORT-1..4)", "[transforms][matcher]") {
  tensorflow::GraphDef sort1;
  add_node(&sort1, "add_node", "Add", {"a_node", "b_node"});
  add_node(&sort1, "b_node", "Const");
  add_node(&sort1, "a_node", "Const");
  CHECK(sorted_names(sort1) == Names{"a_node", "b_node", "add_node"});

  tensorflow::GraphDef sort2;
  add_node(&sort2, "negative_node", "Negative", {"sqrt_node"});
  add_node(&sort2, "relu_node", "Relu", {"const_node"});
  add_node(&sort2, "sqrt_node", "Sqrt", {"relu_node"});
  add_node(&sort2, "const_node", "Const");
  CHECK(sorted_names(sort2) == Names{"const_node", "relu_node", "sqrt_node", "negative_node"});

  tensorflow::GraphDef sort3;
  add_node(&sort3, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&sort3, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&sort3, "add_node3", "Add", {"const_node3", "const_node4"});
  for (const char* name : {"const_node1", "const_node2", "const_node3", "const_node4"}) add_node(&sort3, name, "Const");
  CHECK(sorted_names(sort3) ==
        Names{"const_node4", "const_node3", "add_node3", "const_node2", "const_node1", "add_node2", "add_node1"});

  tensorflow::GraphDef sort4;
  add_node(&sort4, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&sort4, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&sort4, "add_node3", "Add", {"const_node1", "const_node3"});
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) add_node(&sort4, name, "Const");
  CHECK(sorted_names(sort4) ==
        Names{"const_node3", "const_node2", "const_node1", "add_node3", "add_node2", "add_node1"});
}

TEST_CASE("execution order errors (TV-SORT-5, 6) and loops", "[transforms][matcher]") {
  tensorflow::GraphDef cycle;
  add_node(&cycle, "a", "Add", {"b", "b"});
  add_node(&cycle, "b", "Add", {"a", "a"});
  add_node(&cycle, "c", "Const");
  std::vector<int> order;
  auto status = mq::execution_order(cycle, &order);
  CHECK(status.message() == "2 nodes in a cycle");
  CHECK(order == std::vector<int>{2});

  tensorflow::GraphDef dangling;
  add_node(&dangling, "c", "Const");
  add_node(&dangling, "a", "Identity", {"missing"});
  status = mq::execution_order(dangling, &order);
  CHECK(status.message() == "Node 'a': Unknown input node 'missing'");
  CHECK(order.empty());

  // A Merge is ready once its control inputs and one data input are emitted.
  tensorflow::GraphDef loop;
  add_node(&loop, "enter", "Enter", {"init"});
  add_node(&loop, "merge", "Merge", {"enter", "next"});
  add_node(&loop, "body", "Relu", {"merge"});
  add_node(&loop, "next", "NextIteration", {"body"});
  add_node(&loop, "init", "Const");
  CHECK(sorted_names(loop) == Names{"init", "enter", "merge", "body", "next"});
}

TEST_CASE("op type patterns parse and print", "[transforms][matcher]") {
  auto parsed = pattern(" Mul( Conv2D|MatMul (*, Const),Const ) ");
  CHECK(parsed.op == "Mul");
  REQUIRE(parsed.inputs.size() == 2);
  CHECK(parsed.inputs[0].op == "Conv2D|MatMul");
  CHECK(parsed.inputs[0].inputs[0].op == "*");
  CHECK(parsed.to_string() == "Mul(Conv2D|MatMul(*, Const), Const)");
  CHECK(mq::parse_op_type_pattern("Mul(Const").status().message() ==
        "op pattern 'Mul(Const' at column 10: expected ',' or ')' after an input of 'Mul'");
  CHECK(mq::parse_op_type_pattern("Mul(,)").status().message() ==
        "op pattern 'Mul(,)' at column 5: expected an op name or '*', found ','");
  CHECK_FALSE(mq::parse_op_type_pattern("Mul) x").is_ok());
}

TEST_CASE("GraphMatcher finds non-overlapping matches in execution order (TV-UTIL-9, 10)", "[transforms][matcher]") {
  auto graph = util_graph();
  mq::GraphMatcher matcher(graph);
  CHECK(heads(matcher.find_matches(pattern("Const"))) == Names{"b", "a"});
  auto add_match = matcher.find_matches(pattern("Add(Const, Const)"));
  REQUIRE(add_match.size() == 1);
  CHECK(add_match[0].node->name() == "add");
  CHECK(add_match[0].inputs[0].node->name() == "a");
  CHECK(add_match[0].inputs[1].node->name() == "b");
  CHECK(matcher.find_matches(pattern("NoSuch")).empty());
  CHECK(heads(matcher.find_matches(pattern("Mul(Add(Const, Const), Placeholder)"))) == Names{"output"});
  CHECK(heads(matcher.find_matches(pattern("*(*, *)"))) == Names{"add"});
  CHECK(heads(matcher.find_matches(pattern("Add|Mul"))) == Names{"add", "output"});

  tensorflow::GraphDef twice;
  add_node(&twice, "a", "Const");
  add_node(&twice, "add", "Add", {"a", "a"});
  auto both = mq::GraphMatcher(twice).find_matches(pattern("Add(Const, Const)"));
  REQUIRE(both.size() == 1);
  CHECK(both[0].inputs[0].node == both[0].inputs[1].node);

  // Control inputs are not part of matching; a leaf's inputs are never looked at.
  tensorflow::GraphDef control;
  add_node(&control, "c", "Const");
  add_node(&control, "x", "Placeholder");
  add_node(&control, "relu", "Relu", {"x", "^c"});
  CHECK(heads(mq::GraphMatcher(control).find_matches(pattern("Relu(Placeholder)"))) == Names{"relu"});
  CHECK(mq::GraphMatcher(control).find_matches(pattern("Relu(Placeholder, Const)")).empty());

  // Dangling inputs: no matches at all.
  tensorflow::GraphDef dangling = graph;
  add_node(&dangling, "broken", "Identity", {"missing"});
  CHECK(mq::GraphMatcher(dangling).find_matches(pattern("Const")).empty());
}

TEST_CASE("matched nodes come out breadth-first, each once (TV-UTIL-8)", "[transforms][matcher]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "fourth", "Const");
  add_node(&graph, "second", "Relu", {"fourth"});
  add_node(&graph, "third", "Relu", {"fourth"});
  add_node(&graph, "first", "Add", {"second", "third"});
  auto matches = mq::GraphMatcher(graph).find_matches(pattern("Add(Relu(Const), Relu(Const))"));
  REQUIRE(matches.size() == 1);
  Names order;
  for (const auto* node : mq::matched_nodes_in_order(matches[0])) order.push_back(node->name());
  CHECK(order == Names{"first", "second", "third", "fourth"});
}

TEST_CASE("replace_matching_op_types rewrites each match at its head (TV-UTIL-11)", "[transforms][matcher]") {
  auto graph = util_graph();
  tensorflow::GraphDef out;
  auto status = mq::replace_matching_op_types(
      graph, pattern("*"),
      [](const mq::NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
         std::vector<tensorflow::NodeDef>* new_nodes) {
        tensorflow::NodeDef renamed = *match.node;
        renamed.set_name(match.node->name() + "_before_identity");
        new_nodes->push_back(renamed);
        tensorflow::NodeDef identity;
        identity.set_name(match.node->name());
        identity.set_op("Identity");
        identity.add_input(renamed.name());
        new_nodes->push_back(identity);
        return mq::Status::ok();
      },
      {}, &out);
  REQUIRE(status.is_ok());
  CHECK(out.node_size() == 10);
  CHECK(mq::test::inputs_of(out, "output") == Names{"output_before_identity"});
  CHECK(mq::test::node_named(out, "output_before_identity").op() == "Mul");
  CHECK(mq::test::inputs_of(out, "add_before_identity") == Names{"a", "b"});
}

TEST_CASE("replace_matching_op_types refuses to drop nodes used outside the match", "[transforms][matcher]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Placeholder");
  add_node(&graph, "relu", "Relu", {"x"});
  add_node(&graph, "neg", "Neg", {"relu"});
  add_node(&graph, "other", "Sqrt", {"relu"});
  auto fuse = [](const mq::NodeMatch& match, const std::set<std::string>& input_nodes,
                 const std::set<std::string>& output_nodes, std::vector<tensorflow::NodeDef>* new_nodes) {
    CHECK(input_nodes == std::set<std::string>{"relu"});
    tensorflow::NodeDef fused = *match.node;
    fused.set_op("NegRelu");
    fused.set_input(0, "x");
    new_nodes->push_back(fused);
    return mq::Status::ok();
  };
  mq::ReplaceReport report;
  tensorflow::GraphDef out;
  REQUIRE(mq::replace_matching_op_types(graph, pattern("Neg(Relu)"), fuse, {}, &out, &report).is_ok());
  CHECK(node_names(out) == Names{"x", "neg", "relu", "other"});
  CHECK(mq::test::node_named(out, "neg").op() == "Neg");
  CHECK(report.matches == 1);
  CHECK(report.refused == 1);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0] ==
        "left the match at 'neg' (Neg) unchanged: its node 'relu' is still used by 'other' outside the match");

  // With inconsistencies allowed the replacement goes through (and dangles).
  mq::ReplaceOptions allow;
  allow.allow_inconsistencies = true;
  REQUIRE(mq::replace_matching_op_types(graph, pattern("Neg(Relu)"), fuse, allow, &out).is_ok());
  CHECK(node_names(out) == Names{"x", "neg", "other"});
  CHECK(mq::test::node_named(out, "neg").op() == "NegRelu");
}
