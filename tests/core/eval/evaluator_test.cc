#include "core/eval/evaluator.h"

#include <catch2/catch.hpp>

#include "core/eval/tensor_proto.h"
#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using test::floats;
using test::values_of;

// A Const node holding `tensor`.
void add_const(tensorflow::GraphDef& graph, const std::string& name, const Tensor& tensor) {
  tensorflow::NodeDef* node = graph.add_node();
  node->set_name(name);
  node->set_op("Const");
  (*node->mutable_attr())["dtype"].set_type(tensor.dtype());
  tensor_to_proto_content(tensor, (*node->mutable_attr())["value"].mutable_tensor());
}

void add_node(tensorflow::GraphDef& graph, const std::string& name, const std::string& op,
              const std::vector<std::string>& inputs, const test::Attrs& attrs = {}) {
  *graph.add_node() = test::make_node(name, op, inputs, attrs);
}

void add_placeholder(tensorflow::GraphDef& graph, const std::string& name, DataType dtype) {
  add_node(graph, name, "Placeholder", {}, test::type_attr("dtype", dtype));
}

TEST_CASE("the evaluator runs what the outputs need with feeds", "[eval][evaluator]") {
  tensorflow::GraphDef graph;
  add_node(graph, "y", "AddV2", {"x", "w"});
  add_const(graph, "w", floats({2}, {10, 20}));
  add_placeholder(graph, "x", tensorflow::DT_FLOAT);
  add_node(graph, "unused", "FooBar", {"x"});
  add_node(graph, "z", "Mul", {"y", "y"});
  MemoryBudget budget;
  StatusOr<std::vector<Tensor>> out =
      evaluate_graph(graph, {{"x", floats({2}, {1, 2})}}, {"z", "y:0", "w"}, budget);
  INFO(out.status().message());
  REQUIRE(out.is_ok());
  REQUIRE(out->size() == 3);
  CHECK(values_of<float>((*out)[0]) == std::vector<float>{121, 484});
  CHECK(values_of<float>((*out)[1]) == std::vector<float>{11, 22});
  CHECK(values_of<float>((*out)[2]) == std::vector<float>{10, 20});
  CHECK(budget.used() == 0);

  // Feeding an intermediate node replaces it.
  StatusOr<std::vector<Tensor>> fed = evaluate_graph(graph, {{"y:0", floats({1}, {3})}}, {"z"}, budget);
  REQUIRE(fed.is_ok());
  CHECK(values_of<float>((*fed)[0]) == std::vector<float>{9});
}

TEST_CASE("the evaluator reports missing feeds, kernels and nodes clearly", "[eval][evaluator]") {
  tensorflow::GraphDef graph;
  add_placeholder(graph, "x", tensorflow::DT_FLOAT);
  add_node(graph, "odd", "FooBar", {"x"});
  add_node(graph, "broken", "Identity", {"missing"});
  MemoryBudget budget;
  auto error_of = [&](const std::vector<Feed>& feeds, const std::string& output) {
    StatusOr<std::vector<Tensor>> out = evaluate_graph(graph, feeds, {output}, budget);
    REQUIRE_FALSE(out.is_ok());
    return out.status().message();
  };
  CHECK(error_of({}, "x") == "input 'x' needs a value: pass --input x=file.npy");
  CHECK(error_of({{"x", floats({1}, {1})}}, "odd") == "node 'odd' (op FooBar): no kernel for op FooBar");
  CHECK_THAT(error_of({}, "broken"), Catch::Contains("input 'missing' does not exist"));
  CHECK_THAT(error_of({}, "nowhere"), Catch::Contains("there is no node 'nowhere'"));
  CHECK_THAT(error_of({{"ghost", floats({1}, {1})}}, "x"), Catch::Contains("no node 'ghost'"));

  // Fed values must match the Placeholder's dtype and shape (-1 matches any size).
  tensorflow::GraphDef shaped;
  tensorflow::AttrValue shape;
  shape.mutable_shape()->add_dim()->set_size(-1);
  shape.mutable_shape()->add_dim()->set_size(2);
  add_node(shaped, "p", "Placeholder", {}, test::type_attr("dtype", tensorflow::DT_FLOAT) + test::attr("shape", shape));
  CHECK(evaluate_graph(shaped, {{"p", floats({3, 2}, {1, 2, 3, 4, 5, 6})}}, {"p"}, budget).is_ok());
  StatusOr<std::vector<Tensor>> wrong_shape = evaluate_graph(shaped, {{"p", floats({2}, {1, 2})}}, {"p"}, budget);
  CHECK(wrong_shape.status().message() ==
        "input 'p' has shape [-1,2] (-1: any size) but the value given has shape [2]");
  StatusOr<std::vector<Tensor>> wrong_type = evaluate_graph(shaped, {{"p", test::ints({1, 2}, {1, 2})}}, {"p"}, budget);
  CHECK(wrong_type.status().message() == "input 'p' is float but the value given is int32");

  tensorflow::GraphDef cycle;
  add_node(cycle, "a", "Identity", {"b"});
  add_node(cycle, "b", "Identity", {"a"});
  StatusOr<std::vector<Tensor>> looped = evaluate_graph(cycle, {}, {"a"}, budget);
  REQUIRE_FALSE(looped.is_ok());
  CHECK_THAT(looped.status().message(), Catch::Contains("cycle"));
}

