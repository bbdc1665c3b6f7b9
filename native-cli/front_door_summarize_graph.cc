// summarize_graph --in_graph=FILE [--print_structure]: TensorFlow's tool,
// same flags (spec/transform-syntax.md §1, §5) and the same report on stdout.
// Differences by design: failures exit with 2 (TensorFlow: 255) and print one
// line instead of the usage text; --help prints the usage and exits with 0.
#include <cstdio>

#include "core/summarize/summarize.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct Flags {
  std::string in_graph;
  bool print_structure = false;
  bool help = false;
};

bool starts_with(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

std::string usage(const std::string& program) {
  auto line = [](const char* flag, const char* type, const char* help) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "\t%-33s\t%s\t%s\n", flag, type, help);
    return std::string(buffer);
  };
  return "usage: " + program + "\nFlags:\n" +
         line("--in_graph=\"\"", "string", "input graph file name") +
         line("--print_structure=false", "bool", "whether to print the network connections of the graph");
}

// TensorFlow's flag rules: a string flag only as --name=value; a bool flag as
// --name, --name=true or --name=false; the last occurrence wins; "--" ends the
// flags and everything after it is an unknown argument.
Flags parse_flags(const std::vector<std::string>& args, const std::string& program) {
  Flags flags;
  const std::string kInGraph = "--in_graph=";
  const std::string kPrintStructure = "--print_structure";
  for (const std::string& arg : args) {
    if (arg == "--") {
      fail_bad_input("Unknown argument " + arg + ". See " + program + " --help");
    } else if (starts_with(arg, kInGraph)) {
      flags.in_graph = arg.substr(kInGraph.size());
    } else if (starts_with(arg, kPrintStructure)) {
      std::string rest = arg.substr(kPrintStructure.size());
      if (rest.empty() || rest == "=true") flags.print_structure = true;
      else if (rest == "=false") flags.print_structure = false;
      else fail_bad_input("Couldn't interpret value " + rest + " for flag print_structure.");
    } else if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else {
      fail_bad_input("Unknown argument " + arg + ". See " + program + " --help");
    }
  }
  return flags;
}

}  // namespace

int run_summarize_graph(const std::string& program, const std::vector<std::string>& args) {
  Flags flags = parse_flags(args, program);
  if (flags.help) {
    write_stdout(usage(program));
    return kExitSuccess;
  }
  if (flags.in_graph.empty()) fail_bad_input("in_graph graph can't be empty. See " + program + " --help");

  LoadedModel model = load_model_or_fail(flags.in_graph);
  GraphSummary summary = summarize_graph(model.graph, model.file_size);
  for (const std::string& warning : summary.warnings) std::fprintf(stderr, "%s\n", warning.c_str());
  write_stdout(render_summary_text(summary, flags.in_graph));
  if (!summary.invalid_inputs.empty()) fail_bad_input("Invalid graph with inputs referring to nonexistent nodes");
  if (flags.print_structure) {
    std::vector<std::string> warnings;
    StatusOr<std::string> structure = render_structure_text(model.graph, &warnings);
    for (const std::string& warning : warnings) std::fprintf(stderr, "%s\n", warning.c_str());
    fail_if_error(structure.status());
    write_stdout(*structure);
  }
  return kExitSuccess;
}

}  // namespace mq::cli
