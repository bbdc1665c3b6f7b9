#include "core/summarize/summarize.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "core/eval/tensor.h"
#include "core/io/graph_io.h"
#include "core/summarize/op_count_order.h"
#include "core/summarize/tensor_inspection.h"
#include "tests/test_support.h"

namespace {

using tensorflow::GraphDef;
using tensorflow::NodeDef;

NodeDef* add_node(GraphDef* graph, const std::string& name, const std::string& op,
                  std::vector<std::string> inputs = {}) {
  NodeDef* node = graph->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return node;
}

void set_type(NodeDef* node, const std::string& key, tensorflow::DataType type) {
  (*node->mutable_attr())[key].set_type(type);
}

void set_shape(NodeDef* node, const std::vector<int64_t>& dims) {
  auto* shape = (*node->mutable_attr())["shape"].mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_size(d);
}

NodeDef* add_placeholder(GraphDef* graph, const std::string& name, const std::vector<int64_t>& dims) {
  NodeDef* node = add_node(graph, name, "Placeholder");
  set_type(node, "dtype", tensorflow::DT_FLOAT);
  set_shape(node, dims);
  return node;
}

tensorflow::TensorProto float_tensor(const std::vector<int64_t>& shape, const std::vector<float>& values,
                                     bool as_content) {
  tensorflow::TensorProto tensor;
  tensor.set_dtype(tensorflow::DT_FLOAT);
  for (int64_t d : shape) tensor.mutable_tensor_shape()->add_dim()->set_size(d);
  if (as_content) {
    std::string bytes(values.size() * 4, '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    tensor.set_tensor_content(bytes);
  } else {
    for (float v : values) tensor.add_float_val(v);
  }
  return tensor;
}

NodeDef* add_const(GraphDef* graph, const std::string& name, const tensorflow::TensorProto& value) {
  NodeDef* node = add_node(graph, name, "Const");
  set_type(node, "dtype", value.dtype());
  *(*node->mutable_attr())["value"].mutable_tensor() = value;
  return node;
}

// The graph of spec/summarize-graph.md §3.
GraphDef worked_example_graph() {
  GraphDef graph;
  add_placeholder(&graph, "input", {-1, 4});
  add_const(&graph, "w", float_tensor({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}, true));
  add_const(&graph, "b", float_tensor({2}, {0.1f, 0.2f}, false));
  set_type(add_node(&graph, "mm", "MatMul", {"input", "w"}), "T", tensorflow::DT_FLOAT);
  set_type(add_node(&graph, "ba", "BiasAdd", {"mm", "b"}), "T", tensorflow::DT_FLOAT);
  set_type(add_node(&graph, "out", "Softmax", {"ba"}), "T", tensorflow::DT_FLOAT);
  return graph;
}

std::string report_with_structure(const GraphDef& graph, const std::string& in_graph) {
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  std::vector<std::string> warnings;
  auto structure = mq::render_structure_text(graph, &warnings);
  REQUIRE(structure.is_ok());
  CHECK(warnings.empty());
  return mq::render_summary_text(summary, in_graph) + *structure;
}

}  // namespace

TEST_CASE("TV-SUM-1: the worked example prints exactly GTT's report", "[summarize]") {
  std::string expected =
      "Found 1 possible inputs: (name=input, type=float(1), shape=[?,4]) \n"
      "No variables spotted.\n"
      "Found 1 possible outputs: (name=out, op=Softmax) \n"
      "Found 10 (10) const parameters, 0 (0) variable parameters, and 0 control_edges\n"
      "Op types used: 2 Const, 1 BiasAdd, 1 MatMul, 1 Placeholder, 1 Softmax\n"
      "To use with tensorflow/tools/benchmark:benchmark_model try these arguments:\n"
      "bazel run tensorflow/tools/benchmark:benchmark_model -- --graph=g.pb --show_flops --input_layer=input "
      "--input_layer_type=float --input_layer_shape=-1,4 --output_layer=out\n"
      "b (Const): [], value=Tensor<type: float shape: [2] values: 0.1 0.2>\n"
      "w (Const): [], value=Tensor<type: float shape: [4,2] values: [1 2][3...]...>\n"
      "input (Placeholder): []\n"
      "mm (MatMul): [input, w]\n"
      "ba (BiasAdd): [mm, b]\n"
      "out (Softmax): [ba]\n";
  CHECK(report_with_structure(worked_example_graph(), "g.pb") == expected);
}

TEST_CASE("TV-SUM-1 variant: devices print without newlines, control edges are counted", "[summarize]") {
  GraphDef graph = worked_example_graph();
  for (NodeDef& node : *graph.mutable_node()) node.set_device("/cpu:0");
  graph.mutable_node(3)->add_input("^b");
  std::string report = report_with_structure(graph, "g.pb");
  CHECK(report.find("Found 1 possible outputs: (name=out, op=Softmax) \n"
                    "Found 10 (10) const parameters, 0 (0) variable parameters, and 1 control_edges\n"
                    "6 nodes assigned to device '/cpu:0'Op types used: 2 Const, 1 BiasAdd, 1 MatMul, 1 "
                    "Placeholder, 1 Softmax\n") != std::string::npos);
  CHECK(report.find("mm (MatMul): [input, w, ^b]\n") != std::string::npos);
  // The structure order stays b, w, input, mm, ba, out.
  size_t b = report.find("b (Const)"), w = report.find("w (Const)"), input = report.find("input (Placeholder)"),
         mm = report.find("mm (MatMul)"), ba = report.find("ba (BiasAdd)"), out = report.find("out (Softmax)");
  CHECK((b < w && w < input && input < mm && mm < ba && ba < out));
}

TEST_CASE("devices are listed in byte order with their node counts", "[summarize]") {
  GraphDef graph = worked_example_graph();
  graph.mutable_node(0)->set_device("/gpu:0");
  graph.mutable_node(1)->set_device("/cpu:0");
  graph.mutable_node(2)->set_device("/gpu:0");
  std::string text = mq::render_summary_text(mq::summarize_graph(graph, 0), "g.pb");
  CHECK(text.find("control_edges\n1 nodes assigned to device '/cpu:0'2 nodes assigned to device '/gpu:0'Op types") !=
        std::string::npos);
}

TEST_CASE("TV-SUM-2: HumanReadableNum", "[summarize]") {
  CHECK(mq::human_readable_number(0) == "0");
  CHECK(mq::human_readable_number(999) == "999");
  CHECK(mq::human_readable_number(1000) == "1.00k");
  CHECK(mq::human_readable_number(1500) == "1.50k");
  CHECK(mq::human_readable_number(999999) == "1000.00k");
  CHECK(mq::human_readable_number(1000000) == "1.00M");
  CHECK(mq::human_readable_number(23851784) == "23.85M");
  CHECK(mq::human_readable_number(1234567890) == "1.23B");
  CHECK(mq::human_readable_number(-1500) == "-1.50k");
  CHECK(mq::human_readable_number(1000000000000LL) == "1.00T");
  CHECK(mq::human_readable_number(1000000000000000LL) == "1E+15");
}

TEST_CASE("TV-SUM-3: Tensor DebugString shows at most three values", "[summarize]") {
  auto debug = [](const tensorflow::TensorProto& tensor) {
    mq::TensorProtoFacts facts = mq::inspect_tensor_proto(tensor);
    REQUIRE(facts.decodable);
    return mq::tensor_debug_string(tensor, facts);
  };
  CHECK(debug(float_tensor({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}, true)) ==
        "Tensor<type: float shape: [4,2] values: [1 2][3...]...>");
  CHECK(debug(float_tensor({5}, {1, 2, 3, 4, 5}, false)) == "Tensor<type: float shape: [5] values: 1 2 3...>");
  CHECK(debug(float_tensor({2, 2}, {1, 2, 3, 4}, true)) == "Tensor<type: float shape: [2,2] values: [1 2][3...]...>");
  CHECK(debug(float_tensor({1, 3}, {1, 2, 3}, true)) == "Tensor<type: float shape: [1,3] values: [1 2 3]>");
  CHECK(debug(float_tensor({0}, {}, false)) == "Tensor<type: float shape: [0] values: >");
  CHECK(debug(float_tensor({}, {1.17549435e-38f}, false)) ==
        "Tensor<type: float shape: [] values: 1.17549435e-38>");
  CHECK(debug(float_tensor({}, {0.1f}, false)) == "Tensor<type: float shape: [] values: 0.1>");
  // One float_val fills the whole shape ("repeat the last value").
  CHECK(debug(float_tensor({3, 2}, {7}, false)) == "Tensor<type: float shape: [3,2] values: [7 7][7...]...>");

  tensorflow::TensorProto scalar;
  scalar.set_dtype(tensorflow::DT_INT32);
  scalar.mutable_tensor_shape();
  scalar.add_int_val(7);
  CHECK(debug(scalar) == "Tensor<type: int32 shape: [] values: 7>");

  tensorflow::TensorProto strings;
  strings.set_dtype(tensorflow::DT_STRING);
  strings.mutable_tensor_shape()->add_dim()->set_size(2);
  strings.add_string_val("a\"b\n");
  strings.add_string_val(std::string("\x01z", 2));
  CHECK(debug(strings) == "Tensor<type: string shape: [2] values: a\\\"b\\n \\001z>");

  tensorflow::TensorProto flags;
  flags.set_dtype(tensorflow::DT_BOOL);
  flags.mutable_tensor_shape()->add_dim()->set_size(2);
  flags.add_bool_val(true);
  flags.add_bool_val(false);
  CHECK(debug(flags) == "Tensor<type: bool shape: [2] values: 1 0>");
}

TEST_CASE("undecodable Const values count nothing and give TensorFlow's warning", "[summarize]") {
  GraphDef graph;
  add_node(&graph, "no_value", "Const");
  tensorflow::TensorProto short_content = float_tensor({4}, {1, 2, 3}, true);  // 12 bytes for 4 floats
  add_const(&graph, "short", short_content);
  tensorflow::TensorProto negative = float_tensor({-1}, {1}, false);
  add_const(&graph, "negative_dim", negative);
  add_const(&graph, "fine", float_tensor({3}, {1, 2, 3}, true));
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  CHECK(summary.const_parameter_count == 3);
  CHECK(summary.warnings == std::vector<std::string>{"Decoding Tensor failed for nodeno_value",
                                                     "Decoding Tensor failed for nodeshort",
                                                     "Decoding Tensor failed for nodenegative_dim"});
  std::vector<std::string> warnings;
  auto structure = mq::render_structure_text(graph, &warnings);
  REQUIRE(structure.is_ok());
  CHECK(warnings.size() == 3);
  CHECK(structure->find("short (Const): []\n") != std::string::npos);
}

TEST_CASE("input shapes print as GTT prints them", "[summarize]") {
  GraphDef graph;
  add_node(&graph, "no_attrs", "Placeholder");
  NodeDef* unknown = add_node(&graph, "unknown_rank", "Placeholder");
  set_type(unknown, "dtype", tensorflow::DT_INT32);
  (*unknown->mutable_attr())["shape"].mutable_shape()->set_unknown_rank(true);
  NodeDef* scalar = add_placeholder(&graph, "scalar", {});
  NodeDef* bad = add_placeholder(&graph, "bad", {2, -3});
  add_placeholder(&graph, "known", {-1, 224, 224, 3});
  add_node(&graph, "default", "PlaceholderWithDefault");  // not an input for GTT
  (void)scalar;
  (void)bad;
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  REQUIRE(summary.inputs.size() == 5);
  std::string text = mq::render_summary_text(summary, "m.pb");
  CHECK(text.rfind("Found 5 possible inputs: (name=no_attrs, type=INVALID(0), shape=None) "
                   "(name=unknown_rank, type=int32(3), shape=<unknown>) (name=scalar, type=float(1), shape=[]) "
                   "(name=bad, type=float(1), shape=Shape [2,-3] has dimensions with values below -1 (where -1 means "
                   "unknown)) (name=known, type=float(1), shape=[?,224,224,3]) \n",
                   0) == 0);
  CHECK(text.find("--input_layer=no_attrs,unknown_rank,scalar,bad,known "
                  "--input_layer_type=INVALID,int32,float,float,float "
                  "--input_layer_shape=::::-1,224,224,3 --output_layer=default\n") != std::string::npos);
}

TEST_CASE("outputs: unconsumed nodes except Const, Assign, NoOp and Placeholder", "[summarize]") {
  GraphDef graph;
  add_placeholder(&graph, "x", {1});
  add_node(&graph, "unused_const", "Const");
  add_node(&graph, "init", "NoOp");
  add_node(&graph, "assign", "Assign");
  add_node(&graph, "guard", "Identity", {"x"});
  add_node(&graph, "relu", "Relu", {"x", "^guard"});  // control use counts as use
  add_node(&graph, "split", "Split", {"x"});
  add_node(&graph, "first", "Identity", {"split:1"});
  add_node(&graph, "second", "Identity", {"first:0"});
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  std::vector<std::string> names;
  for (const auto& output : summary.outputs) names.push_back(output.name + "/" + output.op);
  CHECK(names == std::vector<std::string>{"relu/Relu", "second/Identity"});
  CHECK(summary.control_edge_count == 1);
}

TEST_CASE("a graph with inputs naming missing nodes: the report stops after the Invalid input lines",
          "[summarize]") {
  GraphDef graph = worked_example_graph();
  graph.mutable_node(3)->add_input("^ghost");
  graph.mutable_node(5)->set_input(0, "phantom:1");
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  std::string text = mq::render_summary_text(summary, "g.pb");
  CHECK(text ==
        "Found 1 possible inputs: (name=input, type=float(1), shape=[?,4]) \n"
        "No variables spotted.\n"
        "Found 2 possible outputs: (name=ba, op=BiasAdd) (name=out, op=Softmax) \n"
        "Found 10 (10) const parameters, 0 (0) variable parameters, and 1 control_edges\n"
        "Invalid input ghost for node mm\n"
        "Invalid input phantom for node out\n");
  std::vector<std::string> warnings;
  auto structure = mq::render_structure_text(graph, &warnings);
  REQUIRE_FALSE(structure.is_ok());
  CHECK(structure.status().message() == "Node 'mm': Unknown input node '^ghost'");
}

TEST_CASE("--print_structure follows TensorFlow's LIFO execution order (TV-SORT-1..5)", "[summarize]") {
  auto order_of = [](const GraphDef& graph) {
    auto entries = mq::graph_structure(graph, nullptr);
    REQUIRE(entries.is_ok());
    std::vector<std::string> names;
    for (const auto& entry : *entries) names.push_back(entry.name);
    return names;
  };
  GraphDef sort1;
  add_node(&sort1, "add_node", "Add", {"a_node", "b_node"});
  add_node(&sort1, "b_node", "Const");
  add_node(&sort1, "a_node", "Const");
  CHECK(order_of(sort1) == std::vector<std::string>{"a_node", "b_node", "add_node"});

  GraphDef sort3;
  add_node(&sort3, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&sort3, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&sort3, "add_node3", "Add", {"const_node3", "const_node4"});
  for (const char* name : {"const_node1", "const_node2", "const_node3", "const_node4"}) add_node(&sort3, name, "Const");
  CHECK(order_of(sort3) == std::vector<std::string>{"const_node4", "const_node3", "add_node3", "const_node2",
                                                    "const_node1", "add_node2", "add_node1"});

  GraphDef sort4;
  add_node(&sort4, "add_node1", "Add", {"add_node2", "add_node3"});
  add_node(&sort4, "add_node2", "Add", {"const_node1", "const_node2"});
  add_node(&sort4, "add_node3", "Add", {"const_node1", "const_node3"});
  for (const char* name : {"const_node1", "const_node2", "const_node3"}) add_node(&sort4, name, "Const");
  CHECK(order_of(sort4) == std::vector<std::string>{"const_node3", "const_node2", "const_node1", "add_node3",
                                                    "add_node2", "add_node1"});

  GraphDef cycle;
  add_node(&cycle, "a", "Add", {"b", "b"});
  add_node(&cycle, "b", "Add", {"a", "a"});
  auto result = mq::render_structure_text(cycle, nullptr);
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().message() == "2 nodes in a cycle");
}

