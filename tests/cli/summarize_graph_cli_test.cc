// The summarize_graph front door: TensorFlow's flags and exact report, as its
// own executable and as "modelquant summarize_graph".
#include <catch2/catch.hpp>
#include <cstring>

#include "core/io/file.h"
#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::run_program;
using mq::test::shell_quote;
using mq::test::summarize_graph_path;

namespace {

tensorflow::NodeDef* add(tensorflow::GraphDef* graph, const char* name, const char* op,
                         std::vector<std::string> inputs = {}) {
  tensorflow::NodeDef* node = graph->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  if (std::strcmp(op, "Placeholder") && std::strcmp(op, "Const"))
    (*node->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  return node;
}

void set_float_value(tensorflow::NodeDef* node, std::vector<int64_t> shape, std::vector<float> values) {
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  for (int64_t d : shape) tensor->mutable_tensor_shape()->add_dim()->set_size(d);
  for (float v : values) tensor->add_float_val(v);
}

// spec/summarize-graph.md §3, written to a file.
std::string write_worked_example() {
  tensorflow::GraphDef graph;
  auto* input = add(&graph, "input", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* shape = (*input->mutable_attr())["shape"].mutable_shape();
  shape->add_dim()->set_size(-1);
  shape->add_dim()->set_size(4);
  set_float_value(add(&graph, "w", "Const"), {4, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  set_float_value(add(&graph, "b", "Const"), {2}, {0.1f, 0.2f});
  add(&graph, "mm", "MatMul", {"input", "w"});
  add(&graph, "ba", "BiasAdd", {"mm", "b"});
  add(&graph, "out", "Softmax", {"ba"});
  std::string path = mq::test::scratch_dir() + "/g.pb";
  REQUIRE(mq::save_graph_file(graph, path, mq::GraphFormat::kBinary).is_ok());
  return path;
}

std::string expected_report(const std::string& path, bool structure) {
  std::string report =
      "Found 1 possible inputs: (name=input, type=float(1), shape=[?,4]) \n"
      "No variables spotted.\n"
      "Found 1 possible outputs: (name=out, op=Softmax) \n"
      "Found 10 (10) const parameters, 0 (0) variable parameters, and 0 control_edges\n"
      "Op types used: 2 Const, 1 BiasAdd, 1 MatMul, 1 Placeholder, 1 Softmax\n"
      "To use with tensorflow/tools/benchmark:benchmark_model try these arguments:\n"
      "bazel run tensorflow/tools/benchmark:benchmark_model -- --graph=" +
      path +
      " --show_flops --input_layer=input --input_layer_type=float --input_layer_shape=-1,4 --output_layer=out\n";
  if (structure)
    report +=
        "b (Const): [], value=Tensor<type: float shape: [2] values: 0.1 0.2>\n"
        "w (Const): [], value=Tensor<type: float shape: [4,2] values: [1 2][3...]...>\n"
        "input (Placeholder): []\n"
        "mm (MatMul): [input, w]\n"
        "ba (BiasAdd): [mm, b]\n"
        "out (Softmax): [ba]\n";
  return report;
}

}  // namespace

TEST_CASE("summarize_graph prints the worked example exactly, both ways in", "[cli]") {
  std::string path = write_worked_example();
  auto own = run_program(summarize_graph_path(), "--in_graph=" + shell_quote(path) + " --print_structure");
  CHECK(own.exit_code == 0);
  CHECK(own.err.empty());
  CHECK(own.out == expected_report(path, true));
  auto sub = run_modelquant("summarize_graph --print_structure --in_graph=" + shell_quote(path));
  CHECK(sub.exit_code == 0);
  CHECK(sub.out == expected_report(path, true));
  auto plain = run_program(summarize_graph_path(), "--in_graph=" + shell_quote(path) + " --print_structure=false");
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == expected_report(path, false));
}

TEST_CASE("summarize_graph and modelquant summarize print the same report", "[cli]") {
  std::string model = mq::test::example_model_path();
  auto front_door = run_program(summarize_graph_path(), "--in_graph=" + shell_quote(model));
  auto command = run_modelquant("summarize " + shell_quote(model));
  CHECK(front_door.exit_code == 0);
  CHECK(front_door.out == command.out);
}

TEST_CASE("summarize_graph follows TensorFlow's flag syntax", "[cli]") {
  std::string path = write_worked_example();
  // The last --in_graph wins.
  auto last = run_program(summarize_graph_path(), "--in_graph=/nonexistent.pb --in_graph=" + shell_quote(path));
  CHECK(last.exit_code == 0);
  CHECK(last.out == expected_report(path, false));
  // Space-separated values, unknown flags, bad bools, "--" and no input are usage errors.
  for (const std::string& arguments :
       {"--in_graph " + shell_quote(path), "--in_graph=" + shell_quote(path) + " --print_structure=1",
        "--in_graph=" + shell_quote(path) + " --print_structurex", "--in_graph=" + shell_quote(path) + " -- x",
        "--in_graph=" + shell_quote(path) + " --output_graph=x", std::string(""), std::string("--in_graph=")}) {
    INFO("summarize_graph " << arguments);
    auto own = run_program(summarize_graph_path(), arguments);
    CHECK(own.exit_code == 2);
    CHECK(own.out.empty());
    check_one_line_error(own, "summarize_graph");
    auto sub = run_modelquant("summarize_graph " + arguments);
    CHECK(sub.exit_code == 2);
    check_one_line_error(sub, "modelquant");
  }
  auto help = run_program(summarize_graph_path(), "--help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.rfind("usage: summarize_graph\nFlags:\n\t--in_graph=\"\"", 0) == 0);
  CHECK(help.out.find("--print_structure=false") != std::string::npos);
}

TEST_CASE("summarize_graph on broken input exits 2 with one line", "[cli]") {
  std::string dir = mq::test::scratch_dir();
  REQUIRE(mq::write_file_atomic(dir + "/empty.pb", "").is_ok());
  auto empty = run_program(summarize_graph_path(), "--in_graph=" + shell_quote(dir + "/empty.pb"));
  CHECK(empty.exit_code == 2);
  check_one_line_error(empty, "summarize_graph");

  tensorflow::GraphDef graph;
  add(&graph, "a", "Relu", {"ghost:1"});
  REQUIRE(mq::save_graph_file(graph, dir + "/dangling.pb", mq::GraphFormat::kBinary).is_ok());
  auto dangling = run_program(summarize_graph_path(), "--in_graph=" + shell_quote(dir + "/dangling.pb"));
  CHECK(dangling.exit_code == 2);
  CHECK(dangling.out ==
        "No inputs spotted.\nNo variables spotted.\nFound 1 possible outputs: (name=a, op=Relu) \n"
        "Found 0 (0) const parameters, 0 (0) variable parameters, and 0 control_edges\n"
        "Invalid input ghost for node a\n");
  check_one_line_error(dangling, "summarize_graph");
  CHECK(dangling.err.find("Invalid graph with inputs referring to nonexistent nodes") != std::string::npos);
}
