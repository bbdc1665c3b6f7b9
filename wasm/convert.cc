#include <string>

#include "core/io/graph_io.h"
#include "wasm/commands.h"

namespace mq::wasm {

Result convert(const val& bytes, const val& options) {
  MQ_ASSIGN_OR_RETURN(std::string name, source_name(options));
  MQ_ASSIGN_OR_RETURN(GraphFormat format, format_option(options, ""));
  MQ_ASSIGN_OR_RETURN(std::string input, bytes_from_js(bytes, name));
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(parse_graph(input, name, &graph));
  input = std::string();  // give the memory back before the output is built
  MQ_ASSIGN_OR_RETURN(std::string output, serialize_graph(graph, format));
  return bytes_to_js(output);
}

}  // namespace mq::wasm
