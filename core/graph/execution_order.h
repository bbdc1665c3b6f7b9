// The Graph Transform Tool's execution order: a last-in-first-out Kahn sort
// whose exact order other transforms depend on (pattern matching walks the
// graph in this order). Used by sort_by_execution_order and GraphMatcher.
#pragma once

#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// Fills `order` with node indices of `graph`: nodes without inputs are
// pushed on a stack in graph order; the last pushed is emitted first and
// each consumer is pushed when its last pending input is emitted (a Merge
// waits for its control inputs plus one data input).
// Errors: "Node 'a': Unknown input node 'missing'" (order left empty) and
// "<k> nodes in a cycle" (order holds the nodes emitted before the sort got
// stuck).
Status execution_order(const tensorflow::GraphDef& graph, std::vector<int>* order);

// The graph's nodes copied in execution_order(); `out` holds only nodes.
Status sort_by_execution_order(const tensorflow::GraphDef& graph, tensorflow::GraphDef* out);

}  // namespace mq
