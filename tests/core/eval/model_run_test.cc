// run_model and compare: generated inputs, shapes, output file names,
// element-wise comparison with NumPy's allclose rule, and the JSON report.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/eval/compare.h"
#include "core/eval/model_run.h"
#include "tests/core/eval/eval_test_util.h"

using namespace mq::test;

namespace {

tensorflow::NodeDef placeholder(const std::string& name, tensorflow::DataType dtype, std::vector<int64_t> dims,
                                bool unknown_rank = false) {
  tensorflow::NodeDef node = make_node(name, "Placeholder", {}, type_attr("dtype", dtype));
  tensorflow::TensorShapeProto* shape = (*node.mutable_attr())["shape"].mutable_shape();
  if (unknown_rank) shape->set_unknown_rank(true);
  for (int64_t dim : dims) shape->add_dim()->set_size(dim);
  return node;
}

// y = x * 2 (float), with an unused int32 placeholder `ids`.
tensorflow::GraphDef doubling_graph() {
  tensorflow::GraphDef graph;
  *graph.add_node() = placeholder("x", tensorflow::DT_FLOAT, {-1, 3});
  *graph.add_node() = placeholder("ids", tensorflow::DT_INT32, {4});
  tensorflow::TensorProto two;
  two.set_dtype(tensorflow::DT_FLOAT);
  two.add_float_val(2);
  *graph.add_node() = make_node("two", "Const", {}, type_attr("dtype", tensorflow::DT_FLOAT) + tensor_attr("value", two));
  *graph.add_node() = make_node("y", "Mul", {"x", "two"}, type_attr("T", tensorflow::DT_FLOAT));
  *graph.add_node() = make_node("count", "Size", {"ids"}, type_attr("T", tensorflow::DT_INT32));
  return graph;
}

}  // namespace

TEST_CASE("shapes and output file names are read and written like the CLI documents", "[eval][run]") {
  CHECK(*mq::parse_shape_text("1x224x224x3") == mq::Shape{1, 224, 224, 3});
  CHECK(*mq::parse_shape_text("7") == mq::Shape{7});
  CHECK(mq::parse_shape_text("scalar")->empty());
  CHECK(mq::parse_shape_text("")->empty());
  for (const char* bad : {"1x", "x3", "1,2", "-1x3", "1xax3"}) {
    INFO(bad);
    CHECK_FALSE(mq::parse_shape_text(bad).is_ok());
  }
  CHECK(mq::output_file_name("MobilenetV1/Predictions/Reshape_1") == "MobilenetV1_Predictions_Reshape_1.npy");
  CHECK(mq::output_file_name("split:1") == "split_1.npy");
}

TEST_CASE("generated inputs follow the placeholder and the seed", "[eval][run]") {
  auto floats_a = mq::generate_input(placeholder("x", tensorflow::DT_FLOAT, {-1, 3}), nullptr, 1);
  auto floats_b = mq::generate_input(placeholder("x", tensorflow::DT_FLOAT, {-1, 3}), nullptr, 1);
  auto floats_c = mq::generate_input(placeholder("x", tensorflow::DT_FLOAT, {-1, 3}), nullptr, 2);
  auto other_name = mq::generate_input(placeholder("z", tensorflow::DT_FLOAT, {-1, 3}), nullptr, 1);
  REQUIRE(floats_a.is_ok());
  CHECK(floats_a->shape() == mq::Shape{1, 3});
  CHECK(values_of<float>(*floats_a) == values_of<float>(*floats_b));
  CHECK(values_of<float>(*floats_a) != values_of<float>(*floats_c));
  CHECK(values_of<float>(*floats_a) != values_of<float>(*other_name));
  for (float value : values_of<float>(*floats_a)) {
    CHECK(value >= -1.0f);
    CHECK(value < 1.0f);
  }
  mq::Shape big = {1000};
  auto ints_value = mq::generate_input(placeholder("ids", tensorflow::DT_INT32, {4}), &big, 3);
  REQUIRE(ints_value.is_ok());
  CHECK(ints_value->shape() == big);
  std::vector<int32_t> ints_seen = values_of<int32_t>(*ints_value);
  CHECK(*std::min_element(ints_seen.begin(), ints_seen.end()) == 0);
  CHECK(*std::max_element(ints_seen.begin(), ints_seen.end()) == 9);
  auto flags = mq::generate_input(placeholder("b", tensorflow::DT_BOOL, {100}), nullptr, 3);
  REQUIRE(flags.is_ok());
  std::vector<bool> bits = bool_values(*flags);
  CHECK(std::count(bits.begin(), bits.end(), true) > 20);
  CHECK(std::count(bits.begin(), bits.end(), false) > 20);

  auto unknown = mq::generate_input(placeholder("X", tensorflow::DT_FLOAT, {}, true), nullptr, 1);
  REQUIRE_FALSE(unknown.is_ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("input 'X' has unknown rank"));
  mq::Shape scalar = {};
  CHECK(mq::generate_input(placeholder("X", tensorflow::DT_FLOAT, {}, true), &scalar, 1)->num_elements() == 1);
  auto strings = mq::generate_input(placeholder("s", tensorflow::DT_STRING, {1}), nullptr, 1);
  CHECK_THAT(strings.status().message(), Catch::Contains("only numeric inputs can be generated"));
}

