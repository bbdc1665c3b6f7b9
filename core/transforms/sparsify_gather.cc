// sparsify_gather(group_init_node=group_deps): an embedding lookup
// Gather(Identity(W), ids) — or GatherV2(Identity(W), ids, axis 0) — over a
// float Const W of shape [N, 1] whose values are mostly zero becomes a hash
// table holding only the entries with |w| ≥ 1e-5:
//   <W>/indices, <W>/values (Consts), <W>/HashTable, <W>/InitializeTable,
//   <G>/LookupTableFind(table, ids, <G>/Const = 0.0), and <G> =
//   ExpandDims(lookup, <G>/ExpandDims/Const = −1),
// emitted where the Gather was, after the ids node. Every table's
// initializer becomes a control input of the NoOp `group_init_node` (created
// when the graph has none). W and the Identity go away, and so does whatever
// only served them (transforms.md sparsify_gather: the reference counts, the
// ConcatV2 fix-ups and the Assign/Reshape/Equal/Mean/ScalarSummary rule).
// `_output_shapes` attributes are dropped from every node first.
//
// TensorFlow can also read W from a training checkpoint when it is a
// Variable; this tool works on frozen graphs only and says so.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "core/eval/tensor_proto.h"
#include "core/graph/input_names.h"
#include "core/graph/matcher.h"
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

bool is_variable(const tensorflow::NodeDef& node) { return node.op() == "Variable" || node.op() == "VariableV2"; }

std::string without_caret(const std::string& input) {
  return !input.empty() && input[0] == '^' ? input.substr(1) : input;
}

// TensorFlow looks up every variable's checkpoint slice through the saver:
// a save/Assign* node writing the variable from a RestoreV2.
Status check_variables_have_restore_entries(const GraphDef& graph) {
  std::map<std::string, const tensorflow::NodeDef*> by_name;
  for (const tensorflow::NodeDef& node : graph.node()) by_name.emplace(node.name(), &node);
  for (const tensorflow::NodeDef& variable : graph.node()) {
    if (!is_variable(variable)) continue;
    bool found = false;
    for (const tensorflow::NodeDef& node : graph.node()) {
      if (node.name().rfind("save/Assign", 0) != 0 || node.input_size() < 2) continue;
      if (node_name_from_input(node.input(0)) != variable.name()) continue;
      auto restore = by_name.find(node_name_from_input(node.input(1)));
      if (restore != by_name.end() && restore->second->op() == "RestoreV2") found = true;
    }
    if (!found) return Status::error("Unable to find RestoreV2 entry for variable: " + variable.name());
  }
  return Status::ok();
}

// A float tensor attribute of a node, decoded.
StatusOr<Tensor> node_value(const tensorflow::NodeDef& node) {
  auto value = node.attr().find("value");
  if (value == node.attr().end()) return Status::error("node '" + node.name() + "' has no 'value' attribute");
  StatusOr<Tensor> tensor = tensor_from_proto(value->second.tensor());
  if (!tensor.is_ok()) return tensor.status().with_context("node '" + node.name() + "'");
  return tensor;
}

Status check_gather_axis(const tensorflow::NodeDef& axis_node) {
  MQ_ASSIGN_OR_RETURN(Tensor axis, node_value(axis_node));
  if (axis.dtype() != tensorflow::DT_INT32 && axis.dtype() != tensorflow::DT_INT64)
    return Status::error("Gather axis was not int32 or int64.");
  if (axis.num_elements() != 1)
    return Status::error("Transform only applicable to subgraph with GatherV2 over axis 0. Found axis " +
                         shape_string(axis.shape()) + " (not a scalar).");
  const int64_t value = axis.dtype() == tensorflow::DT_INT32 ? axis.data<int32_t>()[0] : axis.data<int64_t>()[0];
  if (value != 0)
    return Status::error("Transform only applicable to subgraph with GatherV2 over axis 0. Found axis " +
                         std::to_string(value) + ".");
  return Status::ok();
}

