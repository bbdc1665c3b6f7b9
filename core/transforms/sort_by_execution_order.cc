// sort_by_execution_order: orders nodes so that each comes after its inputs,
// in GTT's exact last-in-first-out order (execution_order.h).
#include "core/graph/execution_order.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status sort_by_execution_order(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return mq::sort_by_execution_order(in, out);
}

}  // namespace mq::transforms
