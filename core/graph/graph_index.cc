#include "core/graph/graph_index.h"

#include <algorithm>

namespace mq {

InputRef parse_input(std::string_view input) {
  InputRef ref;
  if (!input.empty() && input[0] == '^') {
    ref.control = true;
    ref.node = input.substr(1);
    return ref;
  }
  size_t colon = input.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < input.size()) {
    bool digits = true;
    for (size_t i = colon + 1; i < input.size(); ++i) digits = digits && input[i] >= '0' && input[i] <= '9';
    if (digits && input.size() - colon - 1 <= 9) {
      ref.node = input.substr(0, colon);
      int port = 0;
      for (size_t i = colon + 1; i < input.size(); ++i) port = port * 10 + (input[i] - '0');
      ref.port = port;
      return ref;
    }
  }
  ref.node = input;
  return ref;
}

std::string_view node_name_of(std::string_view input) { return parse_input(input).node; }

std::string format_input(std::string_view node, int port, bool control) {
  std::string out;
  if (control) out += '^';
  out += node;
  if (!control && port > 0) out += ":" + std::to_string(port);
  return out;
}

GraphIndex::GraphIndex(const tensorflow::GraphDef& graph) : graph_(&graph) {
  int n = graph.node_size();
  by_name_.reserve(static_cast<size_t>(n) * 2);
  consumers_.resize(n);
  inputs_.resize(n);
  for (int i = 0; i < n; ++i) {
    const std::string& name = graph.node(i).name();
    if (!by_name_.emplace(std::string_view(name), i).second) duplicates_.push_back(name);
  }
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& node = graph.node(i);
    for (const std::string& input : node.input()) {
      InputRef ref = parse_input(input);
      int producer = index_of(ref.node);
      if (!ref.control) inputs_[i].push_back(producer);
      if (producer >= 0) {
        std::vector<int>& c = consumers_[producer];
        if (c.empty() || c.back() != i) c.push_back(i);
      }
    }
  }
}

int GraphIndex::index_of(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

const tensorflow::NodeDef* GraphIndex::find(std::string_view name) const {
  int i = index_of(name);
  return i < 0 ? nullptr : &graph_->node(i);
}

std::vector<int> GraphIndex::sinks() const {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i)
    if (consumers_[i].empty()) out.push_back(i);
  return out;
}

StatusOr<std::vector<int>> GraphIndex::topological_order() const {
  int n = size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> edges(n);
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& node = graph_->node(i);
    bool is_merge = node.op() == "Merge" || node.op() == "RefMerge";
    for (const std::string& input : node.input()) {
      int producer = index_of(node_name_of(input));
      if (producer < 0) continue;
      const std::string& op = graph_->node(producer).op();
      if (is_merge && (op == "NextIteration" || op == "RefNextIteration")) continue;
      edges[producer].push_back(i);
      ++pending[i];
    }
  }
  std::vector<int> order;
  order.reserve(n);
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0) order.push_back(i);
  for (size_t k = 0; k < order.size(); ++k)
    for (int next : edges[order[k]])
      if (--pending[next] == 0) order.push_back(next);
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (pending[i] > 0)
        return Status::error("the graph has a cycle through node '" + graph_->node(i).name() + "' (op " +
                             graph_->node(i).op() + ")");
  }
  return order;
}

Status GraphIndex::validate() const {
  if (!duplicates_.empty())
    return Status::error("two nodes are named '" + duplicates_.front() + "'");
  for (int i = 0; i < size(); ++i) {
    const tensorflow::NodeDef& node = graph_->node(i);
    if (node.name().empty()) return Status::error("node #" + std::to_string(i) + " (op " + node.op() + ") has no name");
    bool seen_control = false;
    for (const std::string& input : node.input()) {
      InputRef ref = parse_input(input);
      if (ref.node.empty())
        return Status::error("node '" + node.name() + "' has an empty input");
      if (index_of(ref.node) < 0)
        return Status::error("node '" + node.name() + "' input '" + input + "' does not exist");
      if (ref.control) seen_control = true;
      else if (seen_control)
        return Status::error("node '" + node.name() + "' lists data input '" + input +
                             "' after a control input");
    }
  }
  StatusOr<std::vector<int>> order = topological_order();
  return order.status();
}

}  // namespace mq
