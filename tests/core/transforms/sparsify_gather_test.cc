// sparsify_gather: vectors derived from transforms.md sparsify_gather (node
// names, order, values, the group NoOp, the removal rules and the errors).
#include <catch2/catch.hpp>

#include <cstring>

#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_float_const;
using mq::test::add_int32_const;
using mq::test::add_node;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

// ids → Gather(Identity(w), ids) → out, w = [5, 1] with two near-zeros.
tensorflow::GraphDef embedding_graph(const std::string& gather_op = "Gather") {
  tensorflow::GraphDef graph;
  auto* ids = add_node(&graph, "ids", "Placeholder");
  (*ids->mutable_attr())["dtype"].set_type(tensorflow::DT_INT64);
  auto* w = add_float_const(&graph, "w", {5, 1}, {0.2f, 0.0f, 1.2f, 0.000001f, -0.5f});
  (*w->mutable_attr())["_output_shapes"].mutable_list()->add_shape();
  add_node(&graph, "w/read", "Identity", {"w"});
  if (gather_op == "Gather") {
    add_node(&graph, "gather", "Gather", {"w/read", "ids"});
  } else {
    add_int32_const(&graph, "axis", {}, {0});
    add_node(&graph, "gather", "GatherV2", {"w/read", "ids", "axis"});
  }
  add_node(&graph, "out", "Relu", {"gather"});
  return graph;
}

std::vector<int64_t> int64_values(const tensorflow::NodeDef& node) {
  const std::string& content = node.attr().at("value").tensor().tensor_content();
  std::vector<int64_t> values(content.size() / 8);
  std::memcpy(values.data(), content.data(), content.size());
  return values;
}

void check_sparsified(const tensorflow::GraphDef& out) {
  CHECK(node_names(out) == Names{"ids", "w/indices", "w/values", "w/HashTable", "w/InitializeTable",
                                 "gather/LookupTableFind", "gather/Const", "gather/ExpandDims/Const", "gather", "out",
                                 "group_deps"});
  const auto& indices = node_named(out, "w/indices");
  CHECK(indices.op() == "Const");
  CHECK(indices.attr().at("dtype").type() == tensorflow::DT_INT64);
  CHECK(int64_values(indices) == std::vector<int64_t>{0, 2, 4});
  CHECK(mq::test::shape_of_value(indices) == std::vector<int64_t>{3});
  CHECK(mq::test::float_values(node_named(out, "w/values")) == std::vector<float>{0.2f, 1.2f, -0.5f});
  const auto& table = node_named(out, "w/HashTable");
  CHECK(table.op() == "HashTable");
  CHECK(table.input_size() == 0);
  CHECK(table.attr().at("key_dtype").type() == tensorflow::DT_INT64);
  CHECK(table.attr().at("value_dtype").type() == tensorflow::DT_FLOAT);
  CHECK(node_named(out, "w/InitializeTable").op() == "InitializeTable");
  CHECK(inputs_of(out, "w/InitializeTable") == Names{"w/HashTable", "w/indices", "w/values"});
  CHECK(node_named(out, "w/InitializeTable").attr().at("Tkey").type() == tensorflow::DT_INT64);
  CHECK(node_named(out, "w/InitializeTable").attr().at("Tval").type() == tensorflow::DT_FLOAT);
  const auto& lookup = node_named(out, "gather/LookupTableFind");
  CHECK(lookup.op() == "LookupTableFind");
  CHECK(inputs_of(out, "gather/LookupTableFind") == Names{"w/HashTable", "ids", "gather/Const"});
  CHECK(lookup.attr().at("Tin").type() == tensorflow::DT_INT64);
  CHECK(lookup.attr().at("Tout").type() == tensorflow::DT_FLOAT);
  CHECK(mq::test::float_values(node_named(out, "gather/Const")) == std::vector<float>{0.0f});
  const auto& dim = node_named(out, "gather/ExpandDims/Const").attr().at("value").tensor();
  CHECK(dim.dtype() == tensorflow::DT_INT32);
  REQUIRE(dim.int_val_size() == 1);
  CHECK(dim.int_val(0) == -1);
  CHECK(dim.tensor_content().empty());
  const auto& expand = node_named(out, "gather");
  CHECK(expand.op() == "ExpandDims");
  CHECK(inputs_of(out, "gather") == Names{"gather/LookupTableFind", "gather/ExpandDims/Const"});
  CHECK(expand.attr().at("T").type() == tensorflow::DT_FLOAT);
  CHECK(node_named(out, "group_deps").op() == "NoOp");
  CHECK(inputs_of(out, "group_deps") == Names{"^w/InitializeTable"});
  for (const auto& node : out.node()) CHECK(node.attr().count("_output_shapes") == 0);
}

}  // namespace

