// rename_op(old_op_name=Mul, new_op_name=Multiply): changes the op type of
// every node whose op is exactly old_op_name; attributes stay as they are.
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status rename_op(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> old_names, ctx.get_list("old_op_name"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> new_names, ctx.get_list("new_op_name"));
  if (old_names.size() != 1 || new_names.size() != 1)
    return Status::error(
        "rename_op expects exactly one 'old_op_name' and 'new_op_name' argument, e.g. "
        "rename_op(old_op_name=Mul, new_op_name=Multiply)");
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (copy->op() == old_names[0]) {
      copy->set_op(new_names[0]);
      ctx.add_count("nodes renamed");
    }
  }
  return Status::ok();
}

}  // namespace mq::transforms
