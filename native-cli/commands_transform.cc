// modelquant transform IN -o OUT [--inputs a,b] [--outputs c,d]
//     (--transforms '...' | --recipe NAME [--shape 1,224,224,3])
//     [--report] [--json] [--output-as-text] [--overwrite-input]
#include <cstdio>
#include <memory>

#include "core/api.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"
#include "native-cli/transform_output.h"

namespace mq::cli {
namespace {

struct TransformCommandOptions {
  std::string input;
  std::string output;
  std::string inputs;
  std::string outputs;
  std::string transforms;
  std::string recipe;
  std::string shape;
  bool report = false;
  bool json = false;
  bool output_as_text = false;
  bool overwrite_input = false;
};

void run_transform(const TransformCommandOptions& options) {
  if (options.transforms.empty() == options.recipe.empty())
    fail_bad_input(options.recipe.empty() ? "give --transforms '...' or --recipe NAME (see modelquant recipes)"
                                          : "give either --transforms or --recipe, not both");
  if (!options.shape.empty() && options.recipe.empty())
    fail_bad_input("--shape goes with --recipe; in --transforms write strip_unused_nodes(shape=\"...\")");
  if (!options.transforms.empty()) check_transform_string_or_fail("--transforms", options.transforms);

  LoadedModel model = load_well_formed_model_or_fail(options.input);
  api::TransformRequest request;
  request.transforms = options.transforms;
  request.recipe = options.recipe;
  request.shape = options.shape;
  request.inputs = split_names(options.inputs);
  request.outputs = split_names(options.outputs);

  StatusOr<api::TransformOutcome> outcome = api::transform(std::move(model.graph), request);
  fail_if_error(outcome.status());
  GraphFormat format = options.output_as_text ? GraphFormat::kText : format_for_path(options.output);
  save_model_or_fail(outcome->graph, options.output, format, options.input, options.overwrite_input);

  print_transform_warnings("modelquant", *outcome);
  if (options.json) {
    write_stdout(api::transform_report_json(*outcome) + "\n");
  } else if (options.report) {
    write_stdout(render_tensor_report(*outcome));
  }
  print_size_table(*outcome, model.file_size, options.output);
}

}  // namespace

void add_transform_command(CLI::App& app) {
  auto options = std::make_shared<TransformCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "transform", "Run graph transforms (TensorFlow's transform_graph) or a recipe on a model and write the result");
  command->add_option("input", options->input, "Model to read (binary or text, detected from its content)")
      ->required();
  command->add_option("-o,--output", options->output, "File to write (.pbtxt/.txt → text, else binary)")
      ->required();
  command->add_option("--inputs", options->inputs,
                      "Comma-separated input node names (default: the graph's Placeholders)");
  command->add_option("--outputs", options->outputs,
                      "Comma-separated output node names (default: the nodes nothing consumes)");
  command->add_option("--transforms", options->transforms,
                      "Transforms in TensorFlow's syntax, e.g. 'strip_unused_nodes remove_nodes(op=Identity) "
                      "quantize_weights' (see modelquant transforms)");
  command->add_option("--recipe", options->recipe, "A ready-made transform list (see modelquant recipes)");
  command->add_option("--shape", options->shape,
                      "Input shape for the recipe's strip_unused_nodes, e.g. 1,224,224,3 (default: the input "
                      "Placeholder's own shape)");
  command->add_flag("--report", options->report,
                    "Print one line per re-encoded weight tensor: sizes before/after and the error it introduces");
  command->add_flag("--json", options->json, "Print the whole run (steps, sizes, per-tensor report) as JSON");
  command->add_flag("--output_as_text,--output-as-text", options->output_as_text,
                    "Write text format whatever the extension");
  command->add_flag("--overwrite-input", options->overwrite_input, "Allow OUT to be the same file as IN");
  command->callback([options] { run_transform(*options); });
}

}  // namespace mq::cli
