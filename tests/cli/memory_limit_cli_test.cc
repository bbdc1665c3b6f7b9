// run and compare --memory-limit: a run that would need more stops with exit
// code 2 and one line naming the node; a malformed size names the flag.
#include <fstream>

#include "tests/cli/cli_runner.h"
#include "tests/malformed_cases.h"

using mq::test::run_modelquant;
using mq::test::shell_quote;

TEST_CASE("--memory-limit stops a run that needs more, naming the node", "[cli][memory]") {
  const std::string dir = mq::test::scratch_dir();
  const std::string model = dir + "/model.pb";
  {
    std::ofstream out(model, std::ios::binary);
    out << mq::test::serialized(mq::test::valid_graph());
  }
  auto tight = run_modelquant("run " + shell_quote(model) + " --out-dir " + shell_quote(dir + "/run") +
                              " --memory-limit 12");
  CHECK(tight.exit_code == 2);
  mq::test::check_one_line_error(tight);
  CHECK_THAT(tight.err, Catch::Contains(model + ": node 'w' (op Const): the value of shape [2,2] would need 16 bytes, "
                                                "over the budget of 12 bytes"));
  CHECK_FALSE(std::filesystem::exists(dir + "/run/out.npy"));

  auto compare = run_modelquant("compare " + shell_quote(model) + " " + shell_quote(model) + " --memory-limit 12");
  CHECK(compare.exit_code == 2);
  mq::test::check_one_line_error(compare);
  CHECK_THAT(compare.err, Catch::Contains("over the budget of 12 bytes"));

  auto enough = run_modelquant("run " + shell_quote(model) + " --out-dir " + shell_quote(dir + "/run") +
                               " --memory-limit 1M");
  CHECK(enough.exit_code == 0);

  auto malformed = run_modelquant("run " + shell_quote(model) + " --memory-limit lots");
  CHECK(malformed.exit_code == 2);
  mq::test::check_one_line_error(malformed);
  CHECK_THAT(malformed.err, Catch::Contains("--memory-limit: memory size 'lots' should be a number of bytes"));
}
