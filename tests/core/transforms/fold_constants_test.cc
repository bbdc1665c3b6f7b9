// fold_constants: test-vectors.md §14 (TV-FOLD-1..8, 10), what it leaves
// alone and reports, and every shared model: the folded graph validates,
// re-parses and computes the original's outputs on the reference inputs.
#include <catch2/catch.hpp>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/eval/evaluator.h"
#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

using mq::test::add_float_const;
using mq::test::add_int32_const;
using mq::test::add_node;
using mq::test::float_values;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

void set_t(tensorflow::NodeDef* node, tensorflow::DataType type = tensorflow::DT_FLOAT) {
  (*node->mutable_attr())["T"].set_type(type);
}

tensorflow::NodeDef* add_placeholder(tensorflow::GraphDef* graph, const std::string& name) {
  tensorflow::NodeDef* node = add_node(graph, name, "Placeholder");
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  return node;
}

// Graph F1: a + b folds; the Mul with the placeholder stays.
tensorflow::GraphDef graph_f1() {
  tensorflow::GraphDef graph;
  std::vector<float> values(100);
  for (int i = 0; i < 100; ++i) values[i] = static_cast<float>(i + 1);
  add_float_const(&graph, "a_expect_removed", {100}, values);
  add_float_const(&graph, "b_expect_removed", {100}, values);
  set_t(add_node(&graph, "add_expect_removed", "Add", {"a_expect_removed", "b_expect_removed"}));
  add_placeholder(&graph, "placeholder_expect_remains");
  set_t(add_node(&graph, "output_expect_remains", "Mul", {"add_expect_removed", "placeholder_expect_remains"}));
  return graph;
}

// Shape of a [1,1,3] Const (or of the placeholder), cast to float, times the placeholder.
tensorflow::GraphDef graph_with_shape(bool shape_of_placeholder) {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef* placeholder = add_placeholder(&graph, "placeholder_expect_remains");
  std::string shaped = "placeholder_expect_remains";
  if (shape_of_placeholder) {
    tensorflow::AttrValue& shapes = (*placeholder->mutable_attr())["_output_shapes"];
    auto* shape = shapes.mutable_list()->add_shape();
    for (int dim : {1, 1, 3}) shape->add_dim()->set_size(dim);
  } else {
    add_float_const(&graph, "a_expect_removed", {1, 1, 3}, {1, 1, 1});
    shaped = "a_expect_removed";
  }
  set_t(add_node(&graph, "shape_expect_removed", "Shape", {shaped}));
  auto* cast = add_node(&graph, "cast_expect_removed", "Cast", {"shape_expect_removed"});
  (*cast->mutable_attr())["SrcT"].set_type(tensorflow::DT_INT32);
  (*cast->mutable_attr())["DstT"].set_type(tensorflow::DT_FLOAT);
  set_t(add_node(&graph, "output_expect_remains", "Mul", {"cast_expect_removed", "placeholder_expect_remains"}));
  return graph;
}

// Equal graphs give equal bytes (attribute maps written in key order).
std::string deterministic_bytes(const tensorflow::GraphDef& graph) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    graph.SerializeToCodedStream(&coded);
  }
  return bytes;
}

const mq::TransformStepReport& only_step(const mq::TransformResult& result) {
  REQUIRE(result.steps.size() == 1);
  return result.steps[0];
}

std::string all_warnings(const mq::TransformStepReport& step) {
  std::string text;
  for (const std::string& warning : step.notes.warnings) text += warning + "\n";
  return text;
}

}  // namespace

TEST_CASE("fold_constants folds a constant Add (TV-FOLD-1)", "[transforms][fold_constants]") {
  auto out = mq::test::transformed(graph_f1(), "fold_constants", {"placeholder_expect_remains"},
                                   {"output_expect_remains"});
  CHECK(node_names(out) ==
        Names{"output_expect_remains", "add_expect_removed/_0__cf__0", "placeholder_expect_remains"});
  CHECK(inputs_of(out, "output_expect_remains") ==
        Names{"add_expect_removed/_0__cf__0", "placeholder_expect_remains:0"});
  const auto& output = node_named(out, "output_expect_remains");
  CHECK(output.attr().size() == 1);
  CHECK(output.attr().at("T").type() == tensorflow::DT_FLOAT);
  const auto& folded = node_named(out, "add_expect_removed/_0__cf__0");
  CHECK(folded.op() == "Const");
  CHECK(folded.input_size() == 0);
  CHECK(folded.attr().size() == 2);
  CHECK(folded.attr().at("dtype").type() == tensorflow::DT_FLOAT);
  CHECK(folded.attr().at("value").tensor().tensor_content().size() == 400);
  std::vector<float> expected(100);
  for (int i = 0; i < 100; ++i) expected[i] = 2.0f * (i + 1);
  CHECK(float_values(folded) == expected);
  // The appended placeholder is the input's node, without the added default shape.
  CHECK(node_named(out, "placeholder_expect_remains").attr().count("shape") == 0);
}

