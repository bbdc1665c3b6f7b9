#include <map>
#include <string>

#include "core/io/graph_io.h"
#include "core/keras/keras_model.h"
#include "core/keras/keras_to_graph.h"
#include "wasm/commands.h"

namespace mq::wasm {
namespace {

// options.config: the topology JSON as a string or as bytes.
StatusOr<std::string> config_option(const val& options) {
  if (options.isUndefined() || options.isNull()) return std::string();
  val field = options["config"];
  if (field.isUndefined() || field.isNull()) return std::string();
  if (field.isString()) return field.as<std::string>();
  return bytes_from_js(field, "option 'config'");
}

// options.weights: {"group1-shard1of1.bin": Uint8Array, …}, the files a TensorFlow.js model.json lists.
StatusOr<std::map<std::string, std::string>> weight_files_option(const val& options) {
  std::map<std::string, std::string> files;
  if (options.isUndefined() || options.isNull()) return files;
  val field = options["weights"];
  if (field.isUndefined() || field.isNull()) return files;
  if (field.typeOf().as<std::string>() != "object")
    return Status::error("option 'weights' must be an object mapping file names to Uint8Arrays");
  val names = val::global("Object").call<val>("keys", field);
  int count = names["length"].as<int>();
  for (int i = 0; i < count; ++i) {
    std::string name = names[i].as<std::string>();
    MQ_ASSIGN_OR_RETURN(files[name], bytes_from_js(field[name], "weight file '" + name + "'"));
  }
  return files;
}

}  // namespace

Result keras2pb(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  MQ_ASSIGN_OR_RETURN(std::string prefix, string_option(options, "outputPrefix", ""));
  MQ_ASSIGN_OR_RETURN(std::string config_name, string_option(options, "configName", "config"));
  MQ_ASSIGN_OR_RETURN(std::string config, config_option(options));
  MQ_ASSIGN_OR_RETURN(auto weight_files, weight_files_option(options));
  MQ_ASSIGN_OR_RETURN(std::string model, bytes_from_js(bytes, name));

  keras::KerasSource source;
  source.model = model;
  source.name = name;
  source.config_json = config;
  source.config_name = config_name;
  for (const auto& [path, file] : weight_files) source.weight_files[path] = file;
  keras::KerasConversionOptions conversion;
  conversion.output_prefix = prefix;
  StatusOr<keras::KerasGraph> converted = keras::keras_to_graph(source, conversion);
  if (!converted.is_ok()) return converted.status();
  model = std::string();  // give the memory back before the output is built
  MQ_ASSIGN_OR_RETURN(std::string graph, serialize_graph(converted->graph, GraphFormat::kBinary));

  val result = val::object();
  result.set("graph", bytes_to_js(graph));
  val inputs = val::array();
  for (const std::string& input : converted->inputs) inputs.call<void>("push", input);
  val outputs = val::array();
  for (const std::string& output : converted->outputs) outputs.call<void>("push", output);
  result.set("inputs", inputs);
  result.set("outputs", outputs);
  result.set("description", converted->description);
  return result;
}

}  // namespace mq::wasm
