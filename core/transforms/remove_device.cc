// remove_device: clears the device of every node.
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status remove_device(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (!copy->device().empty()) ctx.add_count("devices cleared");
    copy->clear_device();
  }
  return Status::ok();
}

}  // namespace mq::transforms