TEST_CASE("fold_constants accepts tensor names with ports (TV-FOLD-2)", "[transforms][fold_constants]") {
  auto out = mq::test::transformed(graph_f1(), "fold_constants", {"placeholder_expect_remains:0"},
                                   {"output_expect_remains:0"});
  CHECK(node_names(out) ==
        Names{"output_expect_remains", "add_expect_removed/_0__cf__0", "placeholder_expect_remains"});
}

TEST_CASE("fold_constants honours exclude_op and the size limit (TV-FOLD-3, TV-FOLD-4)",
          "[transforms][fold_constants]") {
  const Names unchanged = {"a_expect_removed", "b_expect_removed", "add_expect_removed", "output_expect_remains",
                           "placeholder_expect_remains"};
  for (const char* transform :
       {"fold_constants(exclude_op=Add)", "fold_constants(exclude_node=add_expect_removed)",
        "fold_constants(max_constant_size_in_bytes=10)"}) {
    INFO(transform);
    mq::StatusOr<mq::TransformResult> result =
        mq::test::run_transforms(graph_f1(), transform, {"placeholder_expect_remains"}, {"output_expect_remains"});
    REQUIRE(result.is_ok());
    CHECK(node_names(result->graph) == unchanged);
    CHECK(inputs_of(result->graph, "output_expect_remains") ==
          Names{"add_expect_removed", "placeholder_expect_remains:0"});
    if (std::string(transform).find("max_constant") != std::string::npos)
      CHECK_THAT(all_warnings(only_step(*result)), Catch::Contains("not folded: 1 node: Add (results larger than"));
  }
}

TEST_CASE("fold_constants folds Shape from a known shape (TV-FOLD-5)", "[transforms][fold_constants]") {
  auto out = mq::test::transformed(graph_with_shape(false), "fold_constants", {"placeholder_expect_remains"},
                                   {"output_expect_remains"});
  CHECK(node_names(out) ==
        Names{"output_expect_remains", "cast_expect_removed/_0__cf__1", "placeholder_expect_remains"});
  const auto& folded = node_named(out, "cast_expect_removed/_0__cf__1");
  CHECK(float_values(folded) == std::vector<float>{1, 1, 3});
  CHECK(folded.input_size() == 0);
}

TEST_CASE("fold_constants uses _output_shapes only when asked to keep them (TV-FOLD-6)",
          "[transforms][fold_constants]") {
  auto out = mq::test::transformed(graph_with_shape(true), "fold_constants(clear_output_shapes=false)",
                                   {"placeholder_expect_remains"}, {"output_expect_remains"});
  CHECK(node_names(out) ==
        Names{"output_expect_remains", "cast_expect_removed/_0__cf__1", "placeholder_expect_remains"});
  const auto& folded = node_named(out, "cast_expect_removed/_0__cf__1");
  CHECK(float_values(folded) == std::vector<float>{1, 1, 3});
  CHECK(inputs_of(out, "cast_expect_removed/_0__cf__1") == Names{"^placeholder_expect_remains"});
  CHECK(node_named(out, "placeholder_expect_remains").attr().count("_output_shapes") == 1);

  auto cleared = mq::test::transformed(graph_with_shape(true), "fold_constants", {"placeholder_expect_remains"},
                                       {"output_expect_remains"});
  for (const std::string& name : node_names(cleared)) CHECK(name.find("__cf__") == std::string::npos);
  CHECK(mq::test::has_node(cleared, "shape_expect_removed"));
}

TEST_CASE("fold_constants without --inputs tries to evaluate the placeholder (TV-FOLD-7)",
          "[transforms][fold_constants]") {
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants", {}, {"output_expect_remains"}),
             Catch::Contains("You must feed a value for placeholder tensor 'placeholder_expect_remains' with dtype "
                             "float"));
  mq::StatusOr<mq::TransformResult> ignored =
      mq::test::run_transforms(graph_f1(), "fold_constants(ignore_errors=true)", {}, {"output_expect_remains"});
  REQUIRE(ignored.is_ok());
  CHECK(deterministic_bytes(ignored->graph) == deterministic_bytes(graph_f1()));
  CHECK(only_step(*ignored).error_ignored);
}

