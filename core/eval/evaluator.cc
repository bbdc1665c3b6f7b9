#include "core/eval/evaluator.h"

#include <algorithm>
#include <unordered_map>

#include "core/graph/graph_index.h"

namespace mq {

StatusOr<TensorName> parse_tensor_name(const std::string& name) {
  if (name.empty()) return Status::error("an empty tensor name");
  if (name[0] == '^') return Status::error("'" + name + "' names a control input, not a tensor");
  InputRef ref = parse_input(name);
  if (ref.node.empty()) return Status::error("tensor name '" + name + "' has no node name");
  return TensorName{std::string(ref.node), ref.port};
}

namespace {

std::string describe_node(const tensorflow::NodeDef& node) {
  return "node '" + node.name() + "' (op " + node.op() + ")";
}

// Counts each tensor buffer once against the budget, however many values
// share it (Identity and Reshape outputs share their input's bytes).
class BufferAccounting {
 public:
  explicit BufferAccounting(MemoryBudget& budget) : budget_(budget) {}
  ~BufferAccounting() {
    for (const auto& entry : buffers_) budget_.release(entry.second.bytes);
  }

  Status hold(const Tensor& tensor, const std::string& what) {
    const void* id = tensor.buffer_id();
    if (!id) return Status::ok();
    auto it = buffers_.find(id);
    if (it != buffers_.end()) {
      ++it->second.holders;
      return Status::ok();
    }
    unsigned long long bytes = tensor.byte_size();
    MQ_RETURN_IF_ERROR(budget_.reserve(bytes, what));
    buffers_.emplace(id, Entry{1, bytes});
    return Status::ok();
  }

  void drop(const Tensor& tensor) {
    auto it = buffers_.find(tensor.buffer_id());
    if (it == buffers_.end()) return;
    if (--it->second.holders == 0) {
      budget_.release(it->second.bytes);
      buffers_.erase(it);
    }
  }

 private:
  struct Entry {
    int holders;
    unsigned long long bytes;
  };
  MemoryBudget& budget_;
  std::unordered_map<const void*, Entry> buffers_;
};

// Both entry points: plan (needed nodes, order, use counts), then run.
class Execution {
 public:
  Execution(const tensorflow::GraphDef& graph, MemoryBudget& budget, const KernelTable& kernels)
      : graph_(graph), index_(graph), budget_(budget), kernels_(kernels), accounting_(budget) {}

  // Resolves requested tensors and feeds, and plans the run.
  Status plan(const std::vector<Feed>& feeds, const std::vector<std::string>& outputs);

  // Runs the planned nodes. With `keep_going`, failures are recorded per
  // node and the run goes on with the nodes that do not depend on them.
  Status run(bool keep_going, const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate);

  // The requested tensors (invalid where they could not be computed).
  std::vector<Tensor> take_outputs();
  std::vector<UnevaluatedNode> unevaluated() const;

 private:
  struct Source {
    int node;
    int port;
  };
  struct NodeState {
    bool needed = false;
    bool fed = false;
    bool failed = false;
    std::string failure;
    std::vector<Source> inputs;       // data inputs
    std::vector<int> remaining_uses;  // per output port
    std::vector<Tensor> values;       // per output port while alive
  };

  Status resolve_inputs(int node);
  Status run_node(int node, bool keep_going, const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate);
  Status fail(int node, const Status& status, bool keep_going);
  void use_up(const Source& source);