TEST_CASE("sparsify_gather turns a Gather over a sparse [N,1] Const into a hash table",
          "[transforms][sparsify_gather]") {
  auto result = mq::test::run_transforms(embedding_graph(), "sparsify_gather", {"ids"}, {"out"});
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  check_sparsified(result->graph);
  CHECK(result->steps[0].notes.counters.at("gathers sparsified") == 1);
  CHECK(result->steps[0].notes.counters.at("table entries kept") == 3);
  CHECK(result->steps[0].notes.counters.at("table entries dropped") == 2);
}

TEST_CASE("sparsify_gather handles GatherV2 over axis 0 and drops the axis Const", "[transforms][sparsify_gather]") {
  auto out = mq::test::transformed(embedding_graph("GatherV2"), "sparsify_gather", {"ids"}, {"out"});
  check_sparsified(out);
}

TEST_CASE("sparsify_gather uses an existing group NoOp, or the one named by group_init_node",
          "[transforms][sparsify_gather]") {
  auto graph = embedding_graph();
  add_node(&graph, "init_all", "NoOp", {"^out"});
  auto out = mq::test::transformed(graph, "sparsify_gather(group_init_node=init_all)", {"ids"}, {"out"});
  CHECK(node_names(out).back() == "init_all");
  CHECK_FALSE(mq::test::has_node(out, "group_deps"));
  CHECK(inputs_of(out, "init_all") == Names{"^out", "^w/InitializeTable"});

  auto not_noop = embedding_graph();
  add_node(&not_noop, "group_deps", "Relu", {"out"});
  CHECK(mq::test::transform_error(not_noop, "sparsify_gather", {"ids"}, {"group_deps"}) ==
        "sparsify_gather: group_init_node 'group_deps' is a Relu, not a NoOp; name another node with "
        "group_init_node=");
}

TEST_CASE("sparsify_gather keeps one entry when every value is near zero", "[transforms][sparsify_gather]") {
  auto graph = embedding_graph();
  auto* w = graph.mutable_node(1);
  w->mutable_attr()->at("value").mutable_tensor()->set_tensor_content(std::string(20, '\0'));
  auto out = mq::test::transformed(graph, "sparsify_gather", {"ids"}, {"out"});
  CHECK(int64_values(node_named(out, "w/indices")) == std::vector<int64_t>{0});
  CHECK(mq::test::float_values(node_named(out, "w/values")) == std::vector<float>{0.0f});
}

TEST_CASE("sparsify_gather removes what only served the embedding", "[transforms][sparsify_gather]") {
  // An Assign writing w and a ConcatV2 reading it lose that input: the Assign,
  // left with one input, goes (and with it the Const only it read); the
  // two-value ConcatV2 becomes an Identity of its other value, its axis goes;
  // the three-value one keeps two values.
  auto graph = embedding_graph();
  add_float_const(&graph, "initial", {5, 1}, std::vector<float>(5, 0.0f));
  add_node(&graph, "assign", "Assign", {"w", "initial"});
  add_float_const(&graph, "other", {5, 1}, std::vector<float>(5, 1.0f));
  add_int32_const(&graph, "concat_axis", {}, {0});
  add_node(&graph, "pair", "ConcatV2", {"w", "other", "concat_axis"});
  (*graph.mutable_node(graph.node_size() - 1)->mutable_attr())["N"].set_i(2);
  add_int32_const(&graph, "axis3", {}, {0});
  auto* triple = add_node(&graph, "triple", "ConcatV2", {"other", "w", "other", "axis3"});
  (*triple->mutable_attr())["N"].set_i(3);
  auto out = mq::test::transformed(graph, "sparsify_gather", {"ids"}, {"out", "pair", "triple"});
  CHECK_FALSE(mq::test::has_node(out, "assign"));
  CHECK_FALSE(mq::test::has_node(out, "initial"));
  CHECK_FALSE(mq::test::has_node(out, "concat_axis"));
  CHECK(node_named(out, "pair").op() == "Identity");
  CHECK(inputs_of(out, "pair") == Names{"other"});
  CHECK(node_named(out, "pair").attr().count("N") == 0);
  CHECK(inputs_of(out, "triple") == Names{"other", "other", "axis3"});
  CHECK(node_named(out, "triple").attr().at("N").i() == 2);
}

