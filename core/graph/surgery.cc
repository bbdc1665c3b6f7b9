#include "core/graph/surgery.h"

#include <algorithm>
#include <cstring>

#include "core/graph/input_names.h"

namespace mq {
namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_control(const std::string& input) { return !input.empty() && input[0] == '^'; }

}  // namespace

Status rename_node_inputs(const tensorflow::GraphDef& graph, const std::map<std::string, std::string>& renames,
                          const std::set<std::string>& nodes_to_ignore, tensorflow::GraphDef* out) {
  // Sources grouped by the node they name, each group in source order.
  std::unordered_map<std::string, std::vector<std::pair<const std::string*, const std::string*>>> by_node;
  for (const auto& [source, destination] : renames)
    by_node[node_name_from_input(source)].emplace_back(&source, &destination);

  tensorflow::GraphDef result = graph;  // `out` stays untouched on error
  for (tensorflow::NodeDef& node : *result.mutable_node()) {
    const bool ignored = nodes_to_ignore.count(node.name()) > 0;
    for (std::string& input : *node.mutable_input()) {
      std::string renamed = input;
      std::set<std::string> visited;
      while (true) {
        std::string name = node_name_from_input(renamed);
        auto group = by_node.find(name);
        if (group == by_node.end()) break;
        if (!visited.insert(name).second)
          return Status::error("RenameNodeInputs argument contains a cycle for " + name);
        if (ignored) break;
        bool any_match = false;
        for (const auto& [source, destination] : group->second) {
          if (ends_with(*source, ":*")) {
            InputNameParts parts = node_name_parts_from_input(renamed);
            renamed = parts.prefix + *destination + parts.suffix;
            any_match = true;
          } else if (canonical_input_name(*source) == canonical_input_name(renamed)) {
            renamed = *destination;
            any_match = true;
          }
        }
        if (!any_match) break;
      }
      input = std::move(renamed);
    }
  }
  *out = std::move(result);
  return Status::ok();
}

std::unordered_map<std::string, std::vector<int>> consumers_by_name(const tensorflow::GraphDef& graph) {
  std::unordered_map<std::string, std::vector<int>> consumers;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string& input : graph.node(i).input()) consumers[node_name_from_input(input)].push_back(i);
  return consumers;
}

int rename_input_references(tensorflow::GraphDef* graph, std::string_view old_name, const std::string& new_name) {
  int changed = 0;
  for (tensorflow::NodeDef& node : *graph->mutable_node()) {
    for (std::string& input : *node.mutable_input()) {
      InputNameParts parts = node_name_parts_from_input(input);
      if (parts.name != old_name) continue;
      input = parts.prefix + new_name + parts.suffix;
      ++changed;
    }
  }
  return changed;
}

Status remove_node_and_rewire(tensorflow::GraphDef* graph, std::string_view name) {
  int index = -1;
  for (int i = 0; i < graph->node_size(); ++i)
    if (graph->node(i).name() == name) index = i;
  if (index < 0) return Status::error("cannot remove node '" + std::string(name) + "': there is no such node");
  const tensorflow::NodeDef removed = graph->node(index);
  std::string data_input;
  std::vector<std::string> control_inputs;
  int data_inputs = 0;
  for (const std::string& input : removed.input()) {
    if (is_control(input)) {
      control_inputs.push_back(input);
    } else {
      ++data_inputs;
      data_input = input;
    }
  }
  if (data_inputs != 1)
    return Status::error("cannot remove node '" + removed.name() + "' (" + removed.op() + "): it has " +
                         std::to_string(data_inputs) + " data inputs, expected exactly one");
  for (const tensorflow::NodeDef& node : graph->node()) {
    for (const std::string& input : node.input()) {
      InputNameParts parts = node_name_parts_from_input(input);
      if (parts.name == name && parts.prefix.empty() && !parts.suffix.empty() && parts.suffix != ":0")
        return Status::error("cannot remove node '" + removed.name() + "': node '" + node.name() +
                             "' reads its output '" + input + "'");
    }
  }
  const std::string control_on_producer = "^" + node_name_from_input(data_input);
  graph->mutable_node()->DeleteSubrange(index, 1);
  for (tensorflow::NodeDef& node : *graph->mutable_node()) {
    bool reads_data = false, reads_control = false;
    std::vector<std::string> data, control;
    for (const std::string& input : node.input()) {
      if (node_name_from_input(input) == name) {
        if (is_control(input)) {
          reads_control = true;
        } else {
          reads_data = true;
          data.push_back(data_input);
        }
        continue;
      }
      (is_control(input) ? control : data).push_back(input);
    }
    if (!reads_data && !reads_control) continue;
    auto add_control = [&control](const std::string& input) {
      if (std::find(control.begin(), control.end(), input) == control.end()) control.push_back(input);
    };
    if (reads_control) add_control(control_on_producer);
    if (reads_data)
      for (const std::string& input : control_inputs) add_control(input);
    node.clear_input();
    for (std::string& input : data) node.add_input(std::move(input));
    for (std::string& input : control) node.add_input(std::move(input));
  }
  return Status::ok();
}

int remove_control_inputs(tensorflow::NodeDef* node) {
  auto* inputs = node->mutable_input();
  auto kept = std::remove_if(inputs->begin(), inputs->end(), [](const std::string& input) { return is_control(input); });
  int removed = static_cast<int>(inputs->end() - kept);
  inputs->DeleteSubrange(static_cast<int>(kept - inputs->begin()), removed);
  return removed;
}

tensorflow::NodeDef make_const_node(const std::string& name, tensorflow::DataType dtype,
                                    const std::vector<int64_t>& shape, std::string raw_bytes) {
  tensorflow::NodeDef node;
  node.set_name(name);
  node.set_op("Const");
  (*node.mutable_attr())["dtype"].set_type(dtype);
  tensorflow::TensorProto* tensor = (*node.mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(dtype);
  tensorflow::TensorShapeProto* tensor_shape = tensor->mutable_tensor_shape();
  for (int64_t size : shape) tensor_shape->add_dim()->set_size(size);
  if (!raw_bytes.empty()) tensor->set_tensor_content(std::move(raw_bytes));
  return node;
}

tensorflow::NodeDef make_float_const_node(const std::string& name, const std::vector<int64_t>& shape,
                                          const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return make_const_node(name, tensorflow::DT_FLOAT, shape, std::move(bytes));
}

tensorflow::NodeDef make_int32_const_node(const std::string& name, const std::vector<int64_t>& shape,
                                          const std::vector<int32_t>& values) {
  std::string bytes(values.size() * sizeof(int32_t), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return make_const_node(name, tensorflow::DT_INT32, shape, std::move(bytes));
}

Status copy_attr(const tensorflow::NodeDef& from, const std::string& key, tensorflow::NodeDef* to,
                 const std::string& new_key) {
  auto found = from.attr().find(key);
  if (found == from.attr().end())
    return Status::error("node '" + from.name() + "' (" + from.op() + ") has no '" + key + "' attribute");
  (*to->mutable_attr())[new_key.empty() ? key : new_key] = found->second;
  return Status::ok();
}

}  // namespace mq
