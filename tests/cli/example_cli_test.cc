// modelquant example: writes the example CNN.
#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::shell_quote;

TEST_CASE("example writes the committed example model", "[cli]") {
  std::string path = mq::test::scratch_dir() + "/model.pb";
  auto result = run_modelquant("example -o " + shell_quote(path));
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(mq::test::read_bytes(path) == mq::test::read_bytes(mq::test::example_model_path()));
  auto summary = run_modelquant("summarize " + shell_quote(path));
  CHECK(summary.exit_code == 0);
  CHECK(summary.out.find("(name=predictions, op=Softmax)") != std::string::npos);
}

TEST_CASE("example --scale makes a proportionally larger model", "[cli]") {
  std::string path = mq::test::scratch_dir() + "/model.pb";
  REQUIRE(run_modelquant("example --scale 3 -o " + shell_quote(path)).exit_code == 0);
  double ratio = static_cast<double>(mq::test::read_bytes(path).size()) /
                 static_cast<double>(mq::test::read_bytes(mq::test::example_model_path()).size());
  CHECK(ratio > 2.7);
  CHECK(ratio < 3.3);
}

TEST_CASE("example rejects bad options with exit code 2", "[cli]") {
  std::string dir = mq::test::scratch_dir();
  for (const std::string& arguments : {"example --scale 0 -o " + shell_quote(dir + "/a.pb"),
                                       "example --scale lots -o " + shell_quote(dir + "/a.pb"),
                                       std::string("example")}) {
    INFO(arguments);
    auto result = run_modelquant(arguments);
    CHECK(result.exit_code == 2);
    check_one_line_error(result);
  }
}
