#include <string>
#include <vector>

#include "core/api.h"
#include "core/io/graph_io.h"
#include "core/graph/graph_checks.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/recipes.h"
#include "core/transforms/registry.h"
#include "wasm/commands.h"

namespace mq::wasm {
namespace {

// options[name] as a list of names: an array of strings or one
// comma-separated string (split as --inputs is); empty when absent.
StatusOr<std::vector<std::string>> names_option(const val& options, const char* name) {
  if (options.isUndefined() || options.isNull()) return std::vector<std::string>();
  val field = options[name];
  if (field.isUndefined() || field.isNull()) return std::vector<std::string>();
  if (field.isString()) return split_names(field.as<std::string>());
  if (!val::global("Array").call<bool>("isArray", field))
    return Status::error(std::string("option '") + name + "' must be an array of node names or a comma-separated string");
  std::vector<std::string> names;
  const unsigned length = field["length"].as<unsigned>();
  for (unsigned i = 0; i < length; ++i) {
    val item = field[i];
    if (!item.isString()) return Status::error(std::string("option '") + name + "' must hold strings only");
    names.push_back(item.as<std::string>());
  }
  return names;
}

}  // namespace

// The same steps as `modelquant transform IN -o OUT [--inputs] [--outputs]
// (--transforms | --recipe [--shape]) --json`: the bytes are those the CLI
// writes, the report is the JSON it prints.
Result transform(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  api::TransformRequest request;
  MQ_ASSIGN_OR_RETURN(request.transforms, string_option(options, "transforms", ""));
  MQ_ASSIGN_OR_RETURN(request.recipe, string_option(options, "recipe", ""));
  MQ_ASSIGN_OR_RETURN(request.shape, string_option(options, "shape", ""));
  MQ_ASSIGN_OR_RETURN(request.inputs, names_option(options, "inputs"));
  MQ_ASSIGN_OR_RETURN(request.outputs, names_option(options, "outputs"));
  MQ_ASSIGN_OR_RETURN(GraphFormat format, format_option(options, "binary"));
  if (!request.transforms.empty()) {
    TransformStringError error;
    StatusOr<TransformList> parsed = parse_transform_string(request.transforms, &error);
    if (!parsed.is_ok()) {
      val where = val::object();
      where.set("offset", static_cast<double>(error.offset));
      where.set("line", error.line);
      where.set("column", error.column);
      where.set("excerpt", api::point_at_error(request.transforms, error));
      return Result(Status::error("--transforms " + parsed.status().message()), where);
    }
  }
  // api::transform_bytes's three steps, each announced to options.onProgress
  // (when it is a function), and the input freed as soon as it is parsed.
  const val on_progress = options.isUndefined() || options.isNull() ? val::undefined() : options["onProgress"];
  const bool reports_progress = on_progress.typeOf().as<std::string>() == "function";
  auto announce = [&](const char* phase, val event) {
    if (!reports_progress) return;
    event.set("phase", std::string(phase));
    on_progress(event);
  };
  tensorflow::GraphDef graph;
  {
    MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
    announce("parse", val::object());
    MQ_RETURN_IF_ERROR(parse_graph(input, name, &graph));
  }
  MQ_RETURN_IF_ERROR(check_graph_well_formed(graph, name));
  TransformOptions transform_options;
  transform_options.on_transform_start = [&](size_t index, size_t count, const TransformSpec& spec) {
    val event = val::object();
    event.set("index", static_cast<double>(index));
    event.set("count", static_cast<double>(count));
    event.set("name", spec.name);
    announce("transform", event);
  };
  MQ_ASSIGN_OR_RETURN(api::TransformOutcome outcome, api::transform(std::move(graph), request, transform_options));
  announce("serialize", val::object());
  val result = val::object();
  {
    MQ_ASSIGN_OR_RETURN(std::string output, serialize_graph(outcome.graph, format));
    outcome.graph.Clear();
    result.set("bytes", bytes_to_js(output));
  }
  result.set("report", json_to_js(api::transform_report_json(outcome)));
  return result;
}

val transforms() { return json_to_js(describe_transforms_json()); }

val recipes() { return json_to_js(describe_recipes_json()); }

}  // namespace mq::wasm
