// Runs the built modelquant (MQ_CLI_PATH) or a program next to it (MQ_BIN_DIR)
// through the shell and captures exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace mq::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A fresh temporary folder, removed with everything in it when the test
// program exits.
inline std::string scratch_dir() {
  struct Cleaner {
    std::vector<std::string> dirs;
    ~Cleaner() {
      std::error_code ignored;
      for (const std::string& dir : dirs) std::filesystem::remove_all(dir, ignored);
    }
  };
  static Cleaner cleaner;
  cleaner.dirs.push_back(temp_dir());
  return cleaner.dirs.back();
}

// Single-quotes an argument for /bin/sh.
inline std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs `program arguments` (arguments already quoted as needed).
inline CliResult run_program(const std::string& program, const std::string& arguments) {
  std::string dir = temp_dir();
  std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  std::string command = shell_quote(program) + " " + arguments + " >" + shell_quote(out_path) + " 2>" +
                        shell_quote(err_path) + " </dev/null";
  int status = std::system(command.c_str());
  CliResult result;
  REQUIRE(status != -1);
  REQUIRE(WIFEXITED(status));
  result.exit_code = WEXITSTATUS(status);
  result.out = read_bytes(out_path);
  result.err = read_bytes(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

inline CliResult run_modelquant(const std::string& arguments) { return run_program(MQ_CLI_PATH, arguments); }

inline std::string summarize_graph_path() { return std::string(MQ_BIN_DIR) + "/summarize_graph"; }

inline std::string example_model_path() { return std::string(MQ_SOURCE_DIR) + "/examples/example_cnn.pb"; }

// Checks the error contract: exactly one line on stderr, "<program>: error: …".
inline void check_one_line_error(const CliResult& result, const std::string& program = "modelquant") {
  INFO("stderr: " << result.err);
  CHECK(result.err.rfind(program + ": error: ", 0) == 0);
  REQUIRE_FALSE(result.err.empty());
  CHECK(result.err.back() == '\n');
  CHECK(result.err.find('\n') == result.err.size() - 1);
}

}  // namespace mq::test
