// modelquant keras2pb MODEL.h5|MODEL.keras|model.json [--config model.json] -o OUT.pb
//                   [--output-prefix output_node] [--overwrite-input] [--export-weights DIR]
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/io/file.h"
#include "core/keras/keras_model.h"
#include "core/keras/keras_to_graph.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct Keras2pbOptions {
  std::string model;
  std::string config;
  std::string output;
  std::string output_prefix;
  std::string export_weights;
  bool overwrite_input = false;
};

std::string read_or_fail(const std::string& path) {
  StatusOr<std::string> bytes = read_file(path);
  fail_if_error(bytes.status());
  return std::move(bytes).value();
}

// A TensorFlow.js weight path must stay inside model.json's folder.
void check_weight_path(const std::string& model_path, const std::string& path) {
  std::filesystem::path relative(path);
  bool escapes = relative.is_absolute() || path.empty();
  for (const auto& part : relative) escapes = escapes || part == "..";
  if (escapes)
    fail_bad_input(model_path + ": weight file path '" + path + "' leaves the folder of model.json; refusing to read it");
}

// For the reference-output script: the weights exactly as the reader found
// them, per layer in file order: DIR/weights.json (topology, names, shapes,
// offsets in floats) and DIR/weights.bin (float32, little-endian).
void export_weights(const keras::KerasModel& model, const std::string& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) fail_bad_input("cannot create the folder '" + folder + "': " + error.message());
  nlohmann::json index = {{"keras_version", model.keras_version},
                          {"format", keras::keras_format_name(model.format)},
                          {"model_config", model.model_config},
                          {"layers", nlohmann::json::array()}};
  std::string values;
  for (const auto& [layer, weights] : model.weights) {
    nlohmann::json entry = {{"name", layer}, {"weights", nlohmann::json::array()}};
    for (const keras::LayerWeight& weight : weights) {
      entry["weights"].push_back({{"name", weight.name},
                                  {"shape", weight.value.shape()},
                                  {"offset", values.size() / sizeof(float)}});
      values.append(weight.value.raw(), weight.value.byte_size());
    }
    index["layers"].push_back(std::move(entry));
  }
  fail_if_error(write_file_atomic(folder + "/weights.json", index.dump(1) + "\n"));
  fail_if_error(write_file_atomic(folder + "/weights.bin", values));
}

void run_keras2pb(const Keras2pbOptions& options) {
  // A TensorFlow.js model may be given as its folder.
  std::string model_path = options.model;
  std::error_code error;
  if (std::filesystem::is_directory(model_path, error)) model_path = (std::filesystem::path(model_path) / "model.json").string();
  std::string model_bytes = read_or_fail(model_path);
  keras::KerasSource source;
  source.model = model_bytes;
  source.name = model_path;
  std::string config_bytes;
  if (!options.config.empty()) {
    config_bytes = read_or_fail(options.config);
    source.config_json = config_bytes;
    source.config_name = options.config;
  }
  std::map<std::string, std::string> weight_files;
  if (keras::detect_keras_file(model_bytes) == keras::KerasFileKind::kJson) {
    StatusOr<std::vector<std::string>> paths = keras::tensorflowjs_weight_paths(model_bytes, model_path);
    fail_if_error(paths.status());
    std::filesystem::path folder = std::filesystem::path(model_path).parent_path();
    for (const std::string& path : *paths) {
      check_weight_path(model_path, path);
      if (!weight_files.count(path)) weight_files[path] = read_or_fail((folder / path).string());
    }
    for (const auto& [path, bytes] : weight_files) source.weight_files[path] = bytes;
  }

  StatusOr<keras::KerasModel> model = keras::read_keras_model(source);
  fail_if_error(model.status());
  if (!options.export_weights.empty()) export_weights(*model, options.export_weights);
  keras::KerasConversionOptions conversion;
  conversion.output_prefix = options.output_prefix;
  StatusOr<keras::KerasGraph> converted = keras::keras_model_to_graph(*model, conversion);
  fail_if_error(converted.status());
  save_model_or_fail(converted->graph, options.output, format_for_path(options.output), model_path,
                     options.overwrite_input);

  std::string report = model_path + ": " + converted->description + "\n";
  report += "inputs:";
  for (const std::string& input : converted->inputs) report += " " + input;
  report += "\noutputs:";
  for (const std::string& output : converted->outputs) report += " " + output;
  report += "\nwrote " + options.output + "\n";
  write_stdout(report);
}

}  // namespace

void add_keras2pb_command(CLI::App& app) {
  auto options = std::make_shared<Keras2pbOptions>();
  CLI::App* command = app.add_subcommand(
      "keras2pb", "Convert a Keras model (.h5, .keras, TensorFlow.js model.json) into a frozen graph (.pb)");
  command->add_option("model", options->model,
                      "Keras 2 .h5/.hdf5 (full model or weights only), Keras 3 .keras, or TensorFlow.js model.json "
                      "or its folder (the .bin weight files are read from the same folder)")
      ->required();
  command->add_option("--config", options->config,
                      "The model's topology JSON (model.to_json()), needed for a weights-only .h5");
  command->add_option("-o,--output", options->output, "Frozen graph to write (.pbtxt/.txt → text, else binary)")
      ->required();
  command->add_option("--output-prefix", options->output_prefix,
                      "Add an Identity node named PREFIX0, PREFIX1, … on each model output");
  command->add_flag("--overwrite-input", options->overwrite_input, "Allow OUT to be the same file as MODEL");
  command->add_option("--export-weights", options->export_weights,
                      "For tests: also write the weights as read (DIR/weights.json + DIR/weights.bin)")
      ->group("Testing");
  command->callback([options] { run_keras2pb(*options); });
}

}  // namespace mq::cli
