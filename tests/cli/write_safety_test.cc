// Never losing the user's file: every command that writes goes through a
// temporary file renamed over the output, so a failure leaves neither an
// output nor a temporary behind and an existing output untouched; the input
// is never replaced unless its path is named as the output and the
// overwrite flag is given; an output folder that cannot be written is exit
// code 2 with a message naming it.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/cli/cli_runner.h"
#include "tests/malformed_cases.h"

namespace {

using mq::test::run_modelquant;
using mq::test::run_program;
using mq::test::shell_quote;

std::string transform_graph_path() { return std::string(MQ_BIN_DIR) + "/transform_graph"; }

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A folder holding model.pb (the valid graph of the malformed suite).
std::string folder_with_model() {
  std::string dir = mq::test::scratch_dir();
  write_file(dir + "/model.pb", mq::test::serialized(mq::test::valid_graph()));
  return dir;
}

}  // namespace

TEST_CASE("write safety: a transform that fails part way leaves no output and no temporary file", "[cli][write]") {
  const std::string dir = folder_with_model();
  const std::string model = dir + "/model.pb";
  // The first transform runs, the second fails.
  auto result = run_modelquant("transform " + shell_quote(model) + " -o " + shell_quote(dir + "/out.pb") +
                               " --transforms 'sort_by_execution_order rename_node(old_node_name=x, new_node_name=w)'");
  CHECK(result.exit_code == 2);
  mq::test::check_one_line_error(result);
  CHECK(folder_entries(dir) == std::vector<std::string>{"model.pb"});

  // An existing output stays as it was.
  write_file(dir + "/out.pb", "previous result");
  result = run_modelquant("transform " + shell_quote(model) + " -o " + shell_quote(dir + "/out.pb") +
                          " --transforms 'sort_by_execution_order rename_node(old_node_name=x, new_node_name=w)'");
  CHECK(result.exit_code == 2);
  CHECK(mq::test::read_bytes(dir + "/out.pb") == "previous result");
  CHECK(folder_entries(dir) == std::vector<std::string>{"model.pb", "out.pb"});

  // The same through the transform_graph front door.
  result = run_program(transform_graph_path(), "--in_graph=" + shell_quote(model) + " --out_graph=" +
                                                   shell_quote(dir + "/out.pb") +
                                                   " --transforms='sort_by_execution_order rename_node(old_node_name=x,new_node_name=w)'");
  CHECK(result.exit_code == 2);
  CHECK(mq::test::read_bytes(dir + "/out.pb") == "previous result");
  CHECK(folder_entries(dir) == std::vector<std::string>{"model.pb", "out.pb"});
}

TEST_CASE("write safety: an output folder that cannot be written is exit code 2 naming it", "[cli][write]") {
  const std::string dir = folder_with_model();
  const std::string model = dir + "/model.pb";
  write_file(dir + "/plain_file", "x");
  for (const std::string& out : {dir + "/missing_folder/out.pb", dir + "/plain_file/out.pb"}) {
    INFO(out);
    for (const std::string& command :
         {"convert " + shell_quote(model) + " " + shell_quote(out),
          "transform " + shell_quote(model) + " -o " + shell_quote(out) + " --transforms sort_by_execution_order",
          "example -o " + shell_quote(out)}) {
      INFO(command);
      auto result = run_modelquant(command);
      CHECK(result.exit_code == 2);
      mq::test::check_one_line_error(result);
      CHECK_THAT(result.err, Catch::Contains(out));
    }
    auto front_door = run_program(transform_graph_path(), "--in_graph=" + shell_quote(model) + " --out_graph=" +
                                                              shell_quote(out) + " --transforms=sort_by_execution_order");
    CHECK(front_door.exit_code == 2);
    CHECK_THAT(front_door.err, Catch::Contains(out));
  }
  auto run = run_modelquant("run " + shell_quote(model) + " --out-dir " + shell_quote(dir + "/plain_file/outputs"));
  CHECK(run.exit_code == 2);
  mq::test::check_one_line_error(run);
  CHECK_THAT(run.err, Catch::Contains("plain_file/outputs"));
  CHECK(folder_entries(dir) == std::vector<std::string>{"model.pb", "plain_file"});
}

TEST_CASE("write safety: the input is replaced only when named as the output with the overwrite flag", "[cli][write]") {
  const std::string dir = folder_with_model();
  const std::string model = dir + "/model.pb";
  const std::string original = mq::test::read_bytes(model);
  std::filesystem::create_symlink(model, dir + "/link.pb");
  for (const std::string& out : {model, dir + "/link.pb", dir + "/../" + std::filesystem::path(dir).filename().string() + "/model.pb"}) {
    INFO(out);
    for (const std::string& command :
         {"convert " + shell_quote(model) + " " + shell_quote(out),
          "transform " + shell_quote(model) + " -o " + shell_quote(out) + " --transforms sort_by_execution_order"}) {
      auto result = run_modelquant(command);
      CHECK(result.exit_code == 2);
      CHECK_THAT(result.err, Catch::Contains("--overwrite-input"));
    }
    auto front_door = run_program(transform_graph_path(), "--in_graph=" + shell_quote(model) + " --out_graph=" +
                                                              shell_quote(out) + " --transforms=sort_by_execution_order");
    CHECK(front_door.exit_code == 2);
    CHECK_THAT(front_door.err, Catch::Contains("--overwrite_input"));
    CHECK(mq::test::read_bytes(model) == original);
  }
  CHECK(folder_entries(dir) == std::vector<std::string>{"link.pb", "model.pb"});

  // With the flag, the named file is replaced (atomically: a new file).
  auto allowed = run_modelquant("transform " + shell_quote(model) + " -o " + shell_quote(model) +
                                " --transforms sort_by_execution_order --output-as-text --overwrite-input");
  CHECK(allowed.exit_code == 0);
  CHECK(mq::test::read_bytes(model).rfind("node {", 0) == 0);
  auto front_door = run_program(transform_graph_path(), "--in_graph=" + shell_quote(model) + " --out_graph=" +
                                                            shell_quote(model) +
                                                            " --transforms=sort_by_execution_order --overwrite_input");
  CHECK(front_door.exit_code == 0);
  CHECK(mq::test::read_bytes(model) != original);  // binary again, from the text
  CHECK(folder_entries(dir) == std::vector<std::string>{"link.pb", "model.pb"});
}

TEST_CASE("write safety: outputs are readable by others like any new file", "[cli][write]") {
  const std::string dir = folder_with_model();
  auto result = run_modelquant("convert " + shell_quote(dir + "/model.pb") + " " + shell_quote(dir + "/copy.pbtxt"));
  REQUIRE(result.exit_code == 0);
  auto permissions = std::filesystem::status(dir + "/copy.pbtxt").permissions();
  CHECK((permissions & std::filesystem::perms::others_read) != std::filesystem::perms::none);
}
