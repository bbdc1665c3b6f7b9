// transform_graph --in_graph=FILE --out_graph=FILE [--inputs=a,b]
//     [--outputs=c,d] --transforms='...' [--output_as_text]
// TensorFlow's tool with its flags and checks (spec/transform-syntax.md §1,
// §2): inputs and outputs are passed on as given (no detection), the output
// is binary unless --output_as_text, whatever its extension, and a leading
// '~' in a path means the home folder. Differences by design, as for
// summarize_graph: failures exit with 2 (TensorFlow: 255) with one line (plus
// a caret under a broken transform string) instead of the usage text, and
// --help prints the usage and exits with 0. A before/after table of nodes
// and bytes goes to stderr.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/api.h"
#include "core/graph/graph_checks.h"
#include "core/io/file.h"
#include "core/transforms/registry.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"
#include "native-cli/transform_output.h"

namespace mq::cli {
namespace {

struct Flags {
  std::string in_graph, out_graph, inputs, outputs, transforms;
  bool output_as_text = false;
  bool overwrite_input = false;
  bool help = false;
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string usage(const std::string& program) {
  auto line = [](const char* flag, const char* type, const char* help) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "\t%-33s\t%s\t%s\n", flag, type, help);
    return std::string(buffer);
  };
  std::string text = "usage: " + program + "\nFlags:\n" + line("--in_graph=\"\"", "string", "input graph file name") +
                     line("--out_graph=\"\"", "string", "output graph file name") +
                     line("--inputs=\"\"", "string", "inputs") + line("--outputs=\"\"", "string", "outputs") +
                     line("--transforms=\"\"", "string", "list of transforms") +
                     line("--output_as_text=false", "bool", "whether to write the graph in text protobuf format") +
                     line("--overwrite_input=false", "bool", "allow out_graph to be the in_graph file") +
                     "\nTransforms are:\n";
  for (const TransformDefinition& transform : transform_table()) text += std::string(transform.name) + "\n";
  return text;
}

// TensorFlow's flag rules: string flags only as --name=value (the value may
// be empty or contain '='), bool flags as --name, --name=true, --name=false;
// the last occurrence wins; "--" and anything unrecognised is an error.
Flags parse_flags(const std::vector<std::string>& args, const std::string& program) {
  Flags flags;
  const std::pair<const char*, std::string Flags::*> kStringFlags[] = {
      {"--in_graph=", &Flags::in_graph},   {"--out_graph=", &Flags::out_graph},
      {"--inputs=", &Flags::inputs},       {"--outputs=", &Flags::outputs},
      {"--transforms=", &Flags::transforms},
  };
  const std::pair<const char*, bool Flags::*> kBoolFlags[] = {
      {"--output_as_text", &Flags::output_as_text},
      {"--overwrite_input", &Flags::overwrite_input},
  };
  for (const std::string& arg : args) {
    bool matched = false;
    for (const auto& [prefix, field] : kStringFlags) {
      if (!starts_with(arg, prefix)) continue;
      flags.*field = arg.substr(std::string(prefix).size());
      matched = true;
      break;
    }
    for (const auto& [name, field] : kBoolFlags) {
      if (matched || !starts_with(arg, name)) continue;
      std::string rest = arg.substr(std::string(name).size());
      if (!rest.empty() && rest[0] != '=') continue;
      if (rest.empty() || rest == "=true") flags.*field = true;
      else if (rest == "=false") flags.*field = false;
      else fail_bad_input("Couldn't interpret value " + rest + " for flag " + std::string(name).substr(2) + ".");
      matched = true;
    }
    if (matched) continue;
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else {
      fail_bad_input("Unknown argument " + arg + ". See " + program + " --help");
    }
  }
  return flags;
}

// "~" and "~/x" → $HOME (or the passwd entry of this user), "~user/x" → that
// user's home; unchanged when no home is found.
std::string expand_home(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  size_t slash = path.find('/');
  std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string rest = slash == std::string::npos ? "" : path.substr(slash);
  std::string home;
  if (user.empty()) {
    const char* env = std::getenv("HOME");
    if (env != nullptr && *env != '\0') {
      home = env;
    } else if (const passwd* entry = getpwuid(getuid())) {
      home = entry->pw_dir;
    }
  } else if (const passwd* entry = getpwnam(user.c_str())) {
    home = entry->pw_dir;
  }
  return home.empty() ? path : home + rest;
}

}  // namespace

int run_transform_graph(const std::string& program, const std::vector<std::string>& args) {
  Flags flags = parse_flags(args, program);
  if (flags.help) {
    write_stdout(usage(program));
    return kExitSuccess;
  }
  if (flags.in_graph.empty()) fail_bad_input("in_graph graph can't be empty. See " + program + " --help");
  if (flags.out_graph.empty()) fail_bad_input("out_graph graph can't be empty. See " + program + " --help");
  if (flags.transforms.empty()) fail_bad_input("You must specify at least one transform. See " + program + " --help");
  check_transform_string_or_fail("Failed to parse --transforms argument, error was", flags.transforms);
  StatusOr<TransformList> list = parse_transform_string(flags.transforms);
  if (list->empty()) fail_bad_input("You must specify at least one transform.");

  const std::string in_graph = expand_home(flags.in_graph);
  const std::string out_graph = expand_home(flags.out_graph);
  tensorflow::GraphDef graph;
  Status loaded = load_graph_file(in_graph, &graph);
  if (!loaded.is_ok())
    throw CommandFailure("Loading graph '" + flags.in_graph + "' failed with " + loaded.message(),
                         exit_code_for(loaded));
  fail_if_error(check_graph_well_formed(graph, flags.in_graph));
  if (!flags.overwrite_input && same_file(in_graph, out_graph))
    fail_bad_input("refusing to write over the input file '" + flags.out_graph +
                   "'; pass --overwrite_input to replace it");
  StatusOr<unsigned long long> input_bytes = file_size(in_graph);

  api::TransformRequest request;
  request.transforms = flags.transforms;
  request.inputs = split_names(flags.inputs);
  request.outputs = split_names(flags.outputs);
  request.detect_missing_names = false;
  StatusOr<api::TransformOutcome> outcome = api::transform(std::move(graph), request);
  fail_if_error(outcome.status());

  Status saved = save_graph_file(outcome->graph, out_graph, flags.output_as_text ? GraphFormat::kText
                                                                                 : GraphFormat::kBinary);
  if (!saved.is_ok())
    throw CommandFailure("Saving graph '" + flags.out_graph + "' failed with " + saved.message(),
                         exit_code_for(saved));
  print_transform_warnings(program, *outcome);
  print_size_table(*outcome, input_bytes.is_ok() ? *input_bytes : outcome->bytes_before, out_graph);
  return kExitSuccess;
}

}  // namespace mq::cli
