#include "core/transforms/apply_transforms.h"

#include <catch2/catch.hpp>

#include "core/transforms/registry.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_node;
using mq::test::Names;
using mq::test::node_names;

namespace {

// A context over a schema with one parameter of each type, defaults as in
// TensorFlow's own accessor tests.
struct ContextFixture {
  std::vector<mq::ParameterSpec> schema = {
      {"int", mq::ParameterType::kInt32, "10", ""},     {"long", mq::ParameterType::kInt64, "10", ""},
      {"float", mq::ParameterType::kFloat, "10.5", ""}, {"flag", mq::ParameterType::kBool, "false", ""},
      {"text", mq::ParameterType::kString, "default", ""}, {"list", mq::ParameterType::kStringList, "", ""},
  };
  std::map<std::string, std::vector<std::string>> params;
  std::vector<std::string> inputs, outputs;
  mq::TransformContext context() { return mq::TransformContext("test_transform", schema, params, inputs, outputs); }
};

tensorflow::GraphDef small_graph() {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Placeholder");
  add_node(&graph, "id", "Identity", {"x"});
  add_node(&graph, "out", "Relu", {"id"});
  graph.mutable_versions()->set_producer(27);
  graph.mutable_library()->add_function()->mutable_signature()->set_name("some_function");
  return graph;
}

}  // namespace

TEST_CASE("int parameters parse strictly (TV-PARAM-1)", "[transforms][driver]") {
  ContextFixture fixture;
  CHECK(*fixture.context().get_int("int", 10) == 10);
  fixture.params["int"] = {"-23"};
  CHECK(*fixture.context().get_int("int", 10) == -23);
  fixture.params["int"] = {" 42 "};
  CHECK(*fixture.context().get_int("int", 10) == 42);
  fixture.params["int"] = {"10", "20"};
  CHECK(fixture.context().get_int("int", 10).status().message() ==
        "Expected a single 'int' parameter, but found 2 occurrences");
  for (const char* bad : {"not_numerical", "-23.232323", "12abc", "", "3000000000"}) {
    fixture.params["int"] = {bad};
    auto value = fixture.context().get_int("int", 10);
    REQUIRE_FALSE(value.is_ok());
    CHECK(value.status().message() == std::string("Couldn't interpret the int argument as a number:") + bad);
  }
  fixture.params["long"] = {"3000000000"};
  CHECK(*fixture.context().get_int("long", 10) == 3000000000LL);
  fixture.params["long"] = {"-23.232323"};
  CHECK_FALSE(fixture.context().get_int("long", 10).is_ok());
}

TEST_CASE("float, bool and string parameters (TV-PARAM-2..4)", "[transforms][driver]") {
  ContextFixture fixture;
  CHECK(*fixture.context().get_float("float", 10.5f) == 10.5f);
  fixture.params["float"] = {"-23.2323"};
  CHECK(*fixture.context().get_float("float", 10.5f) == -23.2323f);
  fixture.params["float"] = {"1e-5"};
  CHECK(*fixture.context().get_float("float", 10.5f) == 1e-5f);
  fixture.params["float"] = {"not_numerical"};
  CHECK(fixture.context().get_float("float", 10.5f).status().message() ==
        "Couldn't interpret the float argument as a float number:not_numerical");
  fixture.params["float"] = {"1", "2"};
  CHECK_FALSE(fixture.context().get_float("float", 10.5f).is_ok());

  CHECK(*fixture.context().get_bool("flag", false) == false);
  for (const char* yes : {"true", "1"}) {
    fixture.params["flag"] = {yes};
    CHECK(*fixture.context().get_bool("flag", false) == true);
  }
  for (const char* no : {"false", "0"}) {
    fixture.params["flag"] = {no};
    CHECK(*fixture.context().get_bool("flag", false) == false);
  }
  fixture.params["flag"] = {"TRUE"};
  CHECK(fixture.context().get_bool("flag", false).status().message() ==
        "Couldn't interpret the flag argument as a boolean:TRUE (expected true, false, 0 or 1)");
  fixture.params["flag"] = {"true", "true"};
  CHECK_FALSE(fixture.context().get_bool("flag", false).is_ok());

  CHECK(*fixture.context().get_string("text", "default") == "default");
  fixture.params["text"] = {"a"};
  CHECK(*fixture.context().get_string("text", "default") == "a");
  fixture.params["text"] = {"a", "b"};
  CHECK_FALSE(fixture.context().get_string("text", "default").is_ok());

  CHECK(fixture.context().get_list("list")->empty());
  fixture.params["list"] = {"x", "y"};
  CHECK(*fixture.context().get_list("list") == Names{"x", "y"});
}

