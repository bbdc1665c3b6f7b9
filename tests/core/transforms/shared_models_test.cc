// Every structural transform on every real model in ../shared/models: the
// result must validate, serialize, parse back to the same graph, and keep
// the invariants of the transform.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/ops/op_registry.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

namespace {

struct Model {
  std::string name;
  tensorflow::GraphDef graph;
  std::vector<std::string> inputs;   // Placeholders
  std::vector<std::string> outputs;  // data sinks
};

Model load_model(const std::string& path) {
  Model model;
  model.name = std::filesystem::path(path).filename().string();
  mq::Status loaded = mq::load_graph_file(path, &model.graph);
  INFO(loaded.message());
  REQUIRE(loaded.is_ok());
  mq::GraphIndex index(model.graph);
  for (int i = 0; i < index.size(); ++i) {
    const auto& node = index.node(i);
    if (node.op() == "Placeholder") model.inputs.push_back(node.name());
  }
  for (int sink : index.sinks())
    if (index.node(sink).op() != "NoOp") model.outputs.push_back(index.node(sink).name());
  return model;
}

void check_round_trip(const tensorflow::GraphDef& graph) {
  auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  REQUIRE(bytes.is_ok());
  tensorflow::GraphDef parsed;
  REQUIRE(mq::parse_graph(*bytes, "round trip", &parsed).is_ok());
  auto again = mq::serialize_graph(parsed, mq::GraphFormat::kBinary);
  REQUIRE(again.is_ok());
  CHECK(*again == *bytes);
  CHECK(mq::GraphIndex(parsed).validate().is_ok());
}

std::multiset<std::string> ops_of(const tensorflow::GraphDef& graph) {
  std::multiset<std::string> ops;
  for (const auto& node : graph.node()) ops.insert(node.op());
  return ops;
}

}  // namespace

TEST_CASE("every structural transform runs on every shared model", "[transforms][shared_models]") {
  auto paths = mq::test::shared_models();
  if (paths.empty()) return;  // announced by shared_models()
  for (const std::string& path : paths) {
    Model model = load_model(path);
    INFO("model " << model.name);
    REQUIRE(mq::GraphIndex(model.graph).validate().is_ok());
    const std::string first = model.graph.node(0).name();
    const std::vector<std::string> transforms = {
        "strip_unused_nodes(type=float)",
        "remove_nodes(op=Identity, op=CheckNumerics)",
        "sort_by_execution_order",
        "merge_duplicate_nodes",
        "remove_device",
        "set_device(device=\"/device:CPU:0\", if_default=true)",
        "remove_attribute(attribute_name=_output_shapes)",
        "rename_attribute(old_attribute_name=T, new_attribute_name=T)",
        "rename_op(old_op_name=Relu, new_op_name=Relu6)",
        "rename_node(old_node_name=" + first + ", new_node_name=renamed_first_node)",
        "remove_control_dependencies",
        "obfuscate_names",
        "add_default_attributes",
        "backport_concatv2",
        "backport_tensor_array_v3",
        "fuse_pad_and_conv",
        "fuse_resize_and_conv",
        "fuse_resize_pad_and_conv",
        "insert_logging(op=Relu, op=MatMul, op=Softmax)",
    };
    for (const std::string& transform : transforms) {
      INFO("transform " << transform);
      auto result = mq::test::run_transforms(model.graph, transform, model.inputs, model.outputs);
      INFO(result.status().message());
      REQUIRE(result.is_ok());
      const tensorflow::GraphDef& out = result->graph;
      check_round_trip(out);
      for (const std::string& output : model.outputs)
        if (transform.rfind("obfuscate", 0) != 0 && transform.rfind("rename_node", 0) != 0)
          CHECK(mq::test::has_node(out, output));
      CHECK(result->steps.at(0).nodes_after == out.node_size());
      CHECK(out.node_size() <= model.graph.node_size() * 2);
    }
  }
}

TEST_CASE("transform invariants on the shared models", "[transforms][shared_models]") {
  auto paths = mq::test::shared_models();
  if (paths.empty()) return;
  for (const std::string& path : paths) {
    Model model = load_model(path);
    INFO("model " << model.name);

    // Sorting puts producers first (NextIteration back edges aside) and keeps every node.
    auto sorted = mq::test::transformed(model.graph, "sort_by_execution_order");
    CHECK(ops_of(sorted) == ops_of(model.graph));
    std::map<std::string, int> position;
    for (int i = 0; i < sorted.node_size(); ++i) position[sorted.node(i).name()] = i;
    for (int i = 0; i < sorted.node_size(); ++i)
      for (const std::string& input : sorted.node(i).input())
        if (sorted.node(i).op() != "Merge") CHECK(position.at(std::string(mq::node_name_of(input))) < i);

    // Obfuscation renames, keeping structure and the named inputs/outputs.
    auto obfuscated = mq::test::transformed(model.graph, "obfuscate_names", model.inputs, model.outputs);
    CHECK(ops_of(obfuscated) == ops_of(model.graph));
    for (const std::string& name : model.outputs) CHECK(mq::test::has_node(obfuscated, name));

    // Stripping from the outputs back keeps them and never grows the graph.
    auto stripped = mq::test::transformed(model.graph, "strip_unused_nodes", model.inputs, model.outputs);
    CHECK(stripped.node_size() <= model.graph.node_size());

    // Removing Identity leaves none that is not an input or output.
    auto no_identity = mq::test::transformed(model.graph, "remove_nodes(op=Identity)", model.inputs, model.outputs);
    std::set<std::string> named(model.outputs.begin(), model.outputs.end());
    for (const auto& node : no_identity.node())
      if (node.op() == "Identity") CHECK(named.count(node.name()) == 1);

    // Defaults: every registered attr with a default is present afterwards.
    auto defaulted = mq::test::transformed(model.graph, "add_default_attributes");
    for (const auto& node : defaulted.node()) {
      const tensorflow::OpDef* op_def = mq::find_op_def(node.op());
      REQUIRE(op_def != nullptr);
      for (const auto& attr : op_def->attr())
        if (attr.has_default_value()) CHECK(node.attr().count(attr.name()) == 1);
    }

    // Merging never adds nodes, and merging twice finds nothing new.
    auto merged = mq::test::transformed(model.graph, "merge_duplicate_nodes", model.inputs, model.outputs);
    CHECK(merged.node_size() <= model.graph.node_size());
    auto twice = mq::test::run_transforms(merged, "merge_duplicate_nodes", model.inputs, model.outputs);
    REQUIRE(twice.is_ok());
    CHECK(twice->graph.node_size() == merged.node_size());
  }
}