TEST_CASE("op counts include the function library and sort by count", "[summarize]") {
  GraphDef graph = worked_example_graph();
  tensorflow::FunctionDef* function = graph.mutable_library()->add_function();
  for (int i = 0; i < 3; ++i) function->add_node_def()->set_op("Softmax");
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  REQUIRE(summary.op_counts.size() == 5);
  CHECK(summary.op_counts[0] == mq::OpCount{"Softmax", 4});
  CHECK(summary.op_counts[1] == mq::OpCount{"Const", 2});
  CHECK(summary.node_count == 6);
}

TEST_CASE("op count order reproduces libstdc++'s unstable std::sort", "[summarize]") {
  // Up to 16 ops: ties keep alphabetical order.
  std::vector<mq::OpCount> few = {{"A", 1}, {"B", 3}, {"C", 1}, {"D", 3}, {"E", 2}};
  mq::sort_op_counts_like_gtt(&few);
  CHECK(few == std::vector<mq::OpCount>{{"B", 3}, {"D", 3}, {"E", 2}, {"A", 1}, {"C", 1}});

#if defined(__GLIBCXX__)
  // More ops: compare with the real thing on many inputs full of ties,
  // including sizes that drive the introsort into its heap-sort fallback.
  std::mt19937 rng(42);
  auto by_count = [](const mq::OpCount& a, const mq::OpCount& b) { return a.second > b.second; };
  for (int trial = 0; trial < 400; ++trial) {
    int n = 1 + static_cast<int>(rng() % 300);
    int distinct = 1 + static_cast<int>(rng() % 6);
    std::vector<mq::OpCount> counts;
    for (int i = 0; i < n; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "Op%04d", i);
      long long count = trial % 3 == 0 ? 1 + (n - i) % distinct : 1 + static_cast<long long>(rng() % distinct);
      counts.push_back({name, count});
    }
    std::vector<mq::OpCount> expected = counts;
    std::sort(expected.begin(), expected.end(), by_count);
    mq::sort_op_counts_like_gtt(&counts);
    INFO("trial " << trial << ", " << n << " ops");
    REQUIRE(counts == expected);
  }
