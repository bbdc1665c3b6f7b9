// rename_node(old_node_name=a, new_node_name=b): renames one node and every
// input referring to it (keeping "^" and ":port"). Fails when a node already
// carries the new name.
#include "core/graph/input_names.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status rename_node(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> old_names, ctx.get_list("old_node_name"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> new_names, ctx.get_list("new_node_name"));
  if (old_names.size() != 1 || new_names.size() != 1)
    return Status::error(
        "rename_node expects exactly one 'old_node_name' and one 'new_node_name' argument, e.g. "
        "rename_node(old_attribute_name=super/deep/output, new_attribute_name=output)");
  const std::string& old_name = old_names[0];
  const std::string& new_name = new_names[0];
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    // TensorFlow's wording, kept as is.
    if (node.name() == new_name) return Status::error("A node is alreading using " + new_name + "as name.");
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (copy->name() == old_name) {
      copy->set_name(new_name);
      ctx.add_count("nodes renamed");
    }
    for (std::string& input : *copy->mutable_input()) {
      InputNameParts parts = node_name_parts_from_input(input);
      if (parts.name != old_name) continue;
      input = parts.prefix + new_name + parts.suffix;
      ctx.add_count("inputs renamed");
    }
  }
  return Status::ok();
}

}  // namespace mq::transforms
