// modelquant run MODEL [--input name=file.npy ...] [--shape name=1x2x3 ...]
//                      [--outputs a,b] [--seed N] [--out-dir D] [--save-inputs]
// Runs a model on the CPU kernels and writes each output as a .npy file named
// after it ('/' and ':' become '_').
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/eval/model_run.h"
#include "core/io/npy.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"
#include "native-cli/model_inputs.h"

namespace mq::cli {
namespace {

struct RunCommandOptions {
  std::string model;
  ModelInputFlags flags;
  std::string out_dir = ".";
  bool save_inputs = false;
};

void run_run(const RunCommandOptions& options) {
  LoadedModel model = load_well_formed_model_or_fail(options.model);
  keep_freed_memory_for_reuse();  // after loading: the file's bytes are gone
  RunOptions run_options = run_options_or_fail(options.flags);
  StatusOr<RunResult> result = run_model(model.graph, run_options);
  fail_if_error(result.status().with_context(options.model));

  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error) fail_bad_input("cannot create the output folder '" + options.out_dir + "': " + error.message());
  std::string report;
  for (const ModelInput& input : result->inputs) {
    report += "input " + input.name + ": " + dtype_name(input.value.dtype()) + " " +
              shape_string(input.value.shape()) + (input.generated ? " (generated, seed " +
                                                                         std::to_string(run_options.seed) + ")"
                                                                   : " (given)");
    if (input.generated && options.save_inputs) {
      std::string path = (std::filesystem::path(options.out_dir) / ("input." + output_file_name(input.name))).string();
      fail_if_error(write_npy_file(input.value, path));
      report += " -> " + path;
    }
    report += "\n";
  }
  for (size_t i = 0; i < result->outputs.size(); ++i) {
    const Tensor& value = result->outputs[i];
    std::string path = (std::filesystem::path(options.out_dir) / output_file_name(result->output_names[i])).string();
    fail_if_error(write_npy_file(value, path));
    report += "output " + result->output_names[i] + ": " + dtype_name(value.dtype()) + " " +
              shape_string(value.shape()) + " -> " + path + "\n";
  }
  char timing[96];
  std::snprintf(timing, sizeof(timing), "%.1f ms, peak %.1f MB of tensors\n", result->milliseconds,
                result->peak_bytes / 1e6);
  write_stdout(report + timing);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run a model on the CPU and write its outputs as .npy files (inputs from .npy files or generated)");
  command->add_option("model", options->model, "Frozen graph (.pb or .pbtxt)")->required();
  add_model_input_flags(command, &options->flags);
  command->add_option("--out-dir", options->out_dir, "Folder for the output .npy files (default: .)");
  command->add_flag("--save-inputs", options->save_inputs,
                    "Also write the generated inputs as input.<name>.npy into the output folder");
  command->callback([options] { run_run(*options); });
}

}  // namespace mq::cli