TEST_CASE("fold_constants needs --outputs (TV-FOLD-8) and known feeds", "[transforms][fold_constants]") {
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants", {"placeholder_expect_remains"}, {}),
             Catch::Contains("Must specify at least one target to fetch or execute."));
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants", {"nope"}, {"output_expect_remains"}),
             Catch::Contains("FeedInputs: unable to find feed output nope"));
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants", {}, {"nope"}),
             Catch::Contains("FetchOutputs node nope: not found"));
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants",
                                       {"placeholder_expect_remains", "placeholder_expect_remains:0"},
                                       {"output_expect_remains"}),
             Catch::Contains("Endpoint \"placeholder_expect_remains:0\" fed more than once."));
  CHECK_THAT(mq::test::transform_error(graph_f1(), "fold_constants", {"output_expect_remains"},
                                       {"output_expect_remains"}),
             Catch::Contains("output_expect_remains is both fed and fetched."));
}

TEST_CASE("fold_constants drops nodes the outputs do not need (TV-FOLD-10)", "[transforms][fold_constants]") {
  tensorflow::GraphDef graph = graph_f1();
  add_float_const(&graph, "unused", {1}, {7});
  auto out = mq::test::transformed(graph, "fold_constants(exclude_op=Add)", {"placeholder_expect_remains"},
                                   {"output_expect_remains"});
  CHECK_FALSE(mq::test::has_node(out, "unused"));
  CHECK(mq::test::has_node(out, "a_expect_removed"));
  CHECK(mq::test::has_node(out, "add_expect_removed"));
}

TEST_CASE("fold_constants names constants in (name, port) order and encodes scalars in typed fields",
          "[transforms][fold_constants]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "c", {2}, {1, 2});
  set_t(add_node(&graph, "z_double", "Add", {"c", "c"}));
  auto* sum = add_node(&graph, "a_sum", "Sum", {"c", "axis"});
  set_t(sum);
  add_int32_const(&graph, "axis", {1}, {0});
  add_placeholder(&graph, "x");
  set_t(add_node(&graph, "left", "Mul", {"z_double", "x"}));
  set_t(add_node(&graph, "right", "Mul", {"a_sum", "x"}));
  set_t(add_node(&graph, "out", "Add", {"left", "right"}));
  auto out = mq::test::transformed(graph, "fold_constants", {"x"}, {"out"});
  CHECK(mq::test::has_node(out, "a_sum/_0__cf__0"));
  CHECK(mq::test::has_node(out, "z_double/_1__cf__1"));
  const auto& scalar = node_named(out, "a_sum/_0__cf__0").attr().at("value").tensor();
  CHECK(scalar.tensor_content().empty());
  REQUIRE(scalar.float_val_size() == 1);
  CHECK(scalar.float_val(0) == 3.0f);
  CHECK(scalar.tensor_shape().dim_size() == 0);
  CHECK(float_values(node_named(out, "z_double/_1__cf__1")) == std::vector<float>{2, 4});
  // Every surviving node got its registry defaults (Sum's keep_dims).
  CHECK_FALSE(mq::test::has_node(out, "a_sum"));
  CHECK(node_named(out, "out").attr().count("T") == 1);
}

TEST_CASE("fold_constants keeps control dependencies on what was not folded", "[transforms][fold_constants]") {
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "x");
  add_float_const(&graph, "c", {2}, {1, 2});
  set_t(add_node(&graph, "trigger", "Relu", {"x"}));
  set_t(add_node(&graph, "neg", "Neg", {"c", "^trigger"}));
  set_t(add_node(&graph, "twice", "Add", {"neg", "neg"}));
  set_t(add_node(&graph, "out", "Mul", {"twice", "x"}));
  auto out = mq::test::transformed(graph, "fold_constants", {"x"}, {"out"});
  CHECK(inputs_of(out, "twice/_0__cf__0") == Names{"^trigger"});
  CHECK(float_values(node_named(out, "twice/_0__cf__0")) == std::vector<float>{-2, -4});
  CHECK(inputs_of(out, "trigger") == Names{"x:0"});
  CHECK_FALSE(mq::test::has_node(out, "neg"));
}

