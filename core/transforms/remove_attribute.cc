// remove_attribute(attribute_name=foo, op_name=Mul): removes an attribute
// from the nodes of one op type, or from every node when op_name is '*'
// (the default).
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status remove_attribute(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> attribute_names, ctx.get_list("attribute_name"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> op_names, ctx.get_list("op_name"));
  // TensorFlow's messages say remove_nodes; kept so users can search for them.
  if (attribute_names.size() != 1)
    return Status::error(
        "remove_nodes expects exactly one 'attribute_name' argument, e.g. "
        "remove_attribute(op_name=Mul, attribute_name=foo)");
  if (op_names.size() > 1)
    return Status::error("remove_nodes expects a single op_name argument, but found " +
                         std::to_string(op_names.size()));
  const std::string op_name = op_names.empty() ? "*" : op_names[0];
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (op_name == "*" || copy->op() == op_name) ctx.add_count("attributes removed", copy->mutable_attr()->erase(attribute_names[0]));
  }
  return Status::ok();
}

}  // namespace mq::transforms