  const tensorflow::GraphDef& graph_;
  GraphIndex index_;
  MemoryBudget& budget_;
  const KernelTable& kernels_;
  BufferAccounting accounting_;
  std::vector<NodeState> nodes_;
  std::vector<Source> requested_;
  std::vector<int> order_;
};

// A value fed for a Placeholder must have its dtype and fit its shape attribute.
Status check_placeholder_feed(const tensorflow::NodeDef& node, const Tensor& value) {
  if (node.op() != "Placeholder" && node.op() != "PlaceholderV2" && node.op() != "PlaceholderWithDefault")
    return Status::ok();
  auto dtype = node.attr().find("dtype");
  if (dtype != node.attr().end() && dtype->second.value_case() == tensorflow::AttrValue::kType &&
      dtype->second.type() != value.dtype())
    return Status::error("input '" + node.name() + "' is " + dtype_name(dtype->second.type()) +
                         " but the value given is " + dtype_name(value.dtype()));
  auto shape = node.attr().find("shape");
  if (shape == node.attr().end() || shape->second.value_case() != tensorflow::AttrValue::kShape ||
      shape->second.shape().unknown_rank())
    return Status::ok();
  const tensorflow::TensorShapeProto& expected = shape->second.shape();
  bool fits = expected.dim_size() == value.rank();
  for (int i = 0; fits && i < expected.dim_size(); ++i)
    fits = expected.dim(i).size() < 0 || expected.dim(i).size() == value.dim(i);
  if (fits) return Status::ok();
  Shape wanted;
  for (const auto& dim : expected.dim()) wanted.push_back(dim.size());
  return Status::error("input '" + node.name() + "' has shape " + shape_string(wanted) +
                       " (-1: any size) but the value given has shape " + shape_string(value.shape()));
}

Status Execution::resolve_inputs(int node) {
  const tensorflow::NodeDef& def = graph_.node(node);
  NodeState& state = nodes_[node];
  for (const std::string& input : def.input()) {
    InputRef ref = parse_input(input);
    if (ref.control) continue;
    int producer = index_.index_of(ref.node);
    if (producer < 0) return Status::error(describe_node(def) + ": input '" + input + "' does not exist");
    state.inputs.push_back({producer, ref.port});
  }
  return Status::ok();
}

Status Execution::plan(const std::vector<Feed>& feeds, const std::vector<std::string>& outputs) {
  int n = index_.size();
  if (!index_.duplicate_names().empty())
    return Status::error("two nodes are named '" + index_.duplicate_names().front() + "'");
  nodes_.assign(static_cast<size_t>(n), NodeState());

  for (const Feed& feed : feeds) {
    MQ_ASSIGN_OR_RETURN(TensorName name, parse_tensor_name(feed.tensor));
    int node = index_.index_of(name.node);
    if (node < 0) return Status::error("fed tensor '" + feed.tensor + "': there is no node '" + name.node + "'");
    NodeState& state = nodes_[node];
    state.fed = true;
    if (state.values.size() <= static_cast<size_t>(name.port)) state.values.resize(name.port + 1);
    if (state.values[name.port].is_valid())
      return Status::error("tensor '" + feed.tensor + "' is fed more than once");
    if (!feed.value.is_valid()) return Status::error("the value fed for '" + feed.tensor + "' is empty");
    if (name.port == 0) MQ_RETURN_IF_ERROR(check_placeholder_feed(graph_.node(node), feed.value));
    state.values[name.port] = feed.value;
  }

  std::vector<int> stack;
  for (const std::string& output : outputs) {
    MQ_ASSIGN_OR_RETURN(TensorName name, parse_tensor_name(output));
    int node = index_.index_of(name.node);
    if (node < 0) return Status::error("requested output '" + output + "': there is no node '" + name.node + "'");
    requested_.push_back({node, name.port});
    stack.push_back(node);
  }

  // The needed nodes, walking data inputs without recursion.
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    NodeState& state = nodes_[node];
    if (state.needed) continue;
    state.needed = true;
    if (state.fed) continue;
    MQ_RETURN_IF_ERROR(resolve_inputs(node));
    for (const Source& source : state.inputs)
      if (!nodes_[source.node].needed) stack.push_back(source.node);
  }

  // Use counts per output port: consumers among the needed nodes, plus one
  // for each time a tensor is requested (requested tensors are never freed).
  auto count_use = [&](const Source& source) {
    std::vector<int>& uses = nodes_[source.node].remaining_uses;
    if (uses.size() <= static_cast<size_t>(source.port)) uses.resize(source.port + 1, 0);
    ++uses[source.port];
  };
  for (int node = 0; node < n; ++node)
    if (nodes_[node].needed && !nodes_[node].fed)
      for (const Source& source : nodes_[node].inputs) count_use(source);
  for (const Source& source : requested_) count_use(source);

