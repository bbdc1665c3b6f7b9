#include "core/graph/graph_checks.h"
#include "core/io/graph_io.h"
#include "wasm/commands.h"
#include "wasm/tensor_values.h"

namespace mq::wasm {

Result run(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  MQ_ASSIGN_OR_RETURN(RunOptions run_options, run_options_from_js(options));
  tensorflow::GraphDef graph;
  {
    MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
    MQ_RETURN_IF_ERROR(parse_graph(input, name, &graph));
  }
  MQ_RETURN_IF_ERROR(check_graph_well_formed(graph, name));
  StatusOr<RunResult> run_result = run_model(graph, run_options);
  if (!run_result.is_ok()) return run_result.status().with_context(name);
  RunResult& result = *run_result;
  val outputs = val::array();
  for (size_t i = 0; i < result.outputs.size(); ++i) {
    MQ_ASSIGN_OR_RETURN(val output, tensor_to_js(result.output_names[i], result.outputs[i]));
    outputs.call<void>("push", output);
  }
  val inputs = val::array();
  for (const ModelInput& input : result.inputs) {
    MQ_ASSIGN_OR_RETURN(val value, tensor_to_js(input.name, input.value));
    value.set("generated", input.generated);
    inputs.call<void>("push", value);
  }
  val value = val::object();
  value.set("outputs", outputs);
  value.set("inputs", inputs);
  value.set("milliseconds", result.milliseconds);
  value.set("peakBytes", static_cast<double>(result.peak_bytes));
  return value;
}

}  // namespace mq::wasm