#else
  mq::test::announce_skip("comparison with std::sort", "this build does not use GNU libstdc++");
#endif
}

TEST_CASE("largest tensors: ten at most, largest first, ties in graph order; bytes per dtype", "[summarize]") {
  GraphDef graph;
  for (int i = 0; i < 12; ++i) {
    std::vector<float> values(static_cast<size_t>(i % 4 + 2), 1.0f);
    add_const(&graph, "c" + std::to_string(i), float_tensor({static_cast<int64_t>(values.size())}, values, true));
  }
  tensorflow::TensorProto ints;
  ints.set_dtype(tensorflow::DT_INT64);
  ints.mutable_tensor_shape()->add_dim()->set_size(100);  // no values: all zeros, still 800 bytes
  add_const(&graph, "zeros", ints);
  mq::GraphSummary summary = mq::summarize_graph(graph, 1234);
  REQUIRE(summary.largest_tensors.size() == mq::kLargestTensorCount);
  std::vector<std::string> names;
  for (const auto& t : summary.largest_tensors) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"zeros", "c3", "c7", "c11", "c2", "c6", "c10", "c1", "c5", "c9"});
  CHECK(summary.largest_tensors[0].bytes == 800);
  CHECK(summary.largest_tensors[0].shape == std::vector<int64_t>{100});
  CHECK(summary.weight_bytes_by_dtype.at("int64") == 800);
  CHECK(summary.weight_bytes_by_dtype.at("float") == 4 * (3 * (2 + 3 + 4 + 5)));
  CHECK(summary.const_parameter_count == 100 + 3 * (2 + 3 + 4 + 5));
  CHECK(summary.file_size == 1234);
}

