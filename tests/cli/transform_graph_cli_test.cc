// The transform_graph front door: TensorFlow's flags, as its own executable
// and as "modelquant transform_graph"; the classic command line pasted as is.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::run_program;
using mq::test::shell_quote;

namespace {

std::string transform_graph_path() { return std::string(MQ_BIN_DIR) + "/transform_graph"; }

tensorflow::NodeDef* add(tensorflow::GraphDef* graph, const std::string& name, const std::string& op,
                         std::vector<std::string> inputs = {}) {
  tensorflow::NodeDef* node = graph->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return node;
}

// input → Conv2D(weights/read) → Identity → out, plus a dangling training branch.
std::string write_model(const std::string& dir) {
  tensorflow::GraphDef graph;
  auto* input = add(&graph, "input", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* weights = add(&graph, "weights", "Const");
  (*weights->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* tensor = (*weights->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  for (int d : {3, 3, 3, 64}) tensor->mutable_tensor_shape()->add_dim()->set_size(d);
  std::string bytes(3 * 3 * 3 * 64 * 4, '\0');
  for (size_t i = 0; i < bytes.size() / 4; ++i) {
    float v = float(int(i % 23) - 11) / 11.0f;
    std::memcpy(&bytes[i * 4], &v, 4);
  }
  tensor->set_tensor_content(bytes);
  add(&graph, "weights/read", "Identity", {"weights"});
  auto* conv = add(&graph, "conv", "Conv2D", {"input", "weights/read"});
  (*conv->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*conv->mutable_attr())["padding"].set_s("SAME");
  add(&graph, "conv/identity", "Identity", {"conv"});
  add(&graph, "out", "Relu", {"conv/identity"});
  add(&graph, "loss", "Mean", {"out"});
  std::string path = dir + "/a.pb";
  REQUIRE(mq::save_graph_file(graph, path, mq::GraphFormat::kBinary).is_ok());
  return path;
}

const char* kClassicTransforms =
    "--transforms='strip_unused_nodes(type=float, shape=\"1,224,224,3\") remove_nodes(op=Identity) "
    "quantize_weights'";

}  // namespace

TEST_CASE("the classic transform_graph command line works unchanged", "[cli][transform_graph]") {
  std::string dir = mq::test::temp_dir();
  write_model(dir);
  // Exactly what a TensorFlow user pastes (run from the model's folder).
  std::string classic = std::string("--in_graph=a.pb --out_graph=b.pb --inputs=input --outputs=out ") +
                        kClassicTransforms;
  auto result = run_program("/bin/sh", "-c " + shell_quote("cd " + shell_quote(dir) + " && " +
                                                            shell_quote(transform_graph_path()) + " " + classic));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.find("% of before") != std::string::npos);
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(dir + "/b.pb", &graph).is_ok());
  std::vector<std::string> names;
  for (const auto& node : graph.node()) names.push_back(node.name());
  CHECK(names == std::vector<std::string>{"input", "weights_quantized_const", "weights_quantized_min",
                                          "weights_quantized_max", "weights", "conv", "out"});
  CHECK(graph.node(5).input(1) == "weights");

  // The same through modelquant gives the same bytes.
  auto again = run_program("/bin/sh", "-c " + shell_quote("cd " + shell_quote(dir) + " && " +
                                                           shell_quote(MQ_CLI_PATH) + " transform_graph " +
                                                           "--in_graph=a.pb --out_graph=c.pb --inputs=input "
                                                           "--outputs=out " + kClassicTransforms));
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(mq::test::read_bytes(dir + "/c.pb") == mq::test::read_bytes(dir + "/b.pb"));
}

TEST_CASE("transform_graph flags: text output, repeated flags, ~ for the home folder", "[cli][transform_graph]") {
  std::string dir = mq::test::temp_dir();
  write_model(dir);
  auto with_home = run_program("/usr/bin/env", "HOME=" + shell_quote(dir) + " " + shell_quote(transform_graph_path()) +
                                                   " --in_graph=~/a.pb --out_graph=~/t.pb --outputs=nothing "
                                                   "--outputs=out --transforms=remove_device --output_as_text");
  INFO(with_home.err);
  REQUIRE(with_home.exit_code == 0);
  mq::GraphFormat format;
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(dir + "/t.pb", &graph, &format).is_ok());
  CHECK(format == mq::GraphFormat::kText);  // whatever the extension
  CHECK(graph.node_size() == 7);
}

TEST_CASE("transform_graph errors exit with 2 and say what TensorFlow says", "[cli][transform_graph]") {
  std::string dir = mq::test::temp_dir();
  std::string model = write_model(dir);
  std::string in = "--in_graph=" + shell_quote(model);
  std::string out = "--out_graph=" + shell_quote(dir + "/b.pb");
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {out + " --transforms=remove_device", "in_graph graph can't be empty."},
      {in + " --transforms=remove_device", "out_graph graph can't be empty."},
      {in + " " + out, "You must specify at least one transform."},
      {in + " " + out + " --transforms=' '", "You must specify at least one transform."},
      {in + " " + out + " --transforms='fold(a)'",
       "Failed to parse --transforms argument, error was at column 7: expected '=' right after parameter 'a' of "
       "'fold', found ')'"},
      {in + " " + out + " --transforms=fold_everything", "Transform 'fold_everything' not recognized."},
      {in + " " + out + " --transforms='strip_unused_nodes' --outputs=nowhere",
       "strip_unused_nodes: Input node nowhere not found in graph"},
      {in + " " + out + " --transforms=remove_device --output_as_text=1",
       "Couldn't interpret value =1 for flag output_as_text."},
      {"--in_graph " + shell_quote(model) + " " + out + " --transforms=remove_device", "Unknown argument --in_graph"},
      {in + " " + out + " --transforms=remove_device -- extra", "Unknown argument --"},
      {"--in_graph=" + shell_quote(dir + "/missing.pb") + " " + out + " --transforms=remove_device",
       "Loading graph '" + dir + "/missing.pb' failed with"},
      {in + " --out_graph=" + shell_quote(dir + "/no/such/dir/b.pb") + " --transforms=remove_device",
       "Saving graph '" + dir + "/no/such/dir/b.pb' failed with"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    auto result = run_program(transform_graph_path(), c.args);
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind("transform_graph: error: ", 0) == 0);
    CHECK(result.err.find(c.message) != std::string::npos);
  }
  // The parse error shows where.
  auto parse = run_program(transform_graph_path(), in + " " + out + " --transforms='fold(a)'");
  CHECK(parse.err.find("\nfold(a)\n      ^\n") != std::string::npos);
  // Through modelquant, the program is named as such.
  auto through = run_modelquant("transform_graph " + out + " --transforms=remove_device");
  CHECK(through.exit_code == 2);
  check_one_line_error(through);
  CHECK(through.err.find("See modelquant transform_graph --help") != std::string::npos);
}

TEST_CASE("transform_graph --help lists the flags and every transform", "[cli][transform_graph]") {
  auto help = run_program(transform_graph_path(), "--help");
  REQUIRE(help.exit_code == 0);
  CHECK(help.out.rfind("usage: transform_graph\nFlags:\n\t--in_graph=\"\"", 0) == 0);
  // Each flag padded to 33 characters, as TensorFlow's usage text does.
  CHECK(help.out.find("\t--output_as_text=false" + std::string(33 - 22, ' ') + "\tbool\t") != std::string::npos);
  CHECK(help.out.find("\nTransforms are:\n") != std::string::npos);
  CHECK(help.out.find("\nquantize_weights\nremove_attribute\n") != std::string::npos);
}