TEST_CASE("run_model feeds given inputs, generates the rest it needs, and picks default outputs", "[eval][run]") {
  const tensorflow::GraphDef graph = doubling_graph();
  CHECK(mq::default_outputs(graph) == std::vector<std::string>{"y", "count"});

  mq::RunOptions options;
  options.inputs.push_back({"x", floats({2, 3}, {1, 2, 3, 4, 5, 6})});
  options.outputs = {"y"};
  auto result = mq::run_model(graph, options);
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  CHECK(values_of<float>(result->outputs[0]) == std::vector<float>{2, 4, 6, 8, 10, 12});
  REQUIRE(result->inputs.size() == 1);  // `ids` is not needed for y
  CHECK_FALSE(result->inputs[0].generated);

  mq::RunOptions everything;
  everything.shapes["x"] = {2, 3};
  auto all = mq::run_model(graph, everything);
  REQUIRE(all.is_ok());
  REQUIRE(all->output_names == std::vector<std::string>{"y", "count"});
  CHECK(all->outputs[0].shape() == mq::Shape{2, 3});
  CHECK(values_of<int32_t>(all->outputs[1]) == std::vector<int32_t>{4});
  REQUIRE(all->inputs.size() == 2);
  CHECK(all->inputs[0].generated);

  mq::RunOptions wrong_dtype;
  wrong_dtype.inputs.push_back({"x", ints({1, 3}, {1, 2, 3})});
  CHECK_THAT(mq::run_model(graph, wrong_dtype).status().message(),
             Catch::Contains("input 'x' is float but the value given is int32"));
  mq::RunOptions wrong_shape;
  wrong_shape.inputs.push_back({"x", floats({1, 2}, {1, 2})});
  CHECK_THAT(mq::run_model(graph, wrong_shape).status().message(),
             Catch::Contains("input 'x' has shape [-1,3] (-1: any size) but the value given has shape [1,2]"));
  mq::RunOptions stray_shape;
  stray_shape.shapes["two"] = {1};
  CHECK_THAT(mq::run_model(graph, stray_shape).status().message(),
             Catch::Contains("a shape was given for 'two', which is not a Placeholder"));
}

TEST_CASE("compare_tensors follows allclose with the first tensor as reference", "[eval][compare]") {
  auto same = mq::compare_tensors("t", floats({3}, {1, 2, 3}), floats({3}, {1, 2, 3}), 1e-4, 1e-5);
  CHECK(same.within_tolerance);
  CHECK(same.max_abs_error == 0);

  auto close = mq::compare_tensors("t", floats({3}, {100, 0, -2}), floats({3}, {100.005f, 0.000005f, -2}), 1e-4, 1e-5);
  CHECK(close.within_tolerance);
  CHECK(close.max_abs_error == Approx(0.005).epsilon(1e-3));
  CHECK(close.max_rel_error == Approx(5e-5).epsilon(1e-2));  // the zero reference is left out of the relative error

  auto far = mq::compare_tensors("t", floats({2}, {1, 1}), floats({2}, {1.01f, 1}), 1e-4, 1e-5);
  CHECK_FALSE(far.within_tolerance);
  CHECK(far.mismatched == 1);

  auto nan = mq::compare_tensors("t", floats({2}, {NAN, 1}), floats({2}, {NAN, NAN}), 1e-4, 1e-5);
  CHECK(nan.mismatched == 1);
  auto shapes = mq::compare_tensors("t", floats({2}, {1, 2}), floats({1, 2}, {1, 2}), 1e-4, 1e-5);
  CHECK_FALSE(shapes.within_tolerance);
  CHECK(shapes.problem == "shapes differ: [2] vs [1,2]");
  auto dtypes = mq::compare_tensors("t", floats({1}, {1}), ints({1}, {1}), 1e-4, 1e-5);
  CHECK(dtypes.problem == "dtypes differ: float vs int32");
}

TEST_CASE("compare_models runs both graphs on the same generated inputs", "[eval][compare]") {
  const tensorflow::GraphDef graph = doubling_graph();
  tensorflow::GraphDef tripled = graph;
  tripled.mutable_node(2)->mutable_attr()->at("value").mutable_tensor()->set_float_val(0, 2.0004f);
  mq::CompareOptions options;
  options.run.outputs = {"y"};
  options.run.shapes["x"] = {4, 3};
  auto same = mq::compare_models(graph, graph, options);
  REQUIRE(same.is_ok());
  CHECK(same->within_tolerance);
  auto different = mq::compare_models(graph, tripled, options);
  REQUIRE(different.is_ok());
  CHECK_FALSE(different->within_tolerance);
  CHECK(different->outputs[0].max_rel_error == Approx(2e-4).epsilon(1e-2));
  options.rtol = 3e-4;
  CHECK(mq::compare_models(graph, tripled, options)->within_tolerance);

  nlohmann::json json = nlohmann::json::parse(mq::comparison_json(*different));
  CHECK(json["within_tolerance"] == false);
  CHECK(json["inputs"][0]["name"] == "x");
  CHECK(json["inputs"][0]["shape"] == std::vector<int>{4, 3});
  CHECK(json["inputs"][0]["generated"] == true);
  CHECK(json["outputs"][0]["name"] == "y");
  CHECK(json["outputs"][0]["mismatched"].get<int>() > 0);
  CHECK_THAT(mq::comparison_text(*different), Catch::Contains("OUTSIDE tolerance"));

  tensorflow::GraphDef missing_output = graph;
  missing_output.mutable_node()->RemoveLast();
  options.run.outputs = {"count"};
  options.run.shapes["ids"] = {4};
  CHECK_THAT(mq::compare_models(graph, missing_output, options).status().message(),
             Catch::Contains("second model: requested output 'count'"));
}
