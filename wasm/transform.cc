#include <string>
#include <vector>

#include "core/api.h"
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
  MQ_ASSIGN_OR_RETURN(std::string format_name, string_option(options, "format", "binary"));
  GraphFormat format;
  if (format_name == "text") {
    format = GraphFormat::kText;
  } else if (format_name == "binary") {
    format = GraphFormat::kBinary;
  } else {
    return Status::error("unknown output format '" + format_name + "'; use 'text' or 'binary'");
  }
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
  MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
  MQ_ASSIGN_OR_RETURN(api::TransformedModel transformed,
                      api::transform_owned_bytes(std::move(input), name, request, format));
  val result = val::object();
  result.set("bytes", bytes_to_js(transformed.bytes));
  transformed.bytes = std::string();
  result.set("report", json_to_js(api::transform_report_json(transformed.outcome)));
  return result;
}

val transforms() { return json_to_js(describe_transforms_json()); }

val recipes() { return json_to_js(describe_recipes_json()); }

}  // namespace mq::wasm
