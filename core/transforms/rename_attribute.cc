// rename_attribute(old_attribute_name=foo, new_attribute_name=bar, op_name=Mul):
// moves an attribute's value to a new key on the nodes of one op type (or
// all nodes). When the node already has the new key, that value is kept and
// the old attribute is still removed, as in TensorFlow.
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status rename_attribute(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> old_names, ctx.get_list("old_attribute_name"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> new_names, ctx.get_list("new_attribute_name"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> op_names, ctx.get_list("op_name"));
  if (old_names.size() != 1 || new_names.size() != 1)
    return Status::error(
        "rename_attribute expects exactly one 'old_attribute_name' and one 'new_attribute_name' argument, e.g. "
        "rename_attribute(old_attribute_name=foo, new_attribute_name=bar)");
  const std::string op_name = op_names.empty() ? "*" : op_names[0];
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (op_name != "*" && copy->op() != op_name) continue;
    auto* attrs = copy->mutable_attr();
    auto old_attr = attrs->find(old_names[0]);
    if (old_attr == attrs->end()) continue;
    tensorflow::AttrValue value = old_attr->second;
    attrs->erase(old_attr);
    if (attrs->count(new_names[0])) {
      ctx.warn("node '" + copy->name() + "' already has attribute '" + new_names[0] + "'; kept it and dropped '" +
               old_names[0] + "'");
    } else {
      (*attrs)[new_names[0]] = std::move(value);
    }
    ctx.add_count("attributes renamed");
  }
  return Status::ok();
}

}  // namespace mq::transforms