TEST_CASE("the JSON form has the documented keys and values", "[summarize]") {
  GraphDef graph = worked_example_graph();
  NodeDef* odd = add_node(&graph, std::string("bad\xff name", 9), "Placeholder");
  (*odd->mutable_attr())["shape"].mutable_shape()->set_unknown_rank(true);
  mq::GraphSummary summary = mq::summarize_graph(graph, 4242);
  auto structure = mq::graph_structure(graph, nullptr);
  REQUIRE(structure.is_ok());
  std::string text = mq::render_summary_json(summary, "dir/g.pb", &*structure);
  nlohmann::json doc = nlohmann::json::parse(text);
  std::vector<std::string> keys;
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text);
  for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"file_size", "node_count", "inputs", "outputs", "parameter_count",
                                         "op_counts", "weight_bytes_by_dtype", "largest_tensors", "variables",
                                         "variable_parameter_count", "control_edge_count", "devices",
                                         "invalid_inputs", "warnings", "suggested_commands", "structure"});
  CHECK(doc["file_size"] == 4242);
  CHECK(doc["node_count"] == 7);
  CHECK(doc["inputs"][0] == nlohmann::json{{"name", "input"}, {"dtype", "float"}, {"shape", {-1, 4}}});
  CHECK(doc["inputs"][1]["shape"].is_null());
  CHECK(doc["inputs"][1]["dtype"] == "INVALID");
  CHECK(doc["outputs"] == nlohmann::json{"out"});
  CHECK(doc["parameter_count"] == 10);
  CHECK(doc["op_counts"]["Const"] == 2);
  CHECK(doc["op_counts"]["Placeholder"] == 2);
  CHECK(doc["weight_bytes_by_dtype"] == nlohmann::json{{"float", 40}});
  CHECK(doc["largest_tensors"][0] ==
        nlohmann::json{{"name", "w"}, {"dtype", "float"}, {"shape", {4, 2}}, {"bytes", 32}});
  CHECK(doc["suggested_commands"]["benchmark_model"].get<std::string>().find("--graph=dir/g.pb") !=
        std::string::npos);
  CHECK(doc["suggested_commands"]["transform_graph"].get<std::string>().find(
            "--out_graph=dir/g_optimized.pb --inputs=") != std::string::npos);
  CHECK(doc["structure"][1] == nlohmann::json{{"name", "b"},
                                              {"op", "Const"},
                                              {"inputs", nlohmann::json::array()},
                                              {"value", "Tensor<type: float shape: [2] values: 0.1 0.2>"}});
  // Without a structure the key is absent.
  CHECK_FALSE(nlohmann::json::parse(mq::render_summary_json(summary, "g.pb")).contains("structure"));
}

