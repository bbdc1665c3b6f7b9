// modelquant convert: binary ⇄ text round trips and the overwrite guard.
#include <catch2/catch.hpp>
#include <filesystem>

#include "core/io/file.h"
#include "core/io/graph_io.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::shell_quote;

namespace {

// Deterministic bytes of the graph a file holds, whatever its format.
std::string canonical_bytes(const std::string& path) {
  tensorflow::GraphDef graph;
  mq::Status status = mq::load_graph_file(path, &graph);
  INFO(status.message());
  REQUIRE(status.is_ok());
  auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  REQUIRE(bytes.is_ok());
  return *bytes;
}

}  // namespace

TEST_CASE("convert pb → pbtxt → pb gives back the same graph", "[cli]") {
  std::vector<std::string> models = {mq::test::example_model_path()};
  if (!mq::test::shared_dir().empty()) models.push_back(mq::test::shared_dir() + "/models/mnist_onnx_tf.pb");
  for (const std::string& model : models) {
    INFO(model);
    std::string dir = mq::test::scratch_dir();
    auto to_text = run_modelquant("convert " + shell_quote(model) + " " + shell_quote(dir + "/m.pbtxt"));
    INFO(to_text.err);
    REQUIRE(to_text.exit_code == 0);
    std::string text = mq::test::read_bytes(dir + "/m.pbtxt");
    CHECK(text.rfind("node {", 0) == 0);
    auto to_binary = run_modelquant("convert " + shell_quote(dir + "/m.pbtxt") + " " + shell_quote(dir + "/back.pb"));
    INFO(to_binary.err);
    REQUIRE(to_binary.exit_code == 0);
    CHECK(canonical_bytes(dir + "/back.pb") == canonical_bytes(model));
  }
}

TEST_CASE("convert --to overrides the output extension", "[cli]") {
  std::string dir = mq::test::scratch_dir();
  auto result = run_modelquant("convert --to text " + shell_quote(mq::test::example_model_path()) + " " +
                               shell_quote(dir + "/looks_binary.pb"));
  REQUIRE(result.exit_code == 0);
  CHECK(mq::test::read_bytes(dir + "/looks_binary.pb").rfind("node {", 0) == 0);
  auto binary = run_modelquant("convert --to binary " + shell_quote(mq::test::example_model_path()) + " " +
                               shell_quote(dir + "/copy.pbtxt"));
  REQUIRE(binary.exit_code == 0);
  CHECK(mq::test::read_bytes(dir + "/copy.pbtxt") == mq::test::read_bytes(mq::test::example_model_path()));
  auto bad = run_modelquant("convert --to xml " + shell_quote(mq::test::example_model_path()) + " " +
                            shell_quote(dir + "/x.xml"));
  CHECK(bad.exit_code == 2);
  check_one_line_error(bad);
}

TEST_CASE("convert refuses to write over its input unless told to", "[cli]") {
  std::string dir = mq::test::scratch_dir();
  std::string original = mq::test::read_bytes(mq::test::example_model_path());
  std::string path = dir + "/model.pb";
  REQUIRE(mq::write_file_atomic(path, original).is_ok());
  std::filesystem::create_symlink(path, dir + "/link.pb");
  for (const std::string& same : {path, dir + "/./model.pb", dir + "/link.pb"}) {
    INFO(same);
    auto result = run_modelquant("convert " + shell_quote(path) + " " + shell_quote(same));
    CHECK(result.exit_code == 2);
    check_one_line_error(result);
    CHECK(result.err.find("--overwrite-input") != std::string::npos);
    CHECK(mq::test::read_bytes(path) == original);
  }
  auto allowed = run_modelquant("convert --overwrite-input " + shell_quote(path) + " " + shell_quote(path));
  CHECK(allowed.exit_code == 0);
  CHECK(canonical_bytes(path) == canonical_bytes(mq::test::example_model_path()));
}

TEST_CASE("convert reports unreadable input and unwritable output with exit code 2", "[cli]") {
  std::string dir = mq::test::scratch_dir();
  auto missing = run_modelquant("convert " + shell_quote(dir + "/none.pb") + " " + shell_quote(dir + "/out.pb"));
  CHECK(missing.exit_code == 2);
  check_one_line_error(missing);
  auto no_folder = run_modelquant("convert " + shell_quote(mq::test::example_model_path()) + " " +
                                  shell_quote(dir + "/no/such/folder/out.pb"));
  CHECK(no_folder.exit_code == 2);
  check_one_line_error(no_folder);
  CHECK_FALSE(std::filesystem::exists(dir + "/out.pb"));
}
