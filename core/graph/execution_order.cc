#include "core/graph/execution_order.h"

#include <string>
#include <unordered_map>

#include "core/graph/input_names.h"

namespace mq {
namespace {

bool is_merge(const tensorflow::NodeDef& node) {
  return node.op() == "Merge" || node.op() == "RefMerge" || node.op() == "_XlaMerge";
}

}  // namespace

Status execution_order(const tensorflow::GraphDef& graph, std::vector<int>* order) {
  order->clear();
  const int node_count = graph.node_size();
  // When two nodes share a name, the later one is the one inputs refer to.
  std::unordered_map<std::string, int> index_by_name;
  index_by_name.reserve(static_cast<size_t>(node_count) * 2);
  for (int i = 0; i < node_count; ++i) index_by_name[graph.node(i).name()] = i;

  std::vector<int> pending(static_cast<size_t>(node_count), 0);
  std::vector<std::vector<int>> consumers(static_cast<size_t>(node_count));
  std::vector<int> ready;
  for (int n = 0; n < node_count; ++n) {
    const tensorflow::NodeDef& node = graph.node(n);
    if (is_merge(node)) {
      int control_inputs = 0;
      for (const std::string& input : node.input())
        if (!input.empty() && input[0] == '^') ++control_inputs;
      pending[n] = control_inputs + 1;
    } else {
      pending[n] = node.input_size();
    }
    if (node.input_size() == 0) ready.push_back(n);
    for (const std::string& input : node.input()) {
      auto producer = index_by_name.find(node_name_from_input(input));
      if (producer == index_by_name.end())
        return Status::error("Node '" + node.name() + "': Unknown input node '" + input + "'");
      consumers[producer->second].push_back(n);
    }
  }

  std::vector<int> emitted;
  emitted.reserve(static_cast<size_t>(node_count));
  while (!ready.empty()) {
    int next = ready.back();
    ready.pop_back();
    emitted.push_back(next);
    for (int consumer : consumers[next])
      if (--pending[consumer] == 0) ready.push_back(consumer);
  }
  *order = std::move(emitted);
  if (static_cast<int>(order->size()) < node_count)
    return Status::error(std::to_string(node_count - static_cast<int>(order->size())) + " nodes in a cycle");
  return Status::ok();
}

Status sort_by_execution_order(const tensorflow::GraphDef& graph, tensorflow::GraphDef* out) {
  std::vector<int> order;
  MQ_RETURN_IF_ERROR(execution_order(graph, &order));
  out->Clear();
  out->mutable_node()->Reserve(static_cast<int>(order.size()));
  for (int index : order) *out->add_node() = graph.node(index);
  return Status::ok();
}

}  // namespace mq