tensorflow::NodeDef plain_node(const std::string& name, const std::string& op) {
  tensorflow::NodeDef node;
  node.set_name(name);
  node.set_op(op);
  return node;
}

void set_type(tensorflow::NodeDef* node, const char* key, tensorflow::DataType type) {
  (*node->mutable_attr())[key].set_type(type);
}

// One run of the procedure with one pattern (transforms.md sparsify_gather).
class SparsifyRun {
 public:
  SparsifyRun(GraphDef* graph, TransformContext& ctx, const std::string& group_init_node)
      : graph_(*graph), ctx_(ctx), group_init_node_(group_init_node) {
    for (const tensorflow::NodeDef& node : graph_.node())
      for (const std::string& input : node.input()) ++refs_[without_caret(input)];
    for (const std::string& name : ctx.input_names()) protected_.insert(name);
    for (const std::string& name : ctx.output_names()) protected_.insert(name);
  }

  Status run(const OpTypePattern& pattern) {
    while (true) {
      std::vector<std::string> initializers;
      std::vector<std::string> removals;
      GraphDef replaced;
      ReplaceReport report;
      MQ_RETURN_IF_ERROR(replace_matching_op_types(
          graph_, pattern,
          [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
              std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
            return sparsify(match, new_nodes, &initializers, &removals);
          },
          ReplaceOptions{true}, &replaced, &report));
      if (report.matches == 0) return Status::ok();
      ctx_.add_count("gathers sparsified", report.matches);
      graph_ = std::move(replaced);
      MQ_RETURN_IF_ERROR(add_initializers_to_group(initializers));
      for (const auto& [name, count] : refs_)
        if (count == 0 && !protected_.count(name)) removals.push_back(name);
      MQ_RETURN_IF_ERROR(remove_queued(std::move(removals)));
    }
  }

