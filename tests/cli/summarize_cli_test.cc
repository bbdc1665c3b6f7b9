// modelquant summarize: the GTT report, JSON, structure, and how bad input fails.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/examples/example_model.h"
#include "core/io/file.h"
#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::shell_quote;

namespace {

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = mq::test::scratch_dir() + "/" + name;
  REQUIRE(mq::write_file_atomic(path, bytes).is_ok());
  return path;
}

}  // namespace

TEST_CASE("summarize prints GTT's report for the example model", "[cli]") {
  std::string model = mq::test::example_model_path();
  auto result = run_modelquant("summarize " + shell_quote(model));
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out.rfind("Found 2 possible inputs: (name=input, type=float(1), shape=[1,64,64,3]) "
                         "(name=labels, type=int64(9), shape=[1]) \nNo variables spotted.\n"
                         "Found 2 possible outputs: (name=predictions, op=Softmax) (name=loss/Mean, op=Mean) \n",
                         0) == 0);
  CHECK(result.out.find("bazel run tensorflow/tools/benchmark:benchmark_model -- --graph=" + model +
                        " --show_flops --input_layer=input,labels --input_layer_type=float,int64 "
                        "--input_layer_shape=1,64,64,3:1 --output_layer=predictions,loss/Mean\n") !=
        std::string::npos);
}

TEST_CASE("summarize --json gives the documented document", "[cli]") {
  std::string model = mq::test::example_model_path();
  auto result = run_modelquant("summarize --json " + shell_quote(model));
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  nlohmann::json doc = nlohmann::json::parse(result.out);
  CHECK(doc["file_size"] == mq::test::read_bytes(model).size());
  CHECK(doc["node_count"] == 53);
  CHECK(doc["inputs"][0] == nlohmann::json{{"name", "input"}, {"dtype", "float"}, {"shape", {1, 64, 64, 3}}});
  CHECK(doc["outputs"] == nlohmann::json{"predictions", "loss/Mean"});
  // Every Const of the example holds 4-byte elements.
  CHECK(doc["parameter_count"].get<unsigned long long>() * 4 == mq::example_weight_bytes({}));
  CHECK(doc["largest_tensors"][0]["name"] == "logits/weights");
  CHECK(doc["largest_tensors"][0]["bytes"] == 256 * 1000 * 4);
  CHECK(doc["op_counts"]["FusedBatchNormV3"] == 1);
  CHECK_FALSE(doc.contains("structure"));

  auto with_structure = run_modelquant("summarize --json --print_structure " + shell_quote(model));
  REQUIRE(with_structure.exit_code == 0);
  nlohmann::json full = nlohmann::json::parse(with_structure.out);
  REQUIRE(full["structure"].size() == 53);
  CHECK(full["structure"].back()["name"] == "predictions");
}

TEST_CASE("summarize --print_structure lists every node in execution order", "[cli]") {
  auto result = run_modelquant("summarize --print_structure " + shell_quote(mq::test::example_model_path()));
  REQUIRE(result.exit_code == 0);
  size_t structure = result.out.find("--output_layer=predictions,loss/Mean\n");
  REQUIRE(structure != std::string::npos);
  std::string listing = result.out.substr(result.out.find('\n', structure) + 1);
  CHECK(std::count(listing.begin(), listing.end(), '\n') == 53);
  CHECK(listing.find("predictions (Softmax): [logits/BiasAdd]\n") != std::string::npos);
  CHECK(listing.find("pool/shape (Const): [], value=Tensor<type: int32 shape: [2] values: -1 256>\n") !=
        std::string::npos);
}

TEST_CASE("summarize refuses files that are not a GraphDef with exit code 2 and one line", "[cli]") {
  std::string model_bytes = mq::test::read_bytes(mq::test::example_model_path());
  std::mt19937 rng(5);
  std::string random(10000, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  struct Case {
    const char* name;
    std::string bytes;
    const char* says;
  };
  std::vector<Case> cases = {
      {"empty.pb", "", "empty"},
      {"random.pb", random, "random.pb: "},
      {"truncated.pb", model_bytes.substr(0, model_bytes.size() / 2), "truncated"},
      {"model.h5", std::string("\x89HDF\r\n\x1a\n\0\0\0\0\0\0\0\0", 16) + random, "HDF5"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::string path = write_temp(c.name, c.bytes);
    for (const char* flags : {"", "--json "}) {
      auto result = run_modelquant(std::string("summarize ") + flags + shell_quote(path));
      CHECK(result.exit_code == 2);
      CHECK(result.out.empty());
      check_one_line_error(result);
      CHECK(result.err.find(c.says) != std::string::npos);
    }
  }
  auto missing = run_modelquant("summarize /nonexistent/model.pb");
  CHECK(missing.exit_code == 2);
  check_one_line_error(missing);
  CHECK(missing.err.find("/nonexistent/model.pb") != std::string::npos);
}

TEST_CASE("summarize of a graph with dangling inputs prints the report, then fails", "[cli]") {
  tensorflow::GraphDef graph;
  auto* a = graph.add_node();
  a->set_name("a");
  a->set_op("Relu");
  a->add_input("ghost");
  std::string path = mq::test::scratch_dir() + "/dangling.pb";
  REQUIRE(mq::save_graph_file(graph, path, mq::GraphFormat::kBinary).is_ok());
  auto result = run_modelquant("summarize " + shell_quote(path));
  CHECK(result.exit_code == 2);
  CHECK(result.out.find("Invalid input ghost for node a\n") != std::string::npos);
  CHECK(result.out.find("Op types used") == std::string::npos);
  check_one_line_error(result);
  auto json = run_modelquant("summarize --json " + shell_quote(path));
  CHECK(json.exit_code == 2);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["invalid_inputs"] == nlohmann::json{{{"node", "a"}, {"missing", "ghost"}}});
}

TEST_CASE("usage: help and version exit 0, mistakes exit 2 with one line", "[cli]") {
  auto help = run_modelquant("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("summarize") != std::string::npos);
  CHECK(help.out.find("convert") != std::string::npos);
  CHECK(help.out.find("summarize_graph") != std::string::npos);
  auto command_help = run_modelquant("summarize --help");
  CHECK(command_help.exit_code == 0);
  CHECK(command_help.out.find("--json") != std::string::npos);
  auto version = run_modelquant("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == std::string("modelquant ") + MQ_VERSION + "\n");

  for (const char* arguments : {"", "summarize", "frobnicate x.pb", "summarize --bogus x.pb",
                                "summarize a.pb b.pb"}) {
    INFO("modelquant " << arguments);
    auto result = run_modelquant(arguments);
    CHECK(result.exit_code == 2);
    check_one_line_error(result);
  }
}