TEST_CASE("the evaluator frees intermediates after their last use", "[eval][evaluator]") {
  // A chain of 50 Neg nodes over a 1 MB tensor: only a couple are alive at once.
  tensorflow::GraphDef graph;
  add_const(graph, "c", Tensor(tensorflow::DT_FLOAT, {256 * 1024}));
  std::string previous = "c";
  for (int i = 0; i < 50; ++i) {
    std::string name = "neg" + std::to_string(i);
    add_node(graph, name, "Neg", {previous});
    previous = name;
  }
  MemoryBudget budget;
  StatusOr<std::vector<Tensor>> out = evaluate_graph(graph, {}, {previous}, budget);
  REQUIRE(out.is_ok());
  const unsigned long long megabyte = 1024 * 1024;
  CHECK(budget.peak() >= 2 * megabyte);
  CHECK(budget.peak() <= 3 * megabyte);
  CHECK(budget.used() == 0);

  // The same chain under a 2.5 MB budget works; under 1.5 MB it fails with a message.
  MemoryBudget enough(5 * megabyte / 2);
  CHECK(evaluate_graph(graph, {}, {previous}, enough).is_ok());
  MemoryBudget tight(3 * megabyte / 2);
  StatusOr<std::vector<Tensor>> failed = evaluate_graph(graph, {}, {previous}, tight);
  REQUIRE_FALSE(failed.is_ok());
  CHECK(failed.status().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(failed.status().message(), Catch::Contains("over the budget of 1572864"));
}

TEST_CASE("the evaluator handles long chains without recursion", "[eval][evaluator]") {
  tensorflow::GraphDef graph;
  add_const(graph, "c", floats({1}, {1}));
  std::string previous = "c";
  for (int i = 0; i < 20000; ++i) {
    std::string name = "id" + std::to_string(i);
    add_node(graph, name, i % 2 ? "Identity" : "Neg", {previous});
    previous = name;
  }
  MemoryBudget budget;
  StatusOr<std::vector<Tensor>> out = evaluate_graph(graph, {}, {previous}, budget);
  REQUIRE(out.is_ok());
  CHECK(values_of<float>((*out)[0]) == std::vector<float>{1});
}

TEST_CASE("constant evaluation reports what it could not evaluate", "[eval][evaluator]") {
  tensorflow::GraphDef graph;
  add_const(graph, "two", test::scalar_int(2));
  add_placeholder(graph, "x", tensorflow::DT_INT32);
  add_node(graph, "four", "Mul", {"two", "two"});
  add_node(graph, "scaled", "Mul", {"x", "two"});
  add_node(graph, "odd", "FooBar", {"two"});
  add_node(graph, "after_odd", "Neg", {"odd"});
  add_node(graph, "excluded", "Neg", {"two"});
  MemoryBudget budget;
  StatusOr<ConstantEvaluation> result = evaluate_constants(
      graph, {"four", "scaled", "after_odd", "excluded"}, budget, KernelTable::global(),
      [](const tensorflow::NodeDef& node) { return node.name() != "excluded"; });
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  REQUIRE(result->values.size() == 4);
  CHECK(values_of<int32_t>(result->values[0]) == std::vector<int32_t>{4});
  CHECK_FALSE(result->values[1].is_valid());
  CHECK_FALSE(result->values[2].is_valid());
  CHECK_FALSE(result->values[3].is_valid());
  std::vector<std::string> names;
  for (const UnevaluatedNode& node : result->unevaluated) names.push_back(node.node);
  CHECK(names == std::vector<std::string>{"x", "scaled", "odd", "after_odd", "excluded"});
  CHECK_THAT(result->unevaluated[2].reason, Catch::Contains("no kernel for op FooBar"));
  CHECK(result->unevaluated[3].reason == "input 'odd' could not be evaluated");
  CHECK(result->unevaluated[4].reason == "excluded");
  CHECK(budget.used() == 0);
}

TEST_CASE("tensor names parse as node and port", "[eval][evaluator]") {
  CHECK(parse_tensor_name("a/b:3")->node == "a/b");
  CHECK(parse_tensor_name("a/b:3")->port == 3);
  CHECK(parse_tensor_name("a")->port == 0);
  CHECK_FALSE(parse_tensor_name("^a").is_ok());
  CHECK_FALSE(parse_tensor_name("").is_ok());
}

}  // namespace
}  // namespace mq
