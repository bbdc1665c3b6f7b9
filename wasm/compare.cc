#include "core/eval/compare.h"
#include "core/graph/graph_checks.h"
#include "core/io/graph_io.h"
#include "wasm/commands.h"
#include "wasm/tensor_values.h"

namespace mq::wasm {
namespace {

StatusOr<double> tolerance_option(const val& options, const char* name, double fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  val field = options[name];
  if (field.isUndefined() || field.isNull()) return fallback;
  if (!field.isNumber() || !(field.as<double>() >= 0))
    return Status::error(std::string("option '") + name + "' must be a number >= 0");
  return field.as<double>();
}

}  // namespace

Result compare(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  MQ_ASSIGN_OR_RETURN(std::string other_name, string_option(options, "otherName", "second input"));
  CompareOptions compare_options;
  MQ_ASSIGN_OR_RETURN(compare_options.run, run_options_from_js(options));
  MQ_ASSIGN_OR_RETURN(compare_options.rtol, tolerance_option(options, "rtol", compare_options.rtol));
  MQ_ASSIGN_OR_RETURN(compare_options.atol, tolerance_option(options, "atol", compare_options.atol));
  tensorflow::GraphDef first, second;
  {
    MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
    MQ_RETURN_IF_ERROR(parse_graph(input, name, &first));
  }
  MQ_RETURN_IF_ERROR(check_graph_well_formed(first, name));
  {
    if (options.isUndefined() || options.isNull()) return Status::error("compare needs the second model's bytes");
    MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(options["other"], other_name));
    MQ_RETURN_IF_ERROR(parse_graph(input, other_name, &second));
  }
  MQ_RETURN_IF_ERROR(check_graph_well_formed(second, other_name));
  MQ_ASSIGN_OR_RETURN(Comparison comparison, compare_models(first, second, compare_options));
  return json_to_js(comparison_json(comparison));
}

}  // namespace mq::wasm
