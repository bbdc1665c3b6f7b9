// modelquant summarize MODEL [--json] [--print_structure]
#include <memory>

#include "core/summarize/invalid_inputs.h"
#include "core/summarize/summarize.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct SummarizeOptions {
  std::string model;
  bool json = false;
  bool print_structure = false;
};

void run_summarize(const SummarizeOptions& options) {
  LoadedModel model = load_model_or_fail(options.model);
  GraphSummary summary = summarize_graph(model.graph, model.file_size);
  std::vector<std::string> warnings = summary.warnings;

  if (options.json) {
    std::vector<StructureEntry> structure;
    if (options.print_structure) {
      StatusOr<std::vector<StructureEntry>> entries = graph_structure(model.graph, &warnings);
      // A broken graph still gets its summary; the structure needs a sortable graph.
      if (entries.is_ok()) structure = std::move(entries).value();
      else if (summary.invalid_inputs.empty()) fail_if_error(entries.status());
    }
    for (const std::string& warning : warnings) print_warning("modelquant", warning);
    write_stdout(render_summary_json(summary, options.model, options.print_structure ? &structure : nullptr));
  } else {
    for (const std::string& warning : warnings) print_warning("modelquant", warning);
    write_stdout(render_summary_text(summary, options.model));
    if (summary.invalid_inputs.empty() && options.print_structure) {
      std::vector<std::string> structure_warnings;
      StatusOr<std::string> structure = render_structure_text(model.graph, &structure_warnings);
      for (const std::string& warning : structure_warnings) print_warning("modelquant", warning);
      fail_if_error(structure.status());
      write_stdout(*structure);
    }
  }
  fail_if_error(check_inputs_exist(summary));
}

}  // namespace

void add_summarize_command(CLI::App& app) {
  auto options = std::make_shared<SummarizeOptions>();
  CLI::App* command = app.add_subcommand(
      "summarize", "Show a model's inputs, outputs, parameter count and ops (the report of TensorFlow's summarize_graph)");
  command->add_option("model", options->model, "Frozen graph (.pb or .pbtxt)")->required();
  command->add_flag("--json", options->json,
                    "Print JSON instead: sizes, inputs, outputs, op counts, weight bytes, largest tensors");
  command->add_flag("--print_structure,--print-structure", options->print_structure,
                    "Also list every node with its inputs, in execution order");
  command->callback([options] { run_summarize(*options); });
}

}  // namespace mq::cli