TEST_CASE("sparsify_gather errors", "[transforms][sparsify_gather]") {
  auto axis_one = embedding_graph("GatherV2");
  axis_one.mutable_node(3)->mutable_attr()->at("value").mutable_tensor()->set_int_val(0, 1);
  CHECK(mq::test::transform_error(axis_one, "sparsify_gather", {"ids"}, {"out"}) ==
        "sparsify_gather: Transform only applicable to subgraph with GatherV2 over axis 0. Found axis 1.");

  auto float_axis = embedding_graph("GatherV2");
  {
    tensorflow::GraphDef scratch;
    *float_axis.mutable_node(3) = *add_float_const(&scratch, "axis", {}, {0.0f});
  }
  CHECK(mq::test::transform_error(float_axis, "sparsify_gather", {"ids"}, {"out"}) ==
        "sparsify_gather: Gather axis was not int32 or int64.");

  auto ints = embedding_graph();
  {
    tensorflow::GraphDef scratch;
    *ints.mutable_node(1) = *add_int32_const(&scratch, "w", {5, 1}, {1, 0, 1, 0, 1});
  }
  CHECK(mq::test::transform_error(ints, "sparsify_gather", {"ids"}, {"out"}) ==
        "sparsify_gather: Transform only applicable to subgraph with 'Const','Variable', or 'VariableV2' of dtype "
        "'DT_FLOAT'. Found 'Const' with name 'w' and dtype '3'.");

  auto wide = embedding_graph();
  auto* dims = wide.mutable_node(1)->mutable_attr()->at("value").mutable_tensor()->mutable_tensor_shape();
  dims->mutable_dim(0)->set_size(1);
  dims->mutable_dim(1)->set_size(5);
  CHECK(mq::test::transform_error(wide, "sparsify_gather", {"ids"}, {"out"}) ==
        "sparsify_gather: Transform only applicable to subgraph with 'Const' with tensor of shape [N, 1]. But "
        "instead get shape [1,5].");
}

TEST_CASE("sparsify_gather and variables: a restore entry is required, and checkpoints are not read",
          "[transforms][sparsify_gather]") {
  tensorflow::GraphDef graph;
  auto* ids = add_node(&graph, "ids", "Placeholder");
  (*ids->mutable_attr())["dtype"].set_type(tensorflow::DT_INT64);
  auto* variable = add_node(&graph, "v", "VariableV2");
  (*variable->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  add_node(&graph, "v/read", "Identity", {"v"});
  add_node(&graph, "gather", "Gather", {"v/read", "ids"});
  CHECK(mq::test::transform_error(graph, "sparsify_gather", {"ids"}, {"gather"}) ==
        "sparsify_gather: Unable to find RestoreV2 entry for variable: v");

  add_node(&graph, "save/RestoreV2", "RestoreV2");
  add_node(&graph, "save/Assign", "Assign", {"v", "save/RestoreV2"});
  CHECK_THAT(mq::test::transform_error(graph, "sparsify_gather", {"ids"}, {"gather"}),
             Catch::StartsWith("sparsify_gather: the embedding 'v' is a VariableV2 whose values live in a training "
                               "checkpoint"));
}

TEST_CASE("sparsify_gather leaves a graph without embeddings as it was", "[transforms][sparsify_gather]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "c", {2}, {1, 2});
  add_node(&graph, "r", "Relu", {"c"});
  auto out = mq::test::transformed(graph, "sparsify_gather", {}, {"r"});
  CHECK(node_names(out) == Names{"c", "r"});
}
