#include "native-cli/model_inputs.h"

#include "core/io/npy.h"
#include "core/transforms/apply_transforms.h"
#include "native-cli/cli_support.h"

namespace mq::cli {
namespace {

// "name=value" split at the first '='; both sides must be non-empty.
std::pair<std::string, std::string> name_and_value(const std::string& flag, const std::string& text,
                                                   const std::string& example) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    fail_bad_input(flag + " '" + text + "' should be name=value, e.g. " + flag + " " + example);
  return {text.substr(0, equals), text.substr(equals + 1)};
}

}  // namespace

void add_model_input_flags(CLI::App* command, ModelInputFlags* flags) {
  command->add_option("--input", flags->inputs,
                      "Value of an input as a .npy file: name=file.npy (repeatable); inputs not given are "
                      "generated from --seed")
      ->allow_extra_args(false);
  command->add_option("--shape", flags->shapes,
                      "Shape of a generated input: name=1x224x224x3 or name=scalar (repeatable; unknown sizes "
                      "default to 1)")
      ->allow_extra_args(false);
  command->add_option("--outputs", flags->outputs,
                      "Tensors to compute, comma-separated (default: the graph's outputs)");
  command->add_option("--seed", flags->seed, "Seed of the generated inputs (default 1)");
  command->add_option("--memory-limit", flags->memory_limit,
                      "Most memory the tensors of the run may take at once, e.g. 512M or 2G (default 4G); a run "
                      "that needs more stops with a message");
}

RunOptions run_options_or_fail(const ModelInputFlags& flags) {
  RunOptions options;
  options.seed = flags.seed;
  if (!flags.memory_limit.empty()) {
    StatusOr<unsigned long long> limit = parse_memory_size(flags.memory_limit);
    fail_if_error(limit.status().with_context("--memory-limit"));
    options.memory_limit_bytes = *limit;
  }
  for (const std::string& text : flags.inputs) {
    auto [name, path] = name_and_value("--input", text, "input=image.npy");
    StatusOr<Tensor> value = read_npy_file(path);
    fail_if_error(value.status().with_context("--input " + name));
    options.inputs.push_back({name, std::move(*value)});
  }
  for (const std::string& text : flags.shapes) {
    auto [name, dims] = name_and_value("--shape", text, "input=1x224x224x3");
    StatusOr<Shape> shape = parse_shape_text(dims);
    fail_if_error(shape.status().with_context("--shape " + name));
    if (!options.shapes.emplace(name, *shape).second) fail_bad_input("--shape " + name + " is given twice");
  }
  options.outputs = split_names(flags.outputs);
  for (const std::string& output : options.outputs)
    if (output.empty()) fail_bad_input("--outputs '" + flags.outputs + "' has an empty name; remove the stray ','");
  return options;
}

}  // namespace mq::cli