 private:
  Status sparsify(const NodeMatch& match, std::vector<tensorflow::NodeDef>* new_nodes,
                  std::vector<std::string>* initializers, std::vector<std::string>* removals) {
    const tensorflow::NodeDef& gather = *match.node;
    const tensorflow::NodeDef& identity = *match.inputs[0].node;
    const tensorflow::NodeDef& weights = *match.inputs[0].inputs[0].node;
    const tensorflow::NodeDef& ids = *match.inputs[1].node;
    if (match.inputs.size() == 3) MQ_RETURN_IF_ERROR(check_gather_axis(*match.inputs[2].node));

    auto dtype = weights.attr().find("dtype");
    if (dtype == weights.attr().end() || dtype->second.type() != tensorflow::DT_FLOAT)
      return Status::error(
          "Transform only applicable to subgraph with 'Const','Variable', or 'VariableV2' of dtype 'DT_FLOAT'. "
          "Found '" + weights.op() + "' with name '" + weights.name() + "' and dtype '" +
          std::to_string(dtype == weights.attr().end() ? 0 : static_cast<int>(dtype->second.type())) + "'.");
    if (is_variable(weights))
      return Status::unsupported("the embedding '" + weights.name() + "' is a " + weights.op() +
                                 " whose values live in a training checkpoint, which this tool does not read; "
                                 "freeze the graph first (variables turned into Consts)");
    MQ_ASSIGN_OR_RETURN(Tensor table, node_value(weights));
    if (table.dtype() != tensorflow::DT_FLOAT || table.rank() != 2 || table.dim(1) != 1)
      return Status::error("Transform only applicable to subgraph with 'Const' with tensor of shape [N, 1]. But "
                           "instead get shape " + shape_string(table.shape()) + ".");

    std::vector<int64_t> indices;
    std::vector<float> values;
    const float* entries = table.data<float>();
    for (int64_t i = 0; i < table.num_elements(); ++i) {
      if (std::fabs(entries[i]) >= 1e-5f) {
        indices.push_back(i);
        values.push_back(entries[i]);
      }
    }
    if (indices.empty()) {
      indices.push_back(0);
      values.push_back(0.0f);
    }
    ctx_.add_count("table entries kept", static_cast<int64_t>(indices.size()));
    ctx_.add_count("table entries dropped", table.num_elements() - static_cast<int64_t>(indices.size()));

    removals->push_back(weights.name());
    removals->push_back(identity.name());
    for (const std::string& input : identity.input()) {
      auto ref = refs_.find(without_caret(input));
      if (ref != refs_.end()) --ref->second;
    }

    const std::string& w = weights.name();
    const std::string& g = gather.name();
    append_once(ids, new_nodes);

    std::string index_bytes(indices.size() * sizeof(int64_t), '\0');
    std::memcpy(index_bytes.data(), indices.data(), index_bytes.size());
    new_nodes->push_back(make_const_node(w + "/indices", tensorflow::DT_INT64,
                                         {static_cast<int64_t>(indices.size())}, std::move(index_bytes)));
    new_nodes->push_back(make_float_const_node(w + "/values", {static_cast<int64_t>(values.size())}, values));

    tensorflow::NodeDef hash_table = plain_node(w + "/HashTable", "HashTable");
    set_type(&hash_table, "key_dtype", tensorflow::DT_INT64);
    set_type(&hash_table, "value_dtype", tensorflow::DT_FLOAT);
    new_nodes->push_back(std::move(hash_table));

    tensorflow::NodeDef initialize = plain_node(w + "/InitializeTable", "InitializeTable");
    initialize.add_input(w + "/HashTable");
    initialize.add_input(w + "/indices");
    initialize.add_input(w + "/values");
    set_type(&initialize, "Tkey", tensorflow::DT_INT64);
    set_type(&initialize, "Tval", tensorflow::DT_FLOAT);
    new_nodes->push_back(std::move(initialize));
    initializers->push_back(w + "/InitializeTable");

    tensorflow::NodeDef lookup = plain_node(g + "/LookupTableFind", "LookupTableFind");
    lookup.add_input(w + "/HashTable");
    lookup.add_input(gather.input(1));
    lookup.add_input(g + "/Const");
    set_type(&lookup, "Tin", tensorflow::DT_INT64);
    set_type(&lookup, "Tout", tensorflow::DT_FLOAT);
    new_nodes->push_back(std::move(lookup));

    float zero = 0.0f;
    std::string zero_bytes(sizeof zero, '\0');
    std::memcpy(zero_bytes.data(), &zero, sizeof zero);
    new_nodes->push_back(make_const_node(g + "/Const", tensorflow::DT_FLOAT, {}, std::move(zero_bytes)));

    // A single-element tensor attr is written in its typed field, as TensorFlow does.
    tensorflow::NodeDef dim = plain_node(g + "/ExpandDims/Const", "Const");
    set_type(&dim, "dtype", tensorflow::DT_INT32);
    tensorflow::TensorProto* dim_value = (*dim.mutable_attr())["value"].mutable_tensor();
    dim_value->set_dtype(tensorflow::DT_INT32);
    dim_value->mutable_tensor_shape();
    dim_value->add_int_val(-1);
    new_nodes->push_back(std::move(dim));

    tensorflow::NodeDef expand = plain_node(g, "ExpandDims");
    expand.add_input(g + "/LookupTableFind");
    expand.add_input(g + "/ExpandDims/Const");
    set_type(&expand, "T", tensorflow::DT_FLOAT);
    new_nodes->push_back(std::move(expand));
    return Status::ok();
  }

  Status add_initializers_to_group(const std::vector<std::string>& initializers) {
    tensorflow::NodeDef* group = nullptr;
    for (tensorflow::NodeDef& node : *graph_.mutable_node()) {
      if (node.name() != group_init_node_) continue;
      if (node.op() != "NoOp")
        return Status::error("group_init_node '" + group_init_node_ + "' is a " + node.op() +
                             ", not a NoOp; name another node with group_init_node=");
      group = &node;
    }
    if (group == nullptr) {
      group = graph_.add_node();
      group->set_name(group_init_node_);
      group->set_op("NoOp");
    }
    for (const std::string& initializer : initializers) group->add_input("^" + initializer);
    return Status::ok();
  }

