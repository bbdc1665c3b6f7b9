#include <string>
#include <utility>
#include <vector>

#include "core/io/graph_io.h"
#include "core/summarize/invalid_inputs.h"
#include "core/summarize/summarize.h"
#include "wasm/commands.h"

namespace mq::wasm {

// The same steps as `modelquant summarize --json [--print_structure]`: the
// summary is rendered even for a graph with dangling inputs, which then fails
// with the summary attached.
Result summarize(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  MQ_ASSIGN_OR_RETURN(bool with_structure, bool_option(options, "structure", false));
  MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(parse_graph(input, name, &graph));
  GraphSummary summary = summarize_graph(graph, input.size());
  input = std::string();

  std::vector<StructureEntry> structure;
  if (with_structure) {
    std::vector<std::string> structure_warnings;  // the CLI prints these to stderr only
    StatusOr<std::vector<StructureEntry>> entries = graph_structure(graph, &structure_warnings);
    // A broken graph still gets its summary; the structure needs a sortable graph.
    if (entries.is_ok()) {
      structure = std::move(entries).value();
    } else if (summary.invalid_inputs.empty()) {
      return entries.status();
    }
  }
  val document = json_to_js(render_summary_json(summary, name, with_structure ? &structure : nullptr));
  Status inputs_exist = check_inputs_exist(summary);
  if (!inputs_exist.is_ok()) return Result(inputs_exist, document);
  return document;
}

}  // namespace mq::wasm
