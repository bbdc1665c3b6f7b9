#include "core/ops/graph_import.h"

#include <functional>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/graph/graph_index.h"
#include "core/ops/op_registry.h"

namespace mq {
namespace {

constexpr const char* kOutputShapesAttr = "_output_shapes";

bool is_next_iteration(const std::string& op) { return op == "NextIteration" || op == "RefNextIteration"; }
bool is_merge(const std::string& op) { return op == "Merge" || op == "RefMerge" || op == "_XlaMerge"; }

// Parsed inputs of one node, before anything is resolved.
struct RawInputs {
  std::vector<std::pair<std::string, int>> data;  // (producer, port)
  std::vector<std::string> control;               // producers, duplicates removed
};

RawInputs parse_inputs(const tensorflow::NodeDef& node) {
  RawInputs raw;
  std::unordered_set<std::string> seen_control;
  for (const std::string& input : node.input()) {
    InputRef ref = parse_input(input);
    std::string producer(ref.node);
    if (ref.control) {
      if (seen_control.insert(producer).second) raw.control.push_back(producer);
    } else {
      raw.data.emplace_back(producer, ref.port);
    }
  }
  return raw;
}

std::string op_signature(const tensorflow::OpDef& op_def) { return "Op<name=" + op_def.name() + ">"; }

// Registry checks and defaults for one node (TensorFlow's ValidateNodeDef
// in the parts that decide whether a frozen graph imports).
Status check_against_op_def(const tensorflow::OpDef& op_def, bool from_registry, int producer_version,
                            size_t data_input_count, ImportedNode* imported) {
  tensorflow::NodeDef& node = imported->def;
  if (op_def.has_deprecation() && op_def.deprecation().version() > 0 &&
      producer_version >= op_def.deprecation().version())
    return Status::error("Op " + node.op() + " is not available in GraphDef version " +
                         std::to_string(producer_version) + ". It has been removed in version " +
                         std::to_string(op_def.deprecation().version()) + ". (node '" + node.name() + "')");
  add_default_attributes(op_def, &node);
  if (from_registry) {
    for (const auto& attr : op_def.attr())
      if (!node.attr().count(attr.name()))
        return Status::error("NodeDef missing attr '" + attr.name() + "' from " + op_signature(op_def) +
                             " (node '" + node.name() + "')");
    for (const auto& [key, value] : node.attr()) {
      if (!key.empty() && key[0] == '_') continue;
      bool known = false;
      for (const auto& attr : op_def.attr()) known = known || attr.name() == key;
      if (!known)
        return Status::error("NodeDef mentions attr '" + key + "' not in " + op_signature(op_def) + " (node '" +
                             node.name() + "')");
    }
  }
  StatusOr<std::vector<tensorflow::DataType>> input_types = input_types_of(node, op_def);
  if (!input_types.is_ok()) return input_types.status();
  if (input_types->size() != data_input_count)
    return Status::error("Node '" + node.name() + "': expected " + std::to_string(input_types->size()) +
                         " data inputs for op " + node.op() + " but the node has " +
                         std::to_string(data_input_count));
  StatusOr<std::vector<tensorflow::DataType>> output_types = output_types_of(node, op_def);
  if (!output_types.is_ok()) return output_types.status();
  imported->output_types = std::move(*output_types);
  return Status::ok();
}

}  // namespace

StatusOr<ImportedGraph> import_graph(const tensorflow::GraphDef& graph, const ImportOptions& options) {
  const int count = graph.node_size();
  std::unordered_map<std::string, int> index_by_name;
  index_by_name.reserve(static_cast<size_t>(count) * 2);
  for (int i = 0; i < count; ++i) {
    if (!index_by_name.emplace(graph.node(i).name(), i).second)
      return Status::error("Node '" + graph.node(i).name() + "' is not unique: two nodes have that name");
  }

  std::vector<RawInputs> raw(static_cast<size_t>(count));
  std::vector<int> pending(static_cast<size_t>(count), 0);
  std::vector<std::vector<int>> consumers(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const tensorflow::NodeDef& node = graph.node(i);
    raw[i] = parse_inputs(node);
    bool loop_back_edge = false;
    auto connect = [&](const std::string& producer, const std::string& written) -> Status {
      auto found = index_by_name.find(producer);
      if (found == index_by_name.end())
        return Status::error("Node '" + node.name() + "': Unknown input node '" + written + "'");
      consumers[found->second].push_back(i);
      if (is_next_iteration(graph.node(found->second).op())) loop_back_edge = true;
      return Status::ok();
    };
    std::unordered_set<std::string> seen_control;
    for (const std::string& input : node.input()) {
      InputRef ref = parse_input(input);
      // Duplicate control inputs count once.
      if (ref.control && !seen_control.insert(std::string(ref.node)).second) continue;
      MQ_RETURN_IF_ERROR(connect(std::string(ref.node), input));
    }
    // A Merge that closes a loop waits for its control inputs and one data input.
    pending[i] = static_cast<int>(raw[i].data.size() + raw[i].control.size());
    if (is_merge(node.op()) && loop_back_edge) pending[i] = static_cast<int>(raw[i].control.size()) + 1;
  }

  // Creation order: the smallest ready index next.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < count; ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<int> order;
  order.reserve(static_cast<size_t>(count));
  std::vector<bool> created(static_cast<size_t>(count), false);
  while (!ready.empty()) {
    int node = ready.top();
    ready.pop();
    if (created[node]) continue;
    created[node] = true;
    order.push_back(node);
    for (int consumer : consumers[node])
      if (--pending[consumer] == 0) ready.push(consumer);
  }
  if (static_cast<int>(order.size()) < count) {
    for (int i = 0; i < count; ++i)
      if (!created[i])
        return Status::error("the graph has a cycle through node '" + graph.node(i).name() +
                             "' that is not a loop (a loop enters through a Merge fed by a NextIteration)");
  }

  ImportedGraph imported;
  imported.nodes.resize(static_cast<size_t>(count));
  std::vector<int> position(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) position[order[k]] = k;
  const int producer_version = graph.has_versions() ? graph.versions().producer() : 0;
  for (int k = 0; k < count; ++k) {
    const int original = order[k];
    ImportedNode& node = imported.nodes[k];
    node.def = graph.node(original);
    node.original_index = original;
    auto hints = node.def.attr().find(kOutputShapesAttr);
    if (hints != node.def.attr().end()) {
      if (!options.clear_output_shapes && hints->second.has_list()) {
        node.has_shape_hints = true;
        for (const auto& shape : hints->second.list().shape()) node.shape_hints.push_back(shape);
      }
      node.def.mutable_attr()->erase(kOutputShapesAttr);
    }
    for (const auto& [producer, port] : raw[original].data)
      node.data_inputs.push_back({position[index_by_name[producer]], port});
    for (const std::string& producer : raw[original].control)
      node.control_inputs.push_back(position[index_by_name[producer]]);

    const tensorflow::OpDef* registry_def = find_op_def(node.def.op());
    const tensorflow::OpDef* op_def = registry_def ? registry_def : find_op_def(node.def.op(), graph.library());
    if (op_def == nullptr) return op_not_registered(node.def.op(), node.def.name());
    MQ_RETURN_IF_ERROR(check_against_op_def(*op_def, registry_def != nullptr, producer_version,
                                            node.data_inputs.size(), &node));
  }

  // Every data input must name an existing output of its producer.
  for (const ImportedNode& node : imported.nodes) {
    for (const ImportedInput& input : node.data_inputs) {
      const ImportedNode& producer = imported.nodes[input.node];
      if (input.port < 0 || static_cast<size_t>(input.port) >= producer.output_types.size())
        return Status::error("Node '" + node.def.name() + "': Connecting to invalid output " +
                             std::to_string(input.port) + " of source node " + producer.def.name() + " which has " +
                             std::to_string(producer.output_types.size()) + " outputs");
    }
  }
  return imported;
}

}  // namespace mq