  // Deletes the queued nodes (last queued first) and the inputs naming them,
  // queueing what that leaves without purpose.
  Status remove_queued(std::vector<std::string> queue) {
    static const std::set<std::string> kUselessWithOneInput = {"Assign", "Reshape", "Equal", "Mean", "ScalarSummary"};
    while (!queue.empty()) {
      const std::string name = std::move(queue.back());
      queue.pop_back();
      auto& nodes = *graph_.mutable_node();
      for (int i = 0; i < nodes.size(); ++i) {
        if (nodes.Get(i).name() != name) continue;
        if (nodes.Get(i).op() == "RestoreV2") break;  // shared by every variable
        for (const std::string& input : nodes.Get(i).input()) {
          auto ref = refs_.find(without_caret(input));
          if (ref == refs_.end() || protected_.count(ref->first)) continue;
          if (--ref->second == 0) queue.push_back(ref->first);
        }
        nodes.DeleteSubrange(i, 1);
        ctx_.add_count("nodes removed");
        break;
      }
      const std::string control = "^" + name;
      for (tensorflow::NodeDef& node : nodes) {
        auto& inputs = *node.mutable_input();
        const int before = inputs.size();
        int kept = 0;
        for (int j = 0; j < before; ++j) {
          if (inputs.Get(j) == name || inputs.Get(j) == control) continue;
          if (kept != j) inputs.Mutable(kept)->swap(*inputs.Mutable(j));
          ++kept;
        }
        if (kept == before) continue;
        inputs.DeleteSubrange(kept, before - kept);
        if (node.op() == "ConcatV2") {
          if (inputs.size() > 2) {
            (*node.mutable_attr())["N"].set_i(inputs.size() - 1);
          } else if (inputs.size() == 2) {
            const std::string axis = inputs.Get(1);
            auto ref = refs_.find(without_caret(axis));
            if (ref == refs_.end() || ref->second != 1)
              return Status::error("Expect axis tensor of ConcatV2 node to only be referenced once.");
            queue.push_back(axis);
            inputs.DeleteSubrange(1, 1);
            node.mutable_attr()->erase("N");
            node.set_op("Identity");
          } else {
            return Status::error("ConcatV2 should have at least two elements");
          }
        } else if (inputs.empty() || (inputs.size() == 1 && kUselessWithOneInput.count(node.op()))) {
          queue.push_back(node.name());
        }
      }
    }
    return Status::ok();
  }

  GraphDef& graph_;
  TransformContext& ctx_;
  const std::string& group_init_node_;
  std::map<std::string, int> refs_;
  std::set<std::string> protected_;
};

}  // namespace

Status sparsify_gather(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> group_init_nodes, ctx.get_list("group_init_node"));
  const std::string group_init_node = group_init_nodes.empty() ? "group_deps" : group_init_nodes.front();
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> checkpoints, ctx.get_list("input_checkpoint"));
  if (!checkpoints.empty())
    ctx.warn("input_checkpoint is ignored: this tool reads frozen graphs, not training checkpoints");

  GraphDef graph;
  *graph.mutable_node() = in.node();
  for (tensorflow::NodeDef& node : *graph.mutable_node()) node.mutable_attr()->erase("_output_shapes");
  MQ_RETURN_IF_ERROR(check_variables_have_restore_entries(graph));

  const OpTypePattern gather = {"Gather", {{"Identity", {{"Const|Variable|VariableV2", {}}}}, {"*", {}}}};
  const OpTypePattern gather_v2 = {
      "GatherV2", {{"Identity", {{"Const|Variable|VariableV2", {}}}}, {"*", {}}, {"Const", {}}}};
  for (const OpTypePattern* pattern : {&gather, &gather_v2}) {
    SparsifyRun run(&graph, ctx, group_init_node);
    MQ_RETURN_IF_ERROR(run.run(*pattern));
  }
  *out = std::move(graph);
  return Status::ok();
}

}  // namespace mq::transforms
