// summarize_graph --print_structure: every node in execution order.
#include <string_view>
#include <unordered_map>

#include "core/summarize/input_names.h"
#include "core/summarize/summarize.h"
#include "core/summarize/tensor_inspection.h"

namespace mq {
namespace {

// TensorFlow's SortByExecutionOrder (spec/transforms.md §0.3): a Kahn sort
// whose ready list is a stack, so the order differs from a queue-based
// topological order and has to be reproduced exactly.
StatusOr<std::vector<int>> execution_order(const tensorflow::GraphDef& graph) {
  int n = graph.node_size();
  std::unordered_map<std::string_view, int> index_of;
  for (int i = 0; i < n; ++i) index_of[graph.node(i).name()] = i;  // a later duplicate wins

  std::vector<int> pending(n, 0);
  std::vector<int> ready;
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& node = graph.node(i);
    const std::string& op = node.op();
    if (op == "Merge" || op == "RefMerge" || op == "_XlaMerge") {
      int control_inputs = 0;
      for (const std::string& input : node.input())
        if (!input.empty() && input[0] == '^') ++control_inputs;
      pending[i] = control_inputs + 1;
    } else {
      pending[i] = node.input_size();
    }
    if (node.input_size() == 0) ready.push_back(i);
  }
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string& input : graph.node(i).input()) {
      auto producer = index_of.find(gtt_node_name(input));
      if (producer == index_of.end())
        return Status::error("Node '" + graph.node(i).name() + "': Unknown input node '" + input + "'");
      consumers[producer->second].push_back(i);
    }
  }
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    int node = ready.back();
    ready.pop_back();
    order.push_back(node);
    for (int consumer : consumers[node])
      if (--pending[consumer] == 0) ready.push_back(consumer);
  }
  if (static_cast<int>(order.size()) < n)
    return Status::error(std::to_string(n - static_cast<int>(order.size())) + " nodes in a cycle");
  return order;
}

}  // namespace

StatusOr<std::vector<StructureEntry>> graph_structure(const tensorflow::GraphDef& graph,
                                                      std::vector<std::string>* warnings) {
  MQ_ASSIGN_OR_RETURN(std::vector<int> order, execution_order(graph));
  std::vector<StructureEntry> entries;
  entries.reserve(order.size());
  for (int index : order) {
    const tensorflow::NodeDef& node = graph.node(index);
    StructureEntry entry;
    entry.name = node.name();
    entry.op = node.op();
    entry.inputs.assign(node.input().begin(), node.input().end());
    if (node.op() == "Const") {
      auto value = node.attr().find("value");
      TensorProtoFacts facts;
      if (value != node.attr().end()) facts = inspect_tensor_proto(value->second.tensor());
      if (facts.decodable)
        entry.value = tensor_debug_string(value->second.tensor(), facts);
      else if (warnings)
        warnings->push_back("Decoding Tensor failed for node" + node.name());
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

StatusOr<std::string> render_structure_text(const tensorflow::GraphDef& graph, std::vector<std::string>* warnings) {
  MQ_ASSIGN_OR_RETURN(std::vector<StructureEntry> entries, graph_structure(graph, warnings));
  std::string out;
  for (const StructureEntry& entry : entries) {
    out += entry.name + " (" + entry.op + "): [";
    for (size_t i = 0; i < entry.inputs.size(); ++i) {
      if (i > 0) out += ", ";
      out += entry.inputs[i];
    }
    out += "]";
    if (!entry.value.empty()) out += ", value=" + entry.value;
    out += "\n";
  }
  return out;
}

}  // namespace mq
