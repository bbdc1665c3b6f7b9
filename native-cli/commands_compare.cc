// modelquant compare A B [--input name=file.npy ...] [--shape ...] [--outputs a,b]
//                        [--seed N] [--rtol R] [--atol A] [--json]
// Runs both models on the same inputs and prints, per output, the largest
// absolute and relative differences. Exit code 1 when an output is outside
// |b − a| ≤ atol + rtol·|a|, 2 when a model cannot be read or run.
#include <memory>

#include "core/eval/compare.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"
#include "native-cli/model_inputs.h"

namespace mq::cli {
namespace {

struct CompareCommandOptions {
  std::string first;
  std::string second;
  ModelInputFlags flags;
  double rtol = 1e-4;
  double atol = 1e-5;
  bool json = false;
};

void run_compare(const CompareCommandOptions& options) {
  LoadedModel first = load_well_formed_model_or_fail(options.first);
  LoadedModel second = load_well_formed_model_or_fail(options.second);
  keep_freed_memory_for_reuse();  // after loading: the file's bytes are gone
  CompareOptions compare_options;
  compare_options.run = run_options_or_fail(options.flags);
  compare_options.rtol = options.rtol;
  compare_options.atol = options.atol;
  StatusOr<Comparison> comparison = compare_models(first.graph, second.graph, compare_options);
  fail_if_error(comparison.status());
  write_stdout(options.json ? comparison_json(*comparison) + "\n" : comparison_text(*comparison));
  if (!comparison->within_tolerance) throw CommandFailure("the outputs differ beyond the tolerance", kExitInternalError);
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto options = std::make_shared<CompareCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "compare", "Run two models on the same inputs and compare their outputs (exit code 1 when they differ)");
  command->add_option("first", options->first, "Reference model (.pb or .pbtxt)")->required();
  command->add_option("second", options->second, "Model to check against it")->required();
  add_model_input_flags(command, &options->flags);
  command->add_option("--rtol", options->rtol, "Relative tolerance (default 1e-4)");
  command->add_option("--atol", options->atol, "Absolute tolerance (default 1e-5)");
  command->add_flag("--json", options->json, "Print the comparison as JSON");
  command->callback([options] { run_compare(*options); });
}

}  // namespace mq::cli
