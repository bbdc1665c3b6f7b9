// add_default_attributes: gives every node the attributes its op defines
// with a default value and the node lacks (TensorFlow 2.21's op registry, or
// the signature of a function in the graph's library). The rest of the graph
// (versions, library, debug info) is kept. Unknown ops are an error.
#include "core/ops/op_registry.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status add_default_attributes(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  *out = in;
  for (tensorflow::NodeDef& node : *out->mutable_node()) {
    const tensorflow::OpDef* op_def = find_op_def(node.op(), in.library());
    if (op_def == nullptr) return op_not_registered(node.op(), node.name());
    int added = mq::add_default_attributes(*op_def, &node);
    ctx.add_count("attributes added", added);
  }
  return Status::ok();
}

}  // namespace mq::transforms
