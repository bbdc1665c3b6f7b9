#include "core/graph/graph_index.h"

#include <catch2/catch.hpp>

namespace {

tensorflow::GraphDef make_graph(std::initializer_list<std::pair<const char*, std::vector<std::string>>> nodes) {
  tensorflow::GraphDef g;
  for (const auto& [name, inputs] : nodes) {
    tensorflow::NodeDef* n = g.add_node();
    n->set_name(name);
    n->set_op("Identity");
    for (const std::string& in : inputs) n->add_input(in);
  }
  return g;
}

}  // namespace

TEST_CASE("parse_input handles ports, control inputs and colons in names") {
  auto a = mq::parse_input("conv1/weights");
  CHECK(a.node == "conv1/weights");
  CHECK(a.port == 0);
  CHECK_FALSE(a.control);
  auto b = mq::parse_input("split:2");
  CHECK(b.node == "split");
  CHECK(b.port == 2);
  auto c = mq::parse_input("^init");
  CHECK(c.control);
  CHECK(c.node == "init");
  auto d = mq::parse_input("weird:name");
  CHECK(d.node == "weird:name");
  CHECK(mq::format_input("split", 2) == "split:2");
  CHECK(mq::format_input("a", 0) == "a");
  CHECK(mq::format_input("a", 0, true) == "^a");
}

TEST_CASE("GraphIndex finds consumers, sinks and a topological order") {
  auto g = make_graph({{"c", {"b", "^a"}}, {"a", {}}, {"b", {"a:0", "a:1"}}});
  mq::GraphIndex index(g);
  REQUIRE(index.validate().is_ok());
  int a = index.index_of("a"), b = index.index_of("b"), c = index.index_of("c");
  CHECK(index.consumers_of(a) == std::vector<int>{0, 2});
  CHECK(index.consumers_of(b) == std::vector<int>{0});
  CHECK(index.sinks() == std::vector<int>{c});
  auto order = index.topological_order();
  REQUIRE(order.is_ok());
  std::vector<int> pos(3);
  for (int i = 0; i < 3; ++i) pos[(*order)[i]] = i;
  CHECK(pos[a] < pos[b]);
  CHECK(pos[b] < pos[c]);
}

TEST_CASE("GraphIndex validation names the offending node") {
  SECTION("dangling input") {
    auto g = make_graph({{"a", {"missing"}}});
    auto s = mq::GraphIndex(g).validate();
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message() == "node 'a' input 'missing' does not exist");
  }
  SECTION("duplicate names") {
    auto g = make_graph({{"a", {}}, {"a", {}}});
    auto s = mq::GraphIndex(g).validate();
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message().find("'a'") != std::string::npos);
  }
  SECTION("cycle") {
    auto g = make_graph({{"a", {"b"}}, {"b", {"a"}}});
    auto s = mq::GraphIndex(g).validate();
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message().find("cycle") != std::string::npos);
  }
  SECTION("loop back edges through NextIteration are allowed") {
    auto g = make_graph({{"enter", {}}, {"merge", {"enter", "next"}}, {"body", {"merge"}}, {"next", {"body"}}});
    g.mutable_node(1)->set_op("Merge");
    g.mutable_node(3)->set_op("NextIteration");
    CHECK(mq::GraphIndex(g).validate().is_ok());
  }
}