TEST_CASE("accessors catch reads that disagree with the schema", "[transforms][driver]") {
  ContextFixture fixture;
  auto unknown = fixture.context().get_bool("missing", false);
  CHECK(unknown.status().code() == mq::StatusCode::kInternal);
  CHECK(unknown.status().message() == "test_transform reads parameter 'missing' that is not in its schema");
  CHECK(fixture.context().get_bool("int", false).status().code() == mq::StatusCode::kInternal);
  CHECK(fixture.context().get_int("int", 11).status().code() == mq::StatusCode::kInternal);
  CHECK(fixture.context().get_string("text", "other").status().code() == mq::StatusCode::kInternal);
  // ignore_errors is known to every transform.
  fixture.params["ignore_errors"] = {"true"};
  CHECK(*fixture.context().get_bool("ignore_errors", false) == true);
}

TEST_CASE("the driver rejects unknown transforms and parameters before running anything", "[transforms][driver]") {
  auto graph = small_graph();
  CHECK(mq::test::transform_error(graph, "test_no_such_transform") ==
        "Transform 'test_no_such_transform' not recognized.");
  CHECK(mq::test::transform_error(graph, "remove_device sort_by_execution_ordr") ==
        "Transform 'sort_by_execution_ordr' not recognized. Did you mean 'sort_by_execution_order'?");
  CHECK(mq::test::transform_error(graph, "strip_unused_nodes(shap=\"1,2\")", {"x"}, {"out"}) ==
        "transform 'strip_unused_nodes' has no parameter 'shap'. Did you mean 'shape'? Its parameters are: "
        "type, shape, name, type_for_name, shape_for_name, ignore_errors");
  CHECK(mq::test::transform_error(graph, "remove_device(ignore_errors=1)") ==
        "remove_device: ignore_errors should be true or false, found 1");
  CHECK(mq::test::transform_error(graph, "remove_device", {"x", ""}) ==
        "the --inputs list has an empty name (entry 2 of 2); remove the stray ','");
}

TEST_CASE("ignore_errors keeps the previous graph, case-insensitively (TV-IGN-1)", "[transforms][driver]") {
  auto graph = small_graph();
  CHECK(mq::test::transform_error(graph, "rename_node(old_node_name=x, new_node_name=out)") ==
        "rename_node: A node is alreading using outas name.");
  for (const char* value : {"true", "TRUE", "True"}) {
    auto result = mq::test::run_transforms(
        graph, std::string("rename_node(old_node_name=x, new_node_name=out, ignore_errors=") + value + ")");
    REQUIRE(result.is_ok());
    CHECK(result->graph.SerializeAsString() == graph.SerializeAsString());
    REQUIRE(result->steps.size() == 1);
    CHECK(result->steps[0].error_ignored);
    CHECK(result->steps[0].ignored_error == "A node is alreading using outas name.");
  }
  CHECK_FALSE(mq::test::run_transforms(graph, "rename_node(old_node_name=x, new_node_name=out, ignore_errors=false)")
                  .is_ok());
}

TEST_CASE("transforms keep only nodes; the library is carried over", "[transforms][driver]") {
  auto graph = small_graph();
  auto result = mq::test::run_transforms(graph, "remove_device add_default_attributes");
  // add_default_attributes keeps versions, but remove_device already dropped them.
  REQUIRE(result.is_ok());
  CHECK_FALSE(result->graph.has_versions());
  REQUIRE(result->graph.has_library());
  CHECK(result->graph.library().function(0).signature().name() == "some_function");
  auto kept = mq::test::transformed(graph, "add_default_attributes");
  CHECK(kept.versions().producer() == 27);

  tensorflow::GraphDef no_library = graph;
  no_library.clear_library();
  CHECK_FALSE(mq::test::transformed(no_library, "remove_device").has_library());
}

TEST_CASE("each step is reported", "[transforms][driver]") {
  auto graph = small_graph();
  std::vector<std::string> started;
  mq::TransformOptions options;
  options.on_transform_start = [&started](size_t index, size_t count, const mq::TransformSpec& spec) {
    started.push_back(std::to_string(index) + "/" + std::to_string(count) + " " + spec.name);
  };
  auto list = mq::parse_transform_string("remove_nodes(op=Identity) set_device(device=/cpu/0)");
  REQUIRE(list.is_ok());
  auto result = mq::apply_transforms(graph, *list, {}, {"out"}, options);
  REQUIRE(result.is_ok());
  CHECK(started == Names{"0/2 remove_nodes", "1/2 set_device"});
  REQUIRE(result->steps.size() == 2);
  const auto& remove = result->steps[0];
  CHECK(remove.text == "remove_nodes(op=Identity)");
  CHECK(remove.nodes_before == 3);
  CHECK(remove.nodes_after == 2);
  CHECK(remove.bytes_before == graph.ByteSizeLong());
  CHECK(remove.bytes_after < remove.bytes_before);
  CHECK(remove.notes.counters.at("nodes removed") == 1);
  CHECK(result->steps[1].notes.counters.at("devices changed") == 2);
  std::string json = mq::transform_steps_json(result->steps);
  CHECK(json.find("\"name\":\"remove_nodes\",\"text\":\"remove_nodes(op=Identity)\",\"nodes_before\":3,"
                  "\"nodes_after\":2") != std::string::npos);
  CHECK(json.find("\"counters\":{\"devices changed\":2}") != std::string::npos);
}

