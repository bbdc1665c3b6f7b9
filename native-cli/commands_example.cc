// modelquant example -o model.pb [--scale N] [--seed S]
#include <memory>

#include "core/examples/example_model.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct ExampleCommandOptions {
  std::string output;
  int scale = 1;
  uint64_t seed = ExampleOptions{}.seed;
};

void run_example(const ExampleCommandOptions& options) {
  ExampleOptions example = example_options_for_scale(options.scale);
  example.seed = options.seed;
  fail_if_error(check_example_options(example));
  tensorflow::GraphDef graph = make_example_cnn(example);
  save_model_or_fail(graph, options.output, format_for_path(options.output), "", true);
  write_stdout("Wrote " + options.output + ": " + std::to_string(graph.node_size()) + " nodes, " +
               std::to_string(example_weight_bytes(example)) + " bytes of weights\n");
}

}  // namespace

void add_example_command(CLI::App& app) {
  auto options = std::make_shared<ExampleCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "example", "Write a small frozen CNN (conv, batch norms, depthwise, dense, softmax) to try the tools on");
  command->add_option("-o,--output", options->output, "File to write (.pb, or .pbtxt for text)")->required();
  command->add_option("--scale", options->scale, "Make it about N times larger (1 ≈ 1 MB, 500 ≈ 500 MB)")
      ->check(CLI::Range(1, 1500));
  command->add_option("--seed", options->seed, "Seed of the pseudo-random weights");
  command->callback([options] { run_example(*options); });
}

}  // namespace mq::cli
