// A read-only index over a GraphDef: nodes by name, parsed inputs, consumers,
// topological order and validation. Built once; invalid after the graph's node
// list changes.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// One entry of NodeDef.input: "name", "name:port" or "^name".
struct InputRef {
  std::string_view node;  // the producing node's name
  int port = 0;           // output index; 0 for control inputs
  bool control = false;   // "^name"
};

// Parses an input string. A trailing ":digits" is a port; anything else stays
// part of the name.
InputRef parse_input(std::string_view input);

// The node name an input string refers to ("^a" → "a", "a:1" → "a").
std::string_view node_name_of(std::string_view input);

// Formats a tensor reference the way TensorFlow writes it ("a", "a:1", "^a").
std::string format_input(std::string_view node, int port, bool control = false);

class GraphIndex {
 public:
  explicit GraphIndex(const tensorflow::GraphDef& graph);

  const tensorflow::GraphDef& graph() const { return *graph_; }
  int size() const { return graph_->node_size(); }

  // -1 when there is no such node.
  int index_of(std::string_view name) const;
  const tensorflow::NodeDef* find(std::string_view name) const;
  const tensorflow::NodeDef& node(int index) const { return graph_->node(index); }

  // Indices of the nodes that name `index` among their inputs (data or
  // control), each once, in graph order.
  const std::vector<int>& consumers_of(int index) const { return consumers_[index]; }
  // The data inputs of a node resolved to node indices (-1 where the input is missing).
  const std::vector<int>& input_nodes_of(int index) const { return inputs_[index]; }

  // Nodes nobody consumes, in graph order.
  std::vector<int> sinks() const;

  // Every node in an order where producers come before consumers. Back edges
  // of TensorFlow loops (NextIteration → Merge) are ignored. Fails on a
  // cycle, naming a node on it.
  StatusOr<std::vector<int>> topological_order() const;

  // Checks duplicate names, inputs naming missing nodes, and cycles.
  Status validate() const;

  // Names of duplicate nodes found while indexing (first occurrence wins).
  const std::vector<std::string>& duplicate_names() const { return duplicates_; }

 private:
  const tensorflow::GraphDef* graph_;
  std::unordered_map<std::string_view, int> by_name_;
  std::vector<std::vector<int>> consumers_;
  std::vector<std::vector<int>> inputs_;
  std::vector<std::string> duplicates_;
};

}  // namespace mq