  // Topological order of the needed nodes (Kahn; ties in graph order).
  std::vector<int> pending(static_cast<size_t>(n), 0);
  std::vector<std::vector<int>> consumers(static_cast<size_t>(n));
  for (int node = 0; node < n; ++node) {
    if (!nodes_[node].needed || nodes_[node].fed) continue;
    for (const Source& source : nodes_[node].inputs) {
      consumers[source.node].push_back(node);
      ++pending[node];
    }
  }
  for (int node = 0; node < n; ++node)
    if (nodes_[node].needed && pending[node] == 0) order_.push_back(node);
  for (size_t k = 0; k < order_.size(); ++k)
    for (int next : consumers[order_[k]])
      if (--pending[next] == 0) order_.push_back(next);
  for (int node = 0; node < n; ++node)
    if (nodes_[node].needed && pending[node] > 0)
      return Status::error("the graph has a cycle through " + describe_node(graph_.node(node)) +
                           "; loops cannot be evaluated");
  return Status::ok();
}

Status Execution::fail(int node, const Status& status, bool keep_going) {
  if (!keep_going) return status;
  nodes_[node].failed = true;
  nodes_[node].failure = status.message();
  return Status::ok();
}

void Execution::use_up(const Source& source) {
  NodeState& producer = nodes_[source.node];
  if (static_cast<size_t>(source.port) >= producer.remaining_uses.size()) return;
  if (--producer.remaining_uses[source.port] > 0) return;
  if (static_cast<size_t>(source.port) < producer.values.size()) {
    accounting_.drop(producer.values[source.port]);
    producer.values[source.port] = Tensor();
  }
}

Status Execution::run_node(int node, bool keep_going,
                           const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate) {
  const tensorflow::NodeDef& def = graph_.node(node);
  NodeState& state = nodes_[node];
  if (state.fed) {
    for (size_t port = 0; port < state.remaining_uses.size(); ++port) {
      if (state.remaining_uses[port] == 0) continue;
      if (port >= state.values.size() || !state.values[port].is_valid())
        return Status::error("tensor '" + format_input(def.name(), static_cast<int>(port)) +
                             "' is needed, but only other outputs of node '" + def.name() + "' were fed");
      MQ_RETURN_IF_ERROR(accounting_.hold(state.values[port], "the value fed for '" + def.name() + "'"));
    }
    for (size_t port = state.remaining_uses.size(); port < state.values.size(); ++port) state.values[port] = Tensor();
    return Status::ok();
  }

  // Gather inputs; a failed producer makes this node fail too.
  std::vector<Tensor> inputs;
  inputs.reserve(state.inputs.size());
  for (const Source& source : state.inputs) {
    const NodeState& producer = nodes_[source.node];
    const std::string& producer_name = graph_.node(source.node).name();
    if (producer.failed) {
      for (const Source& s : state.inputs) use_up(s);
      return fail(node, Status::error("input '" + producer_name + "' could not be evaluated"), keep_going);
    }
    if (static_cast<size_t>(source.port) >= producer.values.size() || !producer.values[source.port].is_valid()) {
      for (const Source& s : state.inputs) use_up(s);
      return fail(node,
                  Status::error(describe_node(def) + ": input '" + format_input(producer_name, source.port) +
                                "' has no value"),
                  keep_going);
    }
    inputs.push_back(producer.values[source.port]);
  }

  Status status;
  std::vector<Tensor> outputs(1);
  if (may_evaluate && !may_evaluate(def)) {
    status = Status::error("excluded");
  } else if (KernelFn kernel = kernels_.find(def.op())) {
    unsigned long long before = budget_.used();
    KernelContext context{def, inputs, outputs, budget_};
    status = kernel(context);
    budget_.release(budget_.used() > before ? budget_.used() - before : 0);
  } else {
    status = Status::unsupported(describe_node(def) + ": no kernel for op " + def.op());
  }

  if (status.is_ok()) {
    std::vector<int>& uses = state.remaining_uses;
    state.values.assign(uses.size(), Tensor());
    for (size_t port = 0; port < uses.size(); ++port) {
      if (uses[port] == 0) continue;
      if (port >= outputs.size() || !outputs[port].is_valid()) {
        status = Status::internal(describe_node(def) + ": the kernel produced no output " + std::to_string(port));
        break;
      }
      status = accounting_.hold(outputs[port], describe_node(def) + ": output " + std::to_string(port));
      if (!status.is_ok()) break;
      state.values[port] = std::move(outputs[port]);
    }
    if (!status.is_ok()) {
      for (const Tensor& value : state.values) accounting_.drop(value);
      state.values.clear();
    }
  }
  inputs.clear();
  for (const Source& source : state.inputs) use_up(source);
  if (!status.is_ok()) return fail(node, status, keep_going);
  return Status::ok();
}

Status Execution::run(bool keep_going, const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate) {
  for (int node : order_) MQ_RETURN_IF_ERROR(run_node(node, keep_going, may_evaluate));
  return Status::ok();
}

std::vector<Tensor> Execution::take_outputs() {
  std::vector<Tensor> out;
  out.reserve(requested_.size());
  for (const Source& source : requested_) {
    const NodeState& state = nodes_[source.node];
    bool present = !state.failed && static_cast<size_t>(source.port) < state.values.size();
    out.push_back(present ? state.values[source.port] : Tensor());
  }
  return out;
}

std::vector<UnevaluatedNode> Execution::unevaluated() const {
  std::vector<UnevaluatedNode> out;
  for (size_t node = 0; node < nodes_.size(); ++node)
    if (nodes_[node].failed) out.push_back({graph_.node(static_cast<int>(node)).name(), nodes_[node].failure});
  return out;
}

}  // namespace

StatusOr<std::vector<Tensor>> evaluate_graph(const tensorflow::GraphDef& graph, const std::vector<Feed>& feeds,
                                             const std::vector<std::string>& outputs, MemoryBudget& budget,
                                             const KernelTable& kernels) {
  Execution execution(graph, budget, kernels);
  MQ_RETURN_IF_ERROR(execution.plan(feeds, outputs));
  MQ_RETURN_IF_ERROR(execution.run(false, {}));
  return execution.take_outputs();
}

StatusOr<ConstantEvaluation> evaluate_constants(const tensorflow::GraphDef& graph,
                                                const std::vector<std::string>& tensors, MemoryBudget& budget,
                                                const KernelTable& kernels,
                                                const std::function<bool(const tensorflow::NodeDef&)>& may_evaluate) {
  Execution execution(graph, budget, kernels);
  MQ_RETURN_IF_ERROR(execution.plan({}, tensors));
  MQ_RETURN_IF_ERROR(execution.run(true, may_evaluate));
  ConstantEvaluation result;
  result.values = execution.take_outputs();
  result.unevaluated = execution.unevaluated();
  return result;
}

}  // namespace mq