TEST_CASE("a result with dangling inputs stops the run, naming the transform", "[transforms][driver]") {
  tensorflow::GraphDef graph;
  add_node(&graph, "x", "Unpack")->add_input("in");
  add_node(&graph, "in", "Placeholder");
  add_node(&graph, "id", "Identity", {"x"});
  add_node(&graph, "use", "Relu", {"id:1"});
  auto error = mq::test::transform_error(graph, "remove_nodes(op=Identity)", {}, {"use"});
  CHECK(error ==
        "remove_nodes: Invalid graph with inputs referring to nonexistent nodes: input 'id:1' of node 'use' does "
        "not exist");
  // Not ignorable, as in TensorFlow.
  CHECK_FALSE(mq::test::run_transforms(graph, "remove_nodes(op=Identity, ignore_errors=true)", {}, {"use"}).is_ok());
}

namespace {

// Misbehaving transforms for the driver's checks.
mq::Status duplicate_first_node(const tensorflow::GraphDef& in, mq::TransformContext&, tensorflow::GraphDef* out) {
  *out->mutable_node() = in.node();
  *out->add_node() = in.node(0);
  return mq::Status::ok();
}

mq::Status fail_always(const tensorflow::GraphDef&, mq::TransformContext&, tensorflow::GraphDef*) {
  return mq::Status::error("this transform always fails");
}

}  // namespace

TEST_CASE("validation names the transform that broke a valid graph", "[transforms][driver]") {
  std::vector<mq::TransformDefinition> table = {
      {"duplicate_first_node", "test", {}, duplicate_first_node},
      {"fail_always", "test", {}, fail_always},
  };
  tensorflow::GraphDef graph;
  add_node(&graph, "a", "Const");
  add_node(&graph, "b", "Relu", {"a"});
  auto list = mq::parse_transform_string("duplicate_first_node");
  REQUIRE(list.is_ok());
  mq::TransformOptions options;
  options.table = &table;
  options.validate = true;
  auto broken = mq::apply_transforms(graph, *list, {}, {}, options);
  REQUIRE_FALSE(broken.is_ok());
  CHECK(broken.status().code() == mq::StatusCode::kInternal);
  CHECK(broken.status().message() ==
        "duplicate_first_node turned a valid graph into an invalid one: two nodes are named 'a'");

  // Without validation only TensorFlow's own check runs, which duplicates pass.
  options.validate = false;
  CHECK(mq::apply_transforms(graph, *list, {}, {}, options).is_ok());

  // A graph that was invalid to begin with is not blamed on the transform.
  options.validate = true;
  tensorflow::GraphDef cyclic = graph;
  cyclic.mutable_node(0)->add_input("b");
  CHECK(mq::apply_transforms(cyclic, *list, {}, {}, options).is_ok());

  auto failing = mq::parse_transform_string("fail_always(ignore_errors=true) duplicate_first_node fail_always");
  REQUIRE(failing.is_ok());
  options.validate = false;
  auto result = mq::apply_transforms(graph, *failing, {}, {}, options);
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().message() == "fail_always: this transform always fails");
  CHECK(mq::test::transform_error(graph, "duplicate_first_node") ==
        "Transform 'duplicate_first_node' not recognized.");
}

TEST_CASE("split_names follows TensorFlow's comma splitting", "[transforms][driver]") {
  CHECK(mq::split_names("").empty());
  CHECK(mq::split_names("a") == Names{"a"});
  CHECK(mq::split_names("a,,b") == Names{"a", "", "b"});
  CHECK(mq::split_names("a,") == Names{"a", ""});
  CHECK(mq::split_names("a, b") == Names{"a", " b"});
}

TEST_CASE("the registry describes every transform", "[transforms][driver]") {
  const auto& table = mq::transform_table();
  REQUIRE(table.size() >= 19);
  for (size_t i = 1; i < table.size(); ++i) CHECK(std::string(table[i - 1].name) < table[i].name);
  for (const auto& definition : table) {
    INFO(definition.name);
    CHECK(std::string(definition.help).size() > 10);
    CHECK(definition.function != nullptr);
    CHECK(mq::find_transform(definition.name) == &definition);
  }
  CHECK(mq::find_transform("nope") == nullptr);
  std::string json = mq::describe_transforms_json();
  CHECK(json.rfind("{\"transforms\":[{\"name\":\"add_default_attributes\"", 0) == 0);
  CHECK(json.find("{\"name\":\"max_inputs\",\"type\":\"int32\",\"default\":\"1\",\"required\":false,") !=
        std::string::npos);
  CHECK(json.find("\"common_parameters\":[{\"name\":\"ignore_errors\",\"type\":\"bool\"") != std::string::npos);
}
