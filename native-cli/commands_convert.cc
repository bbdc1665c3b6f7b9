// modelquant convert IN OUT [--to text|binary] [--overwrite-input]
#include <memory>

#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string to;  // "", "text" or "binary"
  bool overwrite_input = false;
};

void run_convert(const ConvertOptions& options) {
  LoadedModel model = load_model_or_fail(options.input);
  GraphFormat format = format_for_path(options.output);
  if (options.to == "text") format = GraphFormat::kText;
  if (options.to == "binary") format = GraphFormat::kBinary;
  save_model_or_fail(model.graph, options.output, format, options.input, options.overwrite_input);
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* command = app.add_subcommand(
      "convert", "Convert a model between binary (.pb) and text (.pbtxt) GraphDef format");
  command->add_option("input", options->input, "Model to read (binary or text, detected from its content)")
      ->required();
  command->add_option("output", options->output, "File to write (format from its extension: .pbtxt/.txt → text)")
      ->required();
  command->add_option("--to", options->to, "Output format, overriding the extension")
      ->check(CLI::IsMember({"text", "binary"}));
  command->add_flag("--overwrite-input", options->overwrite_input, "Allow OUT to be the same file as IN");
  command->callback([options] { run_convert(*options); });
}

}  // namespace mq::cli
