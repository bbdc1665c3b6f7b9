#include <catch2/catch.hpp>

#include "core/graph/node_hash.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_names;

namespace {

// A float scalar Const written with float_val, like TF's own test graphs.
tensorflow::NodeDef* add_scalar(tensorflow::GraphDef* graph, const std::string& name, float value) {
  auto* node = add_node(graph, name, "Const");
  mq::test::set_type_attr(node, "dtype", tensorflow::DT_FLOAT);
  auto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  tensor->mutable_tensor_shape();
  tensor->add_float_val(value);
  return node;
}

tensorflow::NodeDef* add_typed(tensorflow::GraphDef* graph, const std::string& name, const std::string& op,
                               std::initializer_list<std::string> inputs) {
  auto* node = add_node(graph, name, op, inputs);
  mq::test::set_type_attr(node, "T", tensorflow::DT_FLOAT);
  return node;
}

std::vector<float> iota(float start) {
  std::vector<float> values;
  for (int i = 0; i < 10; ++i) values.push_back(start + static_cast<float>(i));
  return values;
}

}  // namespace

TEST_CASE("merge_duplicate_nodes orders nodes by hash (TV-MERGE-1)", "[transforms][merge_duplicate_nodes]") {
  tensorflow::GraphDef graph;
  add_scalar(&graph, "a", 1.0f);
  add_scalar(&graph, "b", 1.0f);
  add_typed(&graph, "add", "Add", {"a", "b"});
  add_scalar(&graph, "c", 2.0f);
  add_typed(&graph, "mul", "Mul", {"add", "c"});

  CHECK(graph.node(0).attr().at("value").SerializeAsString() ==
        std::string("\x42\x0a\x08\x01\x12\x00\x2a\x04\x00\x00\x80\x3f", 12));
  tensorflow::NodeDef nameless = graph.node(0);
  nameless.clear_name();
  CHECK(mq::hash_node_def(nameless) == 0x92a81540f4e5889dULL);
  CHECK(mq::hash_node_def(graph.node(4)) == 0x25f48ec6cf19f973ULL);

  auto result = mq::test::run_transforms(graph, "merge_duplicate_nodes", {}, {"mul"});
  REQUIRE(result.is_ok());
  CHECK(node_names(result->graph) == Names{"mul", "add", "a", "c"});
  CHECK(inputs_of(result->graph, "add") == Names{"a", "a"});
  CHECK(result->steps[0].notes.counters.at("nodes merged") == 1);
}

TEST_CASE("merge_duplicate_nodes merges identical constants and what they feed (TV-MERGE-2, 3)",
          "[transforms][merge_duplicate_nodes]") {
  tensorflow::GraphDef graph;
  mq::test::add_float_const(&graph, "a_op", {10}, iota(1));
  mq::test::add_float_const(&graph, "b_op", {10}, iota(1));
  add_typed(&graph, "add_op", "Add", {"a_op", "b_op"});
  mq::test::add_float_const(&graph, "c_op", {10}, iota(2));
  add_typed(&graph, "mul_op", "Mul", {"add_op", "c_op"});
  auto out = mq::test::transformed(graph, "merge_duplicate_nodes", {}, {"mul_op"});
  CHECK(out.node_size() == 4);
  CHECK_FALSE(mq::test::has_node(out, "b_op"));
  CHECK(inputs_of(out, "add_op") == Names{"a_op", "a_op"});
  CHECK(inputs_of(out, "mul_op") == Names{"add_op", "c_op"});

  tensorflow::GraphDef relus;
  mq::test::add_float_const(&relus, "a_op", {10}, iota(1));
  mq::test::add_float_const(&relus, "b_op", {10}, iota(1));
  add_typed(&relus, "a_relu_op", "Relu", {"a_op"});
  add_typed(&relus, "b_relu_op", "Relu", {"b_op"});
  add_typed(&relus, "add_op", "Add", {"a_relu_op", "b_relu_op"});
  mq::test::add_float_const(&relus, "c_op", {10}, iota(2));
  add_typed(&relus, "mul_op", "Mul", {"add_op", "c_op"});
  out = mq::test::transformed(relus, "merge_duplicate_nodes", {}, {"mul_op"});
  CHECK(out.node_size() == 5);
  CHECK(mq::test::has_node(out, "a_op"));
  CHECK_FALSE(mq::test::has_node(out, "b_op"));
  // Which Relu survives follows from the hash order of the first pass:
  // Relu(b_op) hashes lower than Relu(a_op), so after pass 1 b_relu_op comes
  // first and pass 2 keeps it.
  CHECK(mq::test::has_node(out, "b_relu_op"));
  CHECK_FALSE(mq::test::has_node(out, "a_relu_op"));
  CHECK(inputs_of(out, "b_relu_op") == Names{"a_op"});
  CHECK(inputs_of(out, "add_op") == Names{"b_relu_op", "b_relu_op"});
}

