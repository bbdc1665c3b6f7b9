// remove_control_dependencies: drops every "^name" input of every node.
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status remove_control_dependencies(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    ctx.add_count("control inputs removed", remove_control_inputs(copy));
  }
  return Status::ok();
}

}  // namespace mq::transforms