TEST_CASE("every shared model: inputs, outputs, node and parameter counts", "[summarize]") {
  // Inputs, outputs and node counts: shared/models/README.md. Const parameter
  // and control-edge counts were cross-checked independently by decoding each
  // file with `protoc --decode=tensorflow.GraphDef` and multiplying the dims
  // of every Const's value.
  struct Expected {
    const char* file;
    int nodes;
    std::vector<std::string> inputs;  // "name dtype shape"
    std::vector<std::string> outputs;
    long long parameters;
    long long control_edges;
  };
  const std::vector<Expected> table = {
      {"tf2onnx_fc-layers.pb", 24, {"X float [?,784]"}, {"output"}, 269322, 0},
      {"tf2onnx_lstm.pb", 529, {"X float [?,784]", "keep_prob float <unknown>"}, {"output"}, 81776, 0},
      {"tf2onnx_regression.pb", 8, {"X float <unknown>"}, {"pred"}, 2, 0},
      {"cms_tracktf_ckf_run3.pb", 211, {"x float [?,29]", "y float [?,1]"}, {"Identity"}, 74287, 42},
      {"har_lstm.pb", 6862, {"input float [?,200,3]"}, {"y_"}, 67919, 0},
      {"poets_mobilenet_v1_0.25_128_frozen.pb", 555, {"input float [1,128,128,3]"},
       {"MobilenetV1/Predictions/Reshape_1"}, 475832, 0},
      {"poets_mobilenet_v1_0.25_128_quantized.pb", 180, {"input float [1,128,128,3]"},
       {"MobilenetV1/Predictions/Reshape_1"}, 468841, 0},
      {"mnist_mlp.pb", 21, {"Placeholder float [100,784]"}, {"softmax_linear/add"}, 104938, 0},
      {"mnist_onnx_tf.pb", 81, {"Input3 float [1,1,28,28]"}, {"Plus214_Output_0"}, 6064, 0},
      {"char_rnn_receipts.pb", 387, {"input_data int32 [10,10]"}, {"probs"}, 277893, 0},
      {"npm_human_selfie.pb", 361, {"input_1 float [1,256,256,3]"}, {"activation_10"}, 106433, 0},
      {"npm_nsfwjs_mobilenet_v2_mid.pb", 266, {"input float [?,224,224,3]"}, {"Identity"}, 4300775, 4},
  };
  if (mq::test::shared_models().empty()) return;
  for (const Expected& expected : table) {
    std::string path = mq::test::shared_dir() + "/models/" + expected.file;
    INFO(path);
    GraphDef graph;
    REQUIRE(mq::load_graph_file(path, &graph).is_ok());
    unsigned long long size = mq::test::read_bytes(path).size();
    mq::GraphSummary summary = mq::summarize_graph(graph, size);
    CHECK(summary.node_count == expected.nodes);
    std::vector<std::string> inputs, outputs;
    for (const auto& input : summary.inputs)
      inputs.push_back(input.name + " " + mq::dtype_name(input.dtype) + " " + mq::shape_text(input));
    for (const auto& output : summary.outputs) outputs.push_back(output.name);
    CHECK(inputs == expected.inputs);
    CHECK(outputs == expected.outputs);
    CHECK(summary.const_parameter_count == expected.parameters);
    CHECK(summary.control_edge_count == expected.control_edges);
    CHECK(summary.warnings.empty());
    CHECK(summary.invalid_inputs.empty());
    // Weights are most of a frozen graph's bytes, never more than all of them.
    unsigned long long weight_bytes = 0;
    for (const auto& [dtype, bytes] : summary.weight_bytes_by_dtype) weight_bytes += bytes;
    CHECK(weight_bytes <= size);
    REQUIRE_FALSE(summary.largest_tensors.empty());
    CHECK(summary.largest_tensors.front().bytes <= weight_bytes);
    std::string text = mq::render_summary_text(summary, expected.file);
    CHECK(text.find("Op types used: ") != std::string::npos);
    std::vector<std::string> warnings;
    auto structure = mq::render_structure_text(graph, &warnings);
    REQUIRE(structure.is_ok());
    CHECK(std::count(structure->begin(), structure->end(), '\n') == expected.nodes);
  }
}

TEST_CASE("weight-heavy shared models: weights account for nearly the whole file", "[summarize]") {
  if (mq::test::shared_models().empty()) return;
  for (const char* file : {"tf2onnx_fc-layers.pb", "npm_nsfwjs_mobilenet_v2_mid.pb",
                           "poets_mobilenet_v1_0.25_128_frozen.pb"}) {
    std::string path = mq::test::shared_dir() + "/models/" + file;
    INFO(path);
    GraphDef graph;
    REQUIRE(mq::load_graph_file(path, &graph).is_ok());
    unsigned long long size = mq::test::read_bytes(path).size();
    mq::GraphSummary summary = mq::summarize_graph(graph, size);
    unsigned long long float_bytes = summary.weight_bytes_by_dtype["float"];
    CHECK(float_bytes > size * 9 / 10);
    CHECK(float_bytes <= size);
  }
}
