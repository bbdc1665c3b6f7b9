// What `run` and `compare` share on the command line: --input name=file.npy,
// --shape name=1x224x224x3, --outputs a,b and --seed, turned into the core's
// RunOptions (core/eval/model_run.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/eval/model_run.h"

namespace mq::cli {

struct ModelInputFlags {
  std::vector<std::string> inputs;  // "name=file.npy"
  std::vector<std::string> shapes;  // "name=1x224x224x3"
  std::string outputs;              // "a,b"
  uint64_t seed = 1;
  std::string memory_limit;  // "4G"; empty: RunOptions' default
};

// Adds --input, --shape, --outputs, --seed and --memory-limit to a command.
void add_model_input_flags(CLI::App* command, ModelInputFlags* flags);

// Reads the .npy files and parses the shapes; stops with exit code 2 on a
// malformed flag or an unreadable file.
RunOptions run_options_or_fail(const ModelInputFlags& flags);

}  // namespace mq::cli