TEST_CASE("fold_constants leaves stateful ops and ops without a kernel alone and says so",
          "[transforms][fold_constants]") {
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "x");
  add_int32_const(&graph, "shape", {1}, {3});
  auto* random = add_node(&graph, "random", "RandomUniform", {"shape"});
  (*random->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  set_t(random, tensorflow::DT_INT32);
  add_float_const(&graph, "y", {3}, {1, 2, 3});
  set_t(add_node(&graph, "angle", "Atan2", {"y", "y"}));
  set_t(add_node(&graph, "noisy", "Mul", {"random", "angle"}));
  set_t(add_node(&graph, "out", "Mul", {"noisy", "x"}));
  mq::StatusOr<mq::TransformResult> result = mq::test::run_transforms(graph, "fold_constants", {"x"}, {"out"});
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  CHECK(mq::test::has_node(result->graph, "random"));
  CHECK(mq::test::has_node(result->graph, "angle"));
  std::string warnings = all_warnings(only_step(*result));
  CHECK_THAT(warnings, Catch::Contains("not folded: 1 node: RandomUniform (stateful or random ops): 'random'"));
  CHECK_THAT(warnings, Catch::Contains("not folded: 1 node: Atan2 (no kernel"));
}

TEST_CASE("fold_constants stops at an intermediate result over the size limit", "[transforms][fold_constants]") {
  tensorflow::GraphDef graph;
  add_placeholder(&graph, "x");
  add_float_const(&graph, "small", {4}, {1, 2, 3, 4});
  add_int32_const(&graph, "multiples", {1}, {100});
  auto* tile = add_node(&graph, "big", "Tile", {"small", "multiples"});
  set_t(tile);
  (*tile->mutable_attr())["Tmultiples"].set_type(tensorflow::DT_INT32);
  add_int32_const(&graph, "axis", {1}, {0});
  set_t(add_node(&graph, "total", "Sum", {"big", "axis"}));
  set_t(add_node(&graph, "out", "Mul", {"total", "x"}));
  mq::StatusOr<mq::TransformResult> result =
      mq::test::run_transforms(graph, "fold_constants(max_constant_size_in_bytes=1000)", {"x"}, {"out"});
  REQUIRE(result.is_ok());
  CHECK(mq::test::has_node(result->graph, "big"));
  CHECK(mq::test::has_node(result->graph, "total"));
  CHECK_THAT(all_warnings(only_step(*result)), Catch::Contains("not folded: 1 node: Tile (results larger than"));
  auto folded = mq::test::transformed(graph, "fold_constants", {"x"}, {"out"});
  CHECK(mq::test::has_node(folded, "total/_0__cf__0"));
  CHECK_FALSE(mq::test::has_node(folded, "big"));
}

