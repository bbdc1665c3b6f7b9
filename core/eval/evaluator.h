// Runs a GraphDef on the CPU kernels: only the nodes the requested outputs
// need, in topological order (iteratively: graphs of many thousand nodes are
// fine), with fed values replacing nodes (Placeholders or any other), and
// each intermediate freed after its last consumer ran. A MemoryBudget caps
// the bytes held at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// A tensor name as TensorFlow writes it: "node" (port 0) or "node:port".
struct TensorName {
  std::string node;
  int port = 0;
};
StatusOr<TensorName> parse_tensor_name(const std::string& name);

// A value given for a tensor ("x" or "x:0"); the producing node is not run.
struct Feed {
  std::string tensor;
  Tensor value;
};

// Computes `outputs` (tensor names) and returns them in that order. The
// first failure stops the run: a node without a kernel ("node 'x' (op
// FooBar): no kernel for op FooBar"), a Placeholder without a feed ("input
// 'x' needs a value: pass --input x=file.npy"), a kernel error, or the
// budget. `budget` is charged for every tensor held and reports the peak.
StatusOr<std::vector<Tensor>> evaluate_graph(const tensorflow::GraphDef& graph, const std::vector<Feed>& feeds,
                                             const std::vector<std::string>& outputs, MemoryBudget& budget,
                                             const KernelTable& kernels = KernelTable::global());

// A node that could not be evaluated and why.
struct UnevaluatedNode {
  std::string node;
  std::string reason;
};

struct ConstantEvaluation {
  // One per requested tensor, in order; an invalid Tensor (is_valid() false)
  // where its node could not be evaluated.
  std::vector<Tensor> values;
  // Every needed node that could not be evaluated, in graph order: no kernel,
  // a Placeholder, a kernel error or the budget; or an input that could not
  // be evaluated.
  std::vector<UnevaluatedNode> unevaluated;
};

// For fold_constants: evaluates the given tensors without any feeds, going
// on past nodes that cannot be evaluated. Nodes for which `may_evaluate`
// returns false are treated as not evaluable (reason "excluded"). Fails only
// on a malformed request or graph (unknown tensor, missing input, cycle).
StatusOr<ConstantEvaluation> evaluate_constants(const tensorflow::GraphDef& graph,
                                                const std::vector<std::string>& tensors, MemoryBudget& budget,
                                                const KernelTable& kernels = KernelTable::global(),
                                                const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate = {});

}  // namespace mq
