// modelquant: dispatches to the front doors (by executable name or first
// argument) or to the CLI11 subcommands, and turns failures into one line on
// stderr and an exit code (0 success, 2 bad input or usage, 1 internal error).
#include <iostream>
#include <string>
#include <vector>

#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace {

using mq::cli::CommandFailure;

struct FrontDoor {
  const char* name;
  const char* synopsis;
  int (*run)(const std::string& program, const std::vector<std::string>& args);
};

// TensorFlow-compatible tools with their own flag syntax.
const FrontDoor kFrontDoors[] = {
    {"summarize_graph", "--in_graph=FILE [--print_structure]", mq::cli::run_summarize_graph},
    {"transform_graph", "--in_graph=FILE --out_graph=FILE --inputs=A --outputs=B --transforms='...' [--output_as_text]",
     mq::cli::run_transform_graph},
};

// CLI11 subcommands, in the order --help lists them.
void (*const kCommands[])(CLI::App&) = {
    mq::cli::add_summarize_command,
    mq::cli::add_transform_command,
    mq::cli::add_recipes_command,
    mq::cli::add_transforms_command,
    mq::cli::add_convert_command,
    mq::cli::add_example_command,
    mq::cli::add_run_command,
    mq::cli::add_compare_command,
    mq::cli::add_keras2pb_command,
};

std::string basename_of(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".exe") == 0) name.resize(name.size() - 4);
  return name;
}

// Runs a command body, mapping its failures to exit codes.
template <typename Body>
int guarded(const std::string& program, Body&& body) {
  try {
    return body();
  } catch (const CommandFailure& failure) {
    mq::cli::print_error(program, failure.what());
    if (!failure.details().empty()) std::cerr << failure.details() << std::endl;
    return failure.exit_code();
  } catch (const std::bad_alloc&) {
    mq::cli::print_error(program, "out of memory");
    return mq::cli::kExitInternalError;
  } catch (const std::exception& e) {
    mq::cli::print_error(program, std::string("internal error: ") + e.what());
    return mq::cli::kExitInternalError;
  }
}

int run_modelquant(int argc, char** argv) {
  CLI::App app{"Summarize, convert and prepare TensorFlow frozen graphs (.pb / .pbtxt) without TensorFlow.",
               "modelquant"};
  app.set_version_flag("--version", std::string("modelquant ") + MQ_VERSION);
  app.require_subcommand(1);
  std::string front_doors;
  for (const FrontDoor& door : kFrontDoors)
    front_doors += std::string("\n  modelquant ") + door.name + " " + door.synopsis + "   (also the executable " +
                   door.name + ")";
  app.footer("TensorFlow-compatible tools, with TensorFlow's flags:" + front_doors);
  for (auto add : kCommands) add(app);
  // CLI11 reports a mistyped command as a missing one; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
      known = known || command->check_name(argv[1]);
    if (!known) {
      mq::cli::print_error("modelquant", std::string("unknown command '") + argv[1] + "'; see modelquant --help");
      return mq::cli::kExitBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    mq::cli::print_error("modelquant", e.what());
    return mq::cli::kExitBadInput;
  }
  return mq::cli::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
  std::string program = argc > 0 ? basename_of(argv[0]) : "modelquant";
  for (const FrontDoor& door : kFrontDoors) {
    if (program == door.name)
      return guarded(program, [&] { return door.run(program, std::vector<std::string>(argv + 1, argv + argc)); });
    if (argc > 1 && std::string(argv[1]) == door.name)
      return guarded("modelquant", [&] {
        return door.run("modelquant " + std::string(door.name), std::vector<std::string>(argv + 2, argv + argc));
      });
  }
  return guarded("modelquant", [&] { return run_modelquant(argc, argv); });
}