TEST_CASE("fold_constants: PlaceholderWithDefault folds when not fed, becomes a Placeholder when fed",
          "[transforms][fold_constants]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "default", {2}, {1, 2});
  auto* with_default = add_node(&graph, "rate", "PlaceholderWithDefault", {"default"});
  (*with_default->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  (*with_default->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(2);
  add_placeholder(&graph, "x");
  set_t(add_node(&graph, "scaled", "Mul", {"rate", "rate"}));
  set_t(add_node(&graph, "out", "Mul", {"scaled", "x"}));

  auto folded = mq::test::transformed(graph, "fold_constants", {"x"}, {"out"});
  CHECK(float_values(node_named(folded, "scaled/_0__cf__0")) == std::vector<float>{1, 4});
  CHECK_FALSE(mq::test::has_node(folded, "rate"));

  auto fed = mq::test::transformed(graph, "fold_constants", {"x", "rate"}, {"out"});
  CHECK(node_named(fed, "rate").op() == "Placeholder");
  CHECK(node_named(fed, "rate").input_size() == 0);
  CHECK(inputs_of(fed, "scaled") == Names{"rate:0", "rate:0"});
  CHECK_FALSE(mq::test::has_node(fed, "default"));

  CHECK_THAT(mq::test::transform_error(graph, "fold_constants", {"x", "scaled"}, {"out"}),
             Catch::Contains("Input 'scaled' was expected to be a Placeholder or PlaceholderWithDefault op, but was Mul"));
}

TEST_CASE("fold_constants checks ops against the registry", "[transforms][fold_constants]") {
  tensorflow::GraphDef unknown = graph_f1();
  unknown.mutable_node(2)->set_op("NoSuchOp");
  CHECK_THAT(mq::test::transform_error(unknown, "fold_constants", {"placeholder_expect_remains"},
                                       {"output_expect_remains"}),
             Catch::Contains("Op type not registered 'NoSuchOp'"));

  tensorflow::GraphDef missing_attr = graph_f1();
  missing_attr.mutable_node(2)->mutable_attr()->erase("T");
  CHECK_THAT(mq::test::transform_error(missing_attr, "fold_constants", {"placeholder_expect_remains"},
                                       {"output_expect_remains"}),
             Catch::Contains("NodeDef missing attr 'T' from Op<name=Add>"));

  tensorflow::GraphDef deprecated;
  deprecated.mutable_versions()->set_producer(9);
  add_float_const(&deprecated, "t", {1, 1, 1, 2}, {1, 2});
  for (const char* name : {"m", "v", "b", "g"}) add_float_const(&deprecated, name, {2}, {1, 1});
  auto* bn = add_node(&deprecated, "bn", "BatchNormWithGlobalNormalization", {"t", "m", "v", "b", "g"});
  set_t(bn);
  (*bn->mutable_attr())["variance_epsilon"].set_f(0.001f);
  (*bn->mutable_attr())["scale_after_normalization"].set_b(true);
  CHECK_THAT(mq::test::transform_error(deprecated, "fold_constants", {}, {"bn"}),
             Catch::Contains("Op BatchNormWithGlobalNormalization is not available in GraphDef version 9. It has been "
                             "removed in version 9."));
  deprecated.mutable_versions()->set_producer(8);
  auto folded = mq::test::transformed(deprecated, "fold_constants", {}, {"bn"});
  CHECK(mq::test::has_node(folded, "bn"));
}

namespace {

struct Reference {
  std::vector<mq::Feed> feeds;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

Reference load_reference(const std::string& folder) {
  Reference reference;
  nlohmann::json json = nlohmann::json::parse(mq::test::read_bytes(folder + "/reference.json"));
  for (const auto& [name, input] : json["inputs"].items()) {
    mq::StatusOr<mq::Tensor> value = mq::read_npy_file(folder + "/" + input["file"].get<std::string>());
    REQUIRE(value.is_ok());
    reference.feeds.push_back({name, *value});
    reference.inputs.push_back(name);
  }
  for (const auto& [name, output] : json["outputs"].items()) reference.outputs.push_back(name);
  return reference;
}

}  // namespace

TEST_CASE("fold_constants on every shared model keeps its outputs", "[transforms][fold_constants][models]") {
  std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("fold_constants on the shared models", "../shared not found");
    return;
  }
  int models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(shared + "/models/reference")) {
    const std::string folder = entry.path().string();
    const std::string model = entry.path().filename().string();
    INFO(model);
    ++models;
    tensorflow::GraphDef graph;
    REQUIRE(mq::load_graph_file(shared + "/models/" + model + ".pb", &graph).is_ok());
    Reference reference = load_reference(folder);

    mq::StatusOr<mq::TransformResult> result =
        mq::test::run_transforms(graph, "fold_constants(ignore_errors=false)", reference.inputs, reference.outputs);
    INFO(result.status().message());
    REQUIRE(result.is_ok());
    const tensorflow::GraphDef& folded = result->graph;
    CHECK(mq::GraphIndex(folded).validate().is_ok());
    mq::StatusOr<std::string> bytes = mq::serialize_graph(folded, mq::GraphFormat::kBinary);
    REQUIRE(bytes.is_ok());
    tensorflow::GraphDef reparsed;
    REQUIRE(mq::parse_graph(*bytes, model, &reparsed).is_ok());
    CHECK(reparsed.node_size() == folded.node_size());

    const auto& step = only_step(*result);
    int constants = 0;
    for (const auto& node : folded.node()) constants += node.name().find("__cf__") != std::string::npos ? 1 : 0;
    std::cout << "FOLD " << model << ": " << graph.node_size() << " -> " << folded.node_size() << " nodes, "
              << constants << " folded constants";
    for (const auto& [counter, value] : step.notes.counters) std::cout << ", " << counter << " " << value;
    for (const std::string& warning : step.notes.warnings) std::cout << "\n    " << warning;
    std::cout << std::endl;

    mq::MemoryBudget budget_before, budget_after;
    auto before = mq::evaluate_graph(graph, reference.feeds, reference.outputs, budget_before);
    auto after = mq::evaluate_graph(reparsed, reference.feeds, reference.outputs, budget_after);
    INFO(before.status().message() << " / " << after.status().message());
    REQUIRE(before.is_ok());
    REQUIRE(after.is_ok());
    for (size_t i = 0; i < reference.outputs.size(); ++i) {
      const mq::Tensor& a = (*before)[i];
      const mq::Tensor& b = (*after)[i];
      REQUIRE(a.shape() == b.shape());
      REQUIRE(a.dtype() == tensorflow::DT_FLOAT);
      double worst = 0;
      for (int64_t k = 0; k < a.num_elements(); ++k)
        worst = std::max(worst, std::fabs(double(a.data<float>()[k]) - b.data<float>()[k]) /
                                    std::max(1e-6, std::fabs(double(a.data<float>()[k]))));
      INFO("output " << reference.outputs[i] << ": worst relative difference " << worst);
      CHECK(worst <= 1e-6);
    }
  }
  CHECK(models >= 12);
}