TEST_CASE("merge_duplicate_nodes keeps named inputs/outputs apart (TV-MERGE-4)", "[transforms][merge_duplicate_nodes]") {
  tensorflow::GraphDef graph;
  mq::test::add_float_const(&graph, "a_op", {10}, iota(1));
  mq::test::add_float_const(&graph, "b_op", {10}, iota(1));
  add_typed(&graph, "a_relu_op", "Relu", {"a_op"});
  add_typed(&graph, "b_relu_op", "Relu", {"b_op"});
  add_typed(&graph, "add_op", "Add", {"a_relu_op", "b_relu_op"});
  mq::test::add_float_const(&graph, "c_op", {10}, iota(2));
  add_typed(&graph, "mul_op1", "Mul", {"add_op", "c_op"});
  add_typed(&graph, "mul_op2", "Mul", {"add_op", "c_op"});
  add_typed(&graph, "mul_op3", "Mul", {"add_op", "c_op"});
  add_typed(&graph, "final_mul_op", "Mul", {"mul_op2", "mul_op3"});
  auto out = mq::test::transformed(graph, "merge_duplicate_nodes", {"a_op"}, {"mul_op1", "final_mul_op"});
  for (const char* kept : {"a_op", "b_op", "a_relu_op", "b_relu_op", "mul_op1", "mul_op2"})
    CHECK(mq::test::has_node(out, kept));
  CHECK_FALSE(mq::test::has_node(out, "mul_op3"));
  CHECK(inputs_of(out, "final_mul_op") == Names{"mul_op2", "mul_op2"});
}

TEST_CASE("merge_duplicate_nodes leaves stateful ops and needs registered ops (TV-MERGE-5..7)",
          "[transforms][merge_duplicate_nodes]") {
  tensorflow::GraphDef quantize;
  add_node(&quantize, "x", "Placeholder");
  mq::test::add_float_const(&quantize, "min", {}, {-1.0f});
  mq::test::add_float_const(&quantize, "max", {}, {1.0f});
  for (const char* name : {"q1", "q2"}) {
    auto* q = add_node(&quantize, name, "QuantizeV2", {"x", "min", "max"});
    mq::test::set_type_attr(q, "T", tensorflow::DT_QUINT8);
    (*q->mutable_attr())["mode"].set_s("MIN_FIRST");
  }
  add_node(&quantize, "use", "Add", {"q1", "q2:1"});
  auto out = mq::test::transformed(quantize, "merge_duplicate_nodes", {}, {"use"});
  CHECK(out.node_size() == 5);
  bool q1 = mq::test::has_node(out, "q1"), q2 = mq::test::has_node(out, "q2");
  CHECK(q1 != q2);
  std::string kept = q1 ? "q1" : "q2";
  CHECK(inputs_of(out, "use") == Names{kept, kept + ":1"});

  tensorflow::GraphDef variables;
  for (const char* name : {"v1", "v2"}) {
    auto* v = add_node(&variables, name, "VariableV2");
    mq::test::set_type_attr(v, "dtype", tensorflow::DT_FLOAT);
  }
  CHECK(mq::test::transformed(variables, "merge_duplicate_nodes").node_size() == 2);

  tensorflow::GraphDef unknown;
  add_node(&unknown, "f", "FooBar");
  CHECK(mq::test::transform_error(unknown, "merge_duplicate_nodes")
            .rfind("merge_duplicate_nodes: Op type not registered 'FooBar' (node 'f')", 0) == 0);
}
