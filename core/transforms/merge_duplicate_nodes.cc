// merge_duplicate_nodes: nodes with the same op, inputs, device and
// attributes (same HashNodeDef once the name is left out) are merged into
// the first of them, unless their op is stateful. Names in --inputs or
// --outputs (raw strings) are part of the hash, so those nodes never merge.
// Repeats until a pass finds nothing; the node order becomes the hash order,
// as in TensorFlow.
#include <map>
#include <set>

#include "core/graph/node_hash.h"
#include "core/graph/surgery.h"
#include "core/ops/op_registry.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status merge_duplicate_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  std::set<std::string> kept_names(ctx.input_names().begin(), ctx.input_names().end());
  kept_names.insert(ctx.output_names().begin(), ctx.output_names().end());

  GraphDef current;
  *current.mutable_node() = in.node();
  bool found_duplicates = true;
  while (found_duplicates) {
    found_duplicates = false;
    std::map<uint64_t, std::vector<const tensorflow::NodeDef*>> by_hash;
    for (const tensorflow::NodeDef& node : current.node()) {
      uint64_t hash;
      if (kept_names.count(node.name())) {
        hash = hash_node_def(node);
      } else {
        tensorflow::NodeDef nameless = node;
        nameless.clear_name();
        hash = hash_node_def(nameless);
      }
      by_hash[hash].push_back(&node);
    }
    GraphDef merged;
    std::map<std::string, std::string> renames;
    for (const auto& [hash, nodes] : by_hash) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        const tensorflow::NodeDef& node = *nodes[i];
        const tensorflow::OpDef* op_def = find_op_def(node.op());
        if (op_def == nullptr) return op_not_registered(node.op(), node.name());
        if (i > 0 && !op_def->is_stateful()) {
          renames[node.name() + ":*"] = nodes[0]->name();
          found_duplicates = true;
          ctx.add_count("nodes merged");
        } else {
          *merged.add_node() = node;
        }
      }
    }
    MQ_RETURN_IF_ERROR(rename_node_inputs(merged, renames, {}, &current));
  }
  *out = std::move(current);
  return Status::ok();
}

}  // namespace mq::transforms
