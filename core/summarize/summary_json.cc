// The JSON form of a GraphSummary (key names documented in summarize.h).
#include <nlohmann/json.hpp>

#include "core/eval/tensor.h"
#include "core/summarize/summarize.h"

namespace mq {
namespace {

using Json = nlohmann::ordered_json;

Json shape_json(const GraphInput& input) {
  if (input.shape_knowledge != ShapeKnowledge::kKnown) return nullptr;
  return Json(input.dims);
}

Json inputs_json(const std::vector<GraphInput>& inputs) {
  Json list = Json::array();
  for (const GraphInput& input : inputs)
    list.push_back({{"name", input.name}, {"dtype", dtype_name(input.dtype)}, {"shape", shape_json(input)}});
  return list;
}

}  // namespace

std::string render_summary_json(const GraphSummary& summary, const std::string& model_path,
                                const std::vector<StructureEntry>* structure) {
  Json doc;
  doc["file_size"] = summary.file_size;
  doc["node_count"] = summary.node_count;
  doc["inputs"] = inputs_json(summary.inputs);
  Json outputs = Json::array();
  for (const GraphOutput& output : summary.outputs) outputs.push_back(output.name);
  doc["outputs"] = outputs;
  doc["parameter_count"] = summary.const_parameter_count;
  Json op_counts = Json::object();
  for (const auto& [op, count] : summary.op_counts) op_counts[op] = count;
  doc["op_counts"] = op_counts;
  Json weight_bytes = Json::object();
  for (const auto& [dtype, bytes] : summary.weight_bytes_by_dtype) weight_bytes[dtype] = bytes;
  doc["weight_bytes_by_dtype"] = weight_bytes;
  Json largest = Json::array();
  for (const TensorSize& tensor : summary.largest_tensors)
    largest.push_back({{"name", tensor.name},
                       {"dtype", dtype_name(tensor.dtype)},
                       {"shape", tensor.shape},
                       {"bytes", tensor.bytes}});
  doc["largest_tensors"] = largest;
  doc["variables"] = inputs_json(summary.variables);
  doc["variable_parameter_count"] = summary.variable_parameter_count;
  doc["control_edge_count"] = summary.control_edge_count;
  Json devices = Json::object();
  for (const auto& [device, count] : summary.nodes_per_device) devices[device] = count;
  doc["devices"] = devices;
  Json invalid = Json::array();
  for (const InvalidInput& input : summary.invalid_inputs)
    invalid.push_back({{"node", input.node}, {"missing", input.missing_node}});
  doc["invalid_inputs"] = invalid;
  doc["warnings"] = summary.warnings;
  doc["suggested_commands"] = {{"benchmark_model", suggested_benchmark_command(summary, model_path)},
                               {"transform_graph", suggested_transform_command(summary, model_path)}};
  if (structure) {
    Json nodes = Json::array();
    for (const StructureEntry& entry : *structure) {
      Json node = {{"name", entry.name}, {"op", entry.op}, {"inputs", entry.inputs}};
      if (!entry.value.empty()) node["value"] = entry.value;
      nodes.push_back(node);
    }
    doc["structure"] = nodes;
  }
  // Node names are not guaranteed to be UTF-8: replace invalid bytes rather
  // than fail (dump would otherwise throw).
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace mq
