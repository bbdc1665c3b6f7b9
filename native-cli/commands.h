// The commands of the modelquant CLI. Each lives in its own
// commands_<name>.cc and is listed once in main.cc's tables; adding a command
// means adding a file and a line there.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mq::cli {

// Subcommands parsed by CLI11. Each adds itself to `app` with a callback that
// does the work; failures throw CommandFailure (cli_support.h).
void add_summarize_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_example_command(CLI::App& app);
void add_transform_command(CLI::App& app);
void add_recipes_command(CLI::App& app);
void add_transforms_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_keras2pb_command(CLI::App& app);

// Front doors: TensorFlow's own tools with their own flag syntax
// (--flag=value), reachable as "modelquant <name> ..." and as an executable
// named <name>. `program` names the tool in messages; returns the exit code.
int run_summarize_graph(const std::string& program, const std::vector<std::string>& args);
int run_transform_graph(const std::string& program, const std::vector<std::string>& args);

}  // namespace mq::cli
