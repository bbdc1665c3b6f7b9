// set_device(device=/device:GPU:0, if_default=false): sets every node's
// device, or with if_default=true only the devices that are empty.
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status set_device(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::string device, ctx.get_string("device", ""));
  MQ_ASSIGN_OR_RETURN(bool if_default, ctx.get_bool("if_default", false));
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    if (!if_default || copy->device().empty()) {
      if (copy->device() != device) ctx.add_count("devices changed");
      copy->set_device(device);
    }
  }
  return Status::ok();
}

}  // namespace mq::transforms
