// fold_constants(clear_output_shapes=true, exclude_op=…, exclude_node=…,
// max_constant_size_in_bytes=10485760): replaces every sub-graph whose value
// does not depend on the --inputs by a Const holding that value, computed
// with our own kernels (core/eval). It reproduces the Graph Transform Tool's
// observable algorithm (transforms.md, fold_constants): import with registry
// defaults, feeds and fetches, the foldable set and its order, the names and
// encodings of the new constants, and the export, undo and prune steps.
// Nodes it cannot fold (no kernel in this build, stateful or random ops,
// results over the size limit) are left alone and reported.
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "core/eval/tensor_proto.h"
#include "core/graph/graph_index.h"
#include "core/graph/input_names.h"
#include "core/ops/graph_import.h"
#include "core/ops/op_registry.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

using tensorflow::NodeDef;

// tensor_content of at least this size is set aside while folding.
constexpr size_t kSetAsideBytes = 1024;

struct Endpoint {
  int node = -1;
  int port = 0;
};

enum class Role { kImported, kRecv, kSend, kFolded };

struct WorkNode {
  NodeDef def;  // inputs are regenerated from `data` and `control` at export
  Role role = Role::kImported;
  int original_index = -1;  // position in the input graph (imported nodes)
  std::vector<Endpoint> data;
  std::vector<int> control;
  std::vector<tensorflow::DataType> output_types;
  bool has_shape_hints = false;
  std::vector<tensorflow::TensorShapeProto> shape_hints;
  bool alive = true;
  std::string fed_tensor;  // for a _Recv: the fed tensor's node name
  int fed_port = 0;
};

// A statically known shape: unknown rank, or dims with -1 for unknown sizes.
struct StaticShape {
  bool known_rank = false;
  std::vector<int64_t> dims;

  bool fully_defined() const {
    if (!known_rank) return false;
    for (int64_t dim : dims)
      if (dim < 0) return false;
    return true;
  }
  static StaticShape unknown() { return {}; }
  static StaticShape of(const Shape& shape) { return {true, shape}; }
  static StaticShape from_proto(const tensorflow::TensorShapeProto& proto) {
    if (proto.unknown_rank()) return unknown();
    StaticShape shape{true, {}};
    for (const auto& dim : proto.dim()) shape.dims.push_back(dim.size() < 0 ? -1 : dim.size());
    return shape;
  }
};

enum class NotFoldedReason { kNone, kNoKernel, kStateful, kTooLarge };

struct FoldState {
  bool foldable = false;
  bool shape_folded = false;       // Shape/ShapeN/Size/Rank computed from static shapes
  bool evaluated = false;          // `values` or `failure` is set
  std::vector<Tensor> values;      // per output port
  std::string failure;             // why the value could not be computed
  std::vector<StaticShape> shapes;  // per output port
  std::set<int> control_deps;      // non-foldable nodes the folded value must still wait for
  NotFoldedReason reason = NotFoldedReason::kNone;
};

bool is_control_flow(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {
      "Switch", "RefSwitch", "_SwitchN", "Merge", "RefMerge", "_XlaMerge", "Enter", "RefEnter",
      "Exit",   "RefExit",   "NextIteration", "RefNextIteration"};
  return kOps.count(op) > 0;
}

bool is_never_foldable(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {
      "_Send",          "_Recv",          "_HostSend", "_HostRecv", "GetSessionHandle", "GetSessionHandleV2",
      "GetSessionTensor", "DeleteSessionTensor", "_SOURCE", "_SINK", "FakeParam"};
  return kOps.count(op) > 0 || is_control_flow(op);
}

bool is_shape_op(const std::string& op) { return op == "Shape" || op == "ShapeN" || op == "Size" || op == "Rank"; }

// Ops whose output shape TensorFlow cannot know before running them.
bool has_data_dependent_shape(const std::string& op) { return op == "Where"; }

// Ops whose output 0 has the shape of their data input 0.
bool keeps_input_shape(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {
      "Identity", "StopGradient", "Snapshot", "CheckNumerics", "Relu",    "Relu6",   "Elu",      "Selu",
      "Sigmoid",  "Tanh",         "Abs",      "Neg",           "Sqrt",    "Rsqrt",   "Square",   "Exp",
      "Log",      "Log1p",        "Reciprocal", "Sign",        "Floor",   "Ceil",    "Round",    "Erf",
      "Softplus", "LeakyRelu",    "Cast",     "Softmax",       "LogSoftmax", "ZerosLike", "OnesLike", "BiasAdd"};
  return kOps.count(op) > 0;
}

std::string join_names(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > limit) out += ", …";
  return out;
}

// Large tensor_content bytes of the input's Consts are set aside before the
// graph is imported, so the folder works on a copy without them; a Const
// that is evaluated adopts its bytes without copying, and a folded value
// large enough to go into tensor_content is written only once the pruned
// output is known, moved rather than copied when nothing else shares it.
// When folding fails, the bytes go back where they were.
class ConstantFolder {
 public:
  ConstantFolder(tensorflow::GraphDef& original, TransformContext& ctx) : original_(original), ctx_(ctx) {}

  Status run(tensorflow::GraphDef* out);

 private:
  void set_aside_contents();
  void restore_contents();
  StatusOr<Tensor> const_value(const WorkNode& work);
  void fill_contents(tensorflow::GraphDef* out);
  Status read_parameters();
  Status import();
  Status add_feeds_and_fetches();
  void remove_nodes_without_fetch();
  Status find_foldable_nodes();
  void decide(int node);
  bool try_shape_fold(int node);
  void evaluate(int node);
  StaticShape static_shape(const Endpoint& tensor);
  Status replace_folded_tensors();
  tensorflow::GraphDef export_graph() const;
  Status undo_feeds_and_prune(const tensorflow::GraphDef& exported, tensorflow::GraphDef* out) const;
  void report(const tensorflow::GraphDef& out);

  int add_node(WorkNode node) {
    int index = static_cast<int>(nodes_.size());
    index_by_name_[node.def.name()] = index;
    nodes_.push_back(std::move(node));
    return index;
  }
  const std::string& name_of(int node) const { return nodes_[node].def.name(); }

  tensorflow::GraphDef& original_;
  TransformContext& ctx_;

  // By node index in `original_`: tensor_content bytes set aside, and the
  // tensors that adopted them when the Const was evaluated.
  std::unordered_map<int, std::string> set_aside_;
  std::unordered_map<int, Tensor> adopted_;
  // Folded values whose tensor_content is written by fill_contents(), by the
  // name of the Const that will hold them.
  std::unordered_map<std::string, Tensor> pending_contents_;

  bool clear_output_shapes_ = true;
  std::set<std::string> exclude_ops_;
  std::set<std::string> exclude_nodes_;
  int64_t max_constant_bytes_ = 10485760;

  std::vector<WorkNode> nodes_;
  std::unordered_map<std::string, int> index_by_name_;
  std::vector<std::string> fed_nodes_;  // node names of --inputs, first occurrence order
  std::vector<FoldState> states_;
  int unique_id_ = 0;      // the "__cf__<m>" counter
  int name_counter_ = 0;   // the "/_<k>" counter
  int constants_created_ = 0;
  int shape_constants_ = 0;
  std::vector<std::string> too_large_results_;
  MemoryBudget budget_;
};

Status ConstantFolder::read_parameters() {
  MQ_ASSIGN_OR_RETURN(clear_output_shapes_, ctx_.get_bool("clear_output_shapes", true));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> ops, ctx_.get_list("exclude_op"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> names, ctx_.get_list("exclude_node"));
  exclude_ops_.insert(ops.begin(), ops.end());
  exclude_nodes_.insert(names.begin(), names.end());
  MQ_ASSIGN_OR_RETURN(max_constant_bytes_, ctx_.get_int("max_constant_size_in_bytes", 10485760));
  return Status::ok();
}

Status ConstantFolder::import() {
  ImportOptions options;
  options.clear_output_shapes = clear_output_shapes_;
  MQ_ASSIGN_OR_RETURN(ImportedGraph imported, import_graph(original_, options));
  nodes_.reserve(imported.nodes.size() + ctx_.input_names().size() + ctx_.output_names().size() + 16);
  for (ImportedNode& node : imported.nodes) {
    WorkNode work;
    work.def = std::move(node.def);
    work.original_index = node.original_index;
    work.def.clear_input();
    for (const ImportedInput& input : node.data_inputs) work.data.push_back({input.node, input.port});
    work.control = std::move(node.control_inputs);
    work.output_types = std::move(node.output_types);
    work.has_shape_hints = node.has_shape_hints;
    work.shape_hints = std::move(node.shape_hints);
    add_node(std::move(work));
  }
  return Status::ok();
}

Status ConstantFolder::add_feeds_and_fetches() {
  const std::vector<std::string>& inputs = ctx_.input_names();
  const std::vector<std::string>& outputs = ctx_.output_names();
  if (outputs.empty()) return Status::error("Must specify at least one target to fetch or execute.");
  auto canonical = [](const std::string& name) {
    InputRef ref = parse_input(name);
    return std::string(ref.node) + ":" + std::to_string(ref.port);
  };
  std::set<std::string> fed;
  for (const std::string& input : inputs)
    if (!fed.insert(canonical(input)).second) return Status::error("Endpoint \"" + input + "\" fed more than once.");
  for (const std::string& output : outputs)
    if (fed.count(canonical(output))) return Status::error(output + " is both fed and fetched.");

  const int imported_count = static_cast<int>(nodes_.size());
  for (const std::string& input : inputs) {
    InputRef ref = parse_input(input);
    std::string node_name(ref.node);
    auto found = index_by_name_.find(node_name);
    if (found == index_by_name_.end() || found->second >= imported_count || ref.port < 0 ||
        static_cast<size_t>(ref.port) >= nodes_[found->second].output_types.size())
      return Status::error("FeedInputs: unable to find feed output " + input);
    const int fed_node = found->second;
    if (std::find(fed_nodes_.begin(), fed_nodes_.end(), node_name) == fed_nodes_.end())
      fed_nodes_.push_back(node_name);
    WorkNode recv;
    recv.role = Role::kRecv;
    recv.def.set_name("_recv_" + node_name + "_" + std::to_string(ref.port));
    recv.def.set_op("_Recv");
    recv.output_types = {nodes_[fed_node].output_types[static_cast<size_t>(ref.port)]};
    recv.fed_tensor = node_name;
    recv.fed_port = ref.port;
    const int recv_index = add_node(std::move(recv));
    const bool move_control_edges = nodes_[fed_node].def.op() == "Placeholder";
    for (int i = 0; i < imported_count; ++i) {
      for (Endpoint& source : nodes_[i].data)
        if (source.node == fed_node && source.port == ref.port) source = {recv_index, 0};
      if (move_control_edges)
        for (int& source : nodes_[i].control)
          if (source == fed_node) source = recv_index;
    }
  }
  for (const std::string& output : outputs) {
    InputRef ref = parse_input(output);
    auto found = index_by_name_.find(std::string(ref.node));
    if (found == index_by_name_.end() || ref.port < 0 ||
        static_cast<size_t>(ref.port) >= nodes_[found->second].output_types.size())
      return Status::error("FetchOutputs node " + output + ": not found");
    WorkNode send;
    send.role = Role::kSend;
    send.def.set_name("_send_" + std::string(ref.node) + "_" + std::to_string(ref.port));
    send.def.set_op("_Send");
    send.data.push_back({found->second, ref.port});
    add_node(std::move(send));
  }
  // Control inputs may now name the same _Recv twice.
  for (WorkNode& node : nodes_) {
    std::vector<int> unique;
    for (int source : node.control)
      if (std::find(unique.begin(), unique.end(), source) == unique.end()) unique.push_back(source);
    node.control = std::move(unique);
  }
  return Status::ok();
}

void ConstantFolder::remove_nodes_without_fetch() {
  std::vector<bool> reaches(nodes_.size(), false);
  std::vector<int> stack;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].role == Role::kSend) stack.push_back(static_cast<int>(i));
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    if (reaches[node]) continue;
    reaches[node] = true;
    for (const Endpoint& source : nodes_[node].data) stack.push_back(source.node);
    for (int source : nodes_[node].control) stack.push_back(source);
  }
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i].alive = reaches[i];
}

StaticShape ConstantFolder::static_shape(const Endpoint& tensor) {
  const FoldState& state = states_[tensor.node];
  if (static_cast<size_t>(tensor.port) < state.shapes.size()) return state.shapes[tensor.port];
  return StaticShape::unknown();
}

// Recursion depth: decide() runs in post-order and evaluates every foldable
// node it meets, so by the time a node is evaluated its foldable producers
// already are (or are Consts, evaluated here without going further); a
// 100,000-node chain recurses one level at a time (tests/core/graph/
// deep_graph_test.cc).
void ConstantFolder::evaluate(int node) {
  FoldState& state = states_[node];
  if (state.evaluated) return;
  state.evaluated = true;
  const WorkNode& work = nodes_[node];
  if (work.def.op() == "Const") {
    auto value = work.def.attr().find("value");
    if (value == work.def.attr().end() || value->second.value_case() != tensorflow::AttrValue::kTensor) {
      state.failure = "node '" + work.def.name() + "' (op Const) has no tensor 'value'";
      return;
    }
    StatusOr<Tensor> tensor = const_value(work);
    if (!tensor.is_ok()) {
      state.failure = "node '" + work.def.name() + "' (op Const): " + tensor.status().message();
      return;
    }
    state.values = {std::move(*tensor)};
    return;
  }
  std::vector<Tensor> inputs;
  for (const Endpoint& source : work.data) {
    evaluate(source.node);
    const FoldState& producer = states_[source.node];
    if (!producer.failure.empty()) {
      state.failure = producer.failure;
      return;
    }
    if (static_cast<size_t>(source.port) >= producer.values.size() || !producer.values[source.port].is_valid()) {
      state.failure = "node '" + name_of(source.node) + "' produced no output " + std::to_string(source.port);
      return;
    }
    inputs.push_back(producer.values[source.port]);
  }
  if (work.def.op() == "Placeholder") {
    std::string message = "You must feed a value for placeholder tensor '" + work.def.name() + "' with dtype " +
                          dtype_name(work.output_types.empty() ? tensorflow::DT_INVALID : work.output_types[0]);
    auto shape = work.def.attr().find("shape");
    if (shape != work.def.attr().end() && shape->second.has_shape() && !shape->second.shape().unknown_rank()) {
      message += " and shape [";
      const auto& dims = shape->second.shape().dim();
      for (int i = 0; i < dims.size(); ++i)
        message += (i ? "," : "") + (dims[i].size() < 0 ? std::string("?") : std::to_string(dims[i].size()));
      message += "]";
    }
    state.failure = message;
    return;
  }
  KernelFn kernel = KernelTable::global().find(work.def.op());
  std::vector<Tensor> outputs(1);
  KernelContext context{work.def, inputs, outputs, budget_};
  unsigned long long before = budget_.used();
  Status status = kernel(context);
  budget_.release(budget_.used() > before ? budget_.used() - before : 0);
  if (status.code() == StatusCode::kUnsupported) {
    state.reason = NotFoldedReason::kNoKernel;
    state.failure = status.message();
    return;
  }
  if (status.code() == StatusCode::kResourceExhausted) {
    state.reason = NotFoldedReason::kTooLarge;
    state.failure = status.message();
    return;
  }
  if (!status.is_ok()) {
    state.failure = status.message();
    return;
  }
  outputs.resize(work.output_types.size());
  state.values = std::move(outputs);
}

bool ConstantFolder::try_shape_fold(int node) {
  const WorkNode& work = nodes_[node];
  const std::string& op = work.def.op();
  std::vector<StaticShape> input_shapes;
  for (const Endpoint& source : work.data) input_shapes.push_back(static_shape(source));
  if (input_shapes.empty()) return false;
  for (const StaticShape& shape : input_shapes) {
    if (op == "Rank" ? !shape.known_rank : !shape.fully_defined()) return false;
  }
  tensorflow::DataType out_type = tensorflow::DT_INT32;
  auto found = work.def.attr().find("out_type");
  if (op != "Rank" && found != work.def.attr().end()) out_type = found->second.type();
  if (out_type != tensorflow::DT_INT32 && out_type != tensorflow::DT_INT64) return false;
  const int64_t int32_max = std::numeric_limits<int32_t>::max();

  std::vector<Tensor> values;
  auto make_vector = [&](const std::vector<int64_t>& numbers, bool scalar) -> bool {
    Shape shape = scalar ? Shape{} : Shape{static_cast<int64_t>(numbers.size())};
    Tensor tensor(out_type, shape);
    for (size_t i = 0; i < numbers.size(); ++i) {
      if (out_type == tensorflow::DT_INT32) {
        if (numbers[i] > int32_max) return false;
        tensor.data<int32_t>()[i] = static_cast<int32_t>(numbers[i]);
      } else {
        tensor.data<int64_t>()[i] = numbers[i];
      }
    }
    values.push_back(std::move(tensor));
    return true;
  };
  if (op == "Shape" || op == "ShapeN") {
    for (const StaticShape& shape : input_shapes)
      if (!make_vector(shape.dims, false)) return false;
  } else if (op == "Size") {
    int64_t elements = num_elements(input_shapes[0].dims);
    if (elements < 0 || !make_vector({elements}, true)) return false;
  } else {
    out_type = tensorflow::DT_INT32;
    if (!make_vector({static_cast<int64_t>(input_shapes[0].dims.size())}, true)) return false;
  }
  FoldState& state = states_[node];
  state.values = std::move(values);
  state.evaluated = true;
  state.shape_folded = true;
  unique_id_ += static_cast<int>(state.values.size());
  shape_constants_ += static_cast<int>(state.values.size());
  return true;
}

void ConstantFolder::decide(int node) {
  const WorkNode& work = nodes_[node];
  FoldState& state = states_[node];
  const std::string& op = work.def.op();
  const size_t port_count = work.output_types.size();

  // The control dependencies a folded value inherits: control edges from
  // outside the folded region, through every foldable producer.
  auto collect_control_deps = [&](bool data_producers_too) {
    for (const Endpoint& source : work.data) {
      if (states_[source.node].foldable) {
        state.control_deps.insert(states_[source.node].control_deps.begin(), states_[source.node].control_deps.end());
      } else if (data_producers_too) {
        state.control_deps.insert(source.node);
      }
    }
    for (int source : work.control) {
      if (states_[source].foldable) {
        state.control_deps.insert(states_[source].control_deps.begin(), states_[source].control_deps.end());
      } else {
        state.control_deps.insert(source);
      }
    }
  };
  auto keep_static_shapes = [&]() {
    state.shapes.assign(port_count, StaticShape::unknown());
    if (work.has_shape_hints) {
      for (size_t port = 0; port < port_count && port < work.shape_hints.size(); ++port)
        state.shapes[port] = StaticShape::from_proto(work.shape_hints[port]);
      return;
    }
    if (work.role == Role::kRecv) {
      // A fed tensor keeps what was known about it before it was fed.
      const WorkNode& fed = nodes_[index_by_name_.at(work.fed_tensor)];
      if (fed.has_shape_hints && static_cast<size_t>(work.fed_port) < fed.shape_hints.size()) {
        state.shapes[0] = StaticShape::from_proto(fed.shape_hints[work.fed_port]);
      } else if (fed.def.op() == "Placeholder" || fed.def.op() == "PlaceholderWithDefault") {
        auto shape = fed.def.attr().find("shape");
        if (shape != fed.def.attr().end() && shape->second.has_shape())
          state.shapes[0] = StaticShape::from_proto(shape->second.shape());
      }
      return;
    }
    if (op == "Const") {
      auto value = work.def.attr().find("value");
      if (value != work.def.attr().end() && value->second.has_tensor() && port_count > 0)
        state.shapes[0] = StaticShape::from_proto(value->second.tensor().tensor_shape());
      return;
    }
    if (op == "Placeholder" || op == "PlaceholderWithDefault") {
      auto shape = work.def.attr().find("shape");
      if (shape != work.def.attr().end() && shape->second.has_shape() && port_count > 0)
        state.shapes[0] = StaticShape::from_proto(shape->second.shape());
      return;
    }
    if (state.foldable && state.evaluated && state.failure.empty() && !has_data_dependent_shape(op)) {
      for (size_t port = 0; port < port_count && port < state.values.size(); ++port)
        if (state.values[port].is_valid()) state.shapes[port] = StaticShape::of(state.values[port].shape());
      return;
    }
    if (keeps_input_shape(op) && !work.data.empty() && port_count > 0) state.shapes[0] = static_shape(work.data[0]);
  };

  if (work.role != Role::kImported) {
    keep_static_shapes();
    return;
  }
  if (op == "Const") {
    auto dtype = work.def.attr().find("dtype");
    state.foldable = dtype == work.def.attr().end() || dtype->second.type() != tensorflow::DT_RESOURCE;
    if (state.foldable) collect_control_deps(false);
    keep_static_shapes();
    return;
  }
  if (is_shape_op(op) && try_shape_fold(node)) {
    state.foldable = true;
    collect_control_deps(true);
    state.shapes.clear();
    for (const Tensor& value : state.values) state.shapes.push_back(StaticShape::of(value.shape()));
    return;
  }
  bool inputs_foldable = true;
  for (const Endpoint& source : work.data) inputs_foldable = inputs_foldable && states_[source.node].foldable;
  const tensorflow::OpDef* op_def = find_op_def(op, original_.library());
  if (!inputs_foldable || is_never_foldable(op) || exclude_ops_.count(op) || exclude_nodes_.count(work.def.name()) ||
      work.def.attr().count("_scoped_allocator")) {
    keep_static_shapes();
    return;
  }
  if (op_def != nullptr && op_def->is_stateful()) {
    state.reason = NotFoldedReason::kStateful;
    keep_static_shapes();
    return;
  }
  if (KernelTable::global().find(op) == nullptr) {
    state.reason = NotFoldedReason::kNoKernel;
    keep_static_shapes();
    return;
  }
  evaluate(node);
  if (state.reason != NotFoldedReason::kNone) {  // the kernel cannot handle these inputs, or the budget ran out
    state.values.clear();
    state.failure.clear();
    state.evaluated = false;
    keep_static_shapes();
    return;
  }
  if (state.failure.empty() && !has_data_dependent_shape(op)) {
    for (const Tensor& value : state.values) {
      if (value.is_valid() && static_cast<int64_t>(value.byte_size()) > max_constant_bytes_) {
        state.reason = NotFoldedReason::kTooLarge;
        state.values.clear();
        state.evaluated = false;
        keep_static_shapes();
        return;
      }
    }
  }
  state.foldable = true;
  collect_control_deps(false);
  keep_static_shapes();
}

Status ConstantFolder::find_foldable_nodes() {
  states_.assign(nodes_.size(), FoldState());
  // Post-order of a depth-first search from the sink (every node nobody
  // consumes) through inputs; each node's inputs are pushed sorted by name,
  // so they are explored in descending name order.
  std::vector<bool> consumed(nodes_.size(), false);
  for (const WorkNode& node : nodes_) {
    if (!node.alive) continue;
    for (const Endpoint& source : node.data) consumed[source.node] = true;
    for (int source : node.control) consumed[source] = true;
  }
  auto by_name = [&](int a, int b) { return name_of(a) < name_of(b); };
  std::vector<int> sink_inputs;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].alive && !consumed[i]) sink_inputs.push_back(static_cast<int>(i));
  std::stable_sort(sink_inputs.begin(), sink_inputs.end(), by_name);

  struct Work {
    int node;
    bool leave;
  };
  std::vector<Work> stack;
  for (int node : sink_inputs) stack.push_back({node, false});
  std::vector<bool> visited(nodes_.size(), false);
  while (!stack.empty()) {
    Work work = stack.back();
    stack.pop_back();
    if (work.leave) {
      decide(work.node);
      continue;
    }
    if (visited[work.node]) continue;
    visited[work.node] = true;
    stack.push_back({work.node, true});
    std::vector<int> inputs;
    for (const Endpoint& source : nodes_[work.node].data) inputs.push_back(source.node);
    for (int source : nodes_[work.node].control) inputs.push_back(source);
    std::stable_sort(inputs.begin(), inputs.end(), by_name);
    for (int input : inputs)
      if (!visited[input]) stack.push_back({input, false});
  }
  return Status::ok();
}

Status ConstantFolder::replace_folded_tensors() {
  // Outputs of foldable nodes read by a node that is not foldable.
  std::set<std::pair<std::string, int>> to_replace;
  for (size_t consumer = 0; consumer < nodes_.size(); ++consumer) {
    if (!nodes_[consumer].alive || states_[consumer].foldable) continue;
    for (const Endpoint& source : nodes_[consumer].data)
      if (states_[source.node].foldable) to_replace.insert({name_of(source.node), source.port});
  }
  // Data edges by producer, to rewire the consumers of each replaced output.
  std::unordered_map<int, std::vector<std::pair<int, size_t>>> readers;  // producer → (consumer, slot)
  for (size_t consumer = 0; consumer < nodes_.size(); ++consumer) {
    if (!nodes_[consumer].alive) continue;
    for (size_t slot = 0; slot < nodes_[consumer].data.size(); ++slot)
      readers[nodes_[consumer].data[slot].node].emplace_back(static_cast<int>(consumer), slot);
  }
  bool any_computed = false;
  for (const auto& [name, port] : to_replace) any_computed = any_computed || nodes_[index_by_name_.at(name)].def.op() != "Const";
  if (!any_computed) return Status::ok();
  states_.reserve(states_.size() + to_replace.size());

  for (const auto& [name, port] : to_replace) {
    const int node = index_by_name_.at(name);
    if (nodes_[node].def.op() == "Const") continue;
    FoldState& state = states_[node];
    if (!state.evaluated) evaluate(node);
    if (!state.failure.empty()) return Status::error(state.failure);
    if (static_cast<size_t>(port) >= state.values.size() || !state.values[port].is_valid())
      return Status::internal("fold_constants: node '" + name + "' (op " + nodes_[node].def.op() +
                              ") produced no output " + std::to_string(port));
    const Tensor& value = state.values[port];
    if (static_cast<int64_t>(value.byte_size()) > max_constant_bytes_) {
      too_large_results_.push_back(format_input(name, port));
      continue;
    }
    WorkNode constant;
    constant.role = Role::kFolded;
    constant.def.set_name(name + "/_" + std::to_string(name_counter_++) + "__cf__" + std::to_string(unique_id_++));
    constant.def.set_op("Const");
    (*constant.def.mutable_attr())["dtype"].set_type(value.dtype());
    tensorflow::TensorProto* proto = (*constant.def.mutable_attr())["value"].mutable_tensor();
    if (value.dtype() != tensorflow::DT_STRING && value.num_elements() > 1 && value.byte_size() >= kSetAsideBytes) {
      // What tensor_to_proto_for_attr writes, with the bytes to come.
      proto->set_dtype(value.dtype());
      shape_to_proto(value.shape(), proto->mutable_tensor_shape());
      pending_contents_[constant.def.name()] = value;
    } else {
      tensor_to_proto_for_attr(value, proto);
    }
    constant.output_types = {value.dtype()};
    constant.control.assign(state.control_deps.begin(), state.control_deps.end());
    const int constant_index = add_node(std::move(constant));
    states_.emplace_back();
    for (const auto& [consumer, slot] : readers[node]) {
      Endpoint& source = nodes_[consumer].data[slot];
      if (source.node == node && source.port == port) source = {constant_index, 0};
    }
    ++constants_created_;
  }
  return Status::ok();
}

tensorflow::GraphDef ConstantFolder::export_graph() const {
  tensorflow::GraphDef exported;
  for (const WorkNode& node : nodes_) {
    if (!node.alive || node.role == Role::kRecv || node.role == Role::kSend) continue;
    NodeDef* out = exported.add_node();
    *out = node.def;
    // Inputs as TensorFlow writes them back; a fed tensor is named with its port.
    for (const Endpoint& source : node.data) {
      const WorkNode& producer = nodes_[source.node];
      if (producer.role == Role::kRecv) {
        out->add_input(producer.fed_tensor + ":" + std::to_string(producer.fed_port));
      } else {
        out->add_input(format_input(producer.def.name(), source.port));
      }
    }
    std::vector<int> control = node.control;
    std::sort(control.begin(), control.end(), [&](int a, int b) { return name_of(a) < name_of(b); });
    std::vector<std::string> written;
    for (int source : control) {
      const WorkNode& producer = nodes_[source];
      std::string input = "^" + (producer.role == Role::kRecv ? producer.fed_tensor : producer.def.name());
      if (std::find(written.begin(), written.end(), input) == written.end()) written.push_back(input);
    }
    for (const std::string& input : written) out->add_input(input);
  }
  return exported;
}

Status ConstantFolder::undo_feeds_and_prune(const tensorflow::GraphDef& exported, tensorflow::GraphDef* out) const {
  tensorflow::GraphDef graph = exported;
  // Fed nodes that lost every consumer come back as they were in the input.
  for (const std::string& fed : fed_nodes_) {
    bool present = false;
    for (const NodeDef& node : graph.node()) present = present || node.name() == fed;
    if (present) continue;
    for (const NodeDef& node : original_.node())
      if (node.name() == fed) *graph.add_node() = node;
  }

  std::unordered_map<std::string, int> index;
  for (int i = 0; i < graph.node_size(); ++i) index[graph.node(i).name()] = i;
  std::set<std::string> fed(fed_nodes_.begin(), fed_nodes_.end());
  std::set<std::string> kept(fed.begin(), fed.end());
  std::vector<std::string> current;
  for (const std::string& output : ctx_.output_names()) current.push_back(node_name_from_input(output));
  while (!current.empty()) {
    std::set<std::string> next;
    for (const std::string& name : current) {
      if (fed.count(name)) continue;
      kept.insert(name);
      auto found = index.find(name);
      if (found == index.end())
        return Status::error("Bad graph structure, no node named '" + name + "' found for input lookup");
      for (const std::string& input : graph.node(found->second).input()) {
        std::string producer = node_name_from_input(input);
        if (!kept.count(producer)) next.insert(producer);
      }
    }
    current.assign(next.begin(), next.end());
  }

  out->Clear();
  for (const NodeDef& node : graph.node()) {
    if (!kept.count(node.name())) continue;
    NodeDef* copy = out->add_node();
    *copy = node;
    if (!fed.count(node.name())) continue;
    if (node.op() == "PlaceholderWithDefault") {
      copy->set_op("Placeholder");
      copy->clear_input();
    } else if (node.op() != "Placeholder") {
      return Status::error("Input '" + node.name() + "' was expected to be a Placeholder or PlaceholderWithDefault op, but was " +
                           node.op());
    }
  }
  return Status::ok();
}

void ConstantFolder::report(const tensorflow::GraphDef& out) {
  std::map<NotFoldedReason, std::vector<std::pair<std::string, std::string>>> not_folded;  // reason → (name, op)
  for (size_t i = 0; i < states_.size() && i < nodes_.size(); ++i)
    if (nodes_[i].alive && states_[i].reason != NotFoldedReason::kNone)
      not_folded[states_[i].reason].emplace_back(nodes_[i].def.name(), nodes_[i].def.op());
  for (const auto& [reason, nodes] : not_folded) {
    std::set<std::string> ops;
    std::vector<std::string> names;
    for (const auto& [name, op] : nodes) {
      ops.insert(op);
      names.push_back(name);
    }
    std::string op_list;
    for (const std::string& op : ops) op_list += (op_list.empty() ? "" : ", ") + op;
    const char* why = reason == NotFoldedReason::kNoKernel  ? "no kernel for these ops or dtypes in this build"
                      : reason == NotFoldedReason::kStateful ? "stateful or random ops"
                                                             : "results larger than max_constant_size_in_bytes";
    ctx_.warn("not folded: " + std::to_string(nodes.size()) + (nodes.size() == 1 ? " node: " : " nodes: ") + op_list +
              " (" + why + "): " + join_names(names, 5));
    ctx_.add_count(reason == NotFoldedReason::kNoKernel  ? "nodes not folded: no kernel"
                   : reason == NotFoldedReason::kStateful ? "nodes not folded: stateful"
                                                          : "nodes not folded: too large",
                   static_cast<int64_t>(nodes.size()));
  }
  if (!too_large_results_.empty())
    ctx_.warn("not folded: " + std::to_string(too_large_results_.size()) +
              " computed results larger than max_constant_size_in_bytes=" + std::to_string(max_constant_bytes_) +
              ": " + join_names(too_large_results_, 5));

  std::unordered_set<std::string> remaining;
  int created_kept = 0;
  for (const NodeDef& node : out.node()) remaining.insert(node.name());
  for (const WorkNode& node : nodes_)
    if (node.role == Role::kFolded && remaining.count(node.def.name())) ++created_kept;
  int removed = 0;
  for (const NodeDef& node : original_.node()) removed += remaining.count(node.name()) ? 0 : 1;
  ctx_.add_count("constants created", created_kept);
  ctx_.add_count("nodes removed", removed);
  if (shape_constants_ > 0) ctx_.add_count("shapes known statically", shape_constants_);
}

void ConstantFolder::set_aside_contents() {
  for (int i = 0; i < original_.node_size(); ++i) {
    NodeDef& node = *original_.mutable_node(i);
    if (node.op() != "Const") continue;
    auto value = node.mutable_attr()->find("value");
    if (value == node.mutable_attr()->end() || !value->second.has_tensor()) continue;
    std::string* content = value->second.mutable_tensor()->mutable_tensor_content();
    if (content->size() < kSetAsideBytes) continue;
    set_aside_[i].swap(*content);
  }
}

// The bytes go back into the input graph's Consts (on failure).
void ConstantFolder::restore_contents() {
  for (auto& [index, tensor] : adopted_) set_aside_[index] = Tensor::take_bytes(std::move(tensor));
  adopted_.clear();
  for (auto& [index, bytes] : set_aside_)
    (*original_.mutable_node(index)->mutable_attr())["value"].mutable_tensor()->mutable_tensor_content()->swap(bytes);
  set_aside_.clear();
}

// A Const's value; bytes set aside are adopted, not copied.
StatusOr<Tensor> ConstantFolder::const_value(const WorkNode& work) {
  const tensorflow::TensorProto& proto = work.def.attr().at("value").tensor();
  auto set_aside = set_aside_.find(work.original_index);
  if (work.role != Role::kImported || set_aside == set_aside_.end() || set_aside->second.empty())
    return tensor_from_proto(proto);
  tensorflow::TensorProto whole = proto;
  whole.mutable_tensor_content()->swap(set_aside->second);
  StatusOr<Tensor> tensor = tensor_from_proto(std::move(whole));
  // Bytes the tensor did not adopt (a failure, bools) stay set aside.
  set_aside->second.swap(*whole.mutable_tensor_content());
  if (tensor.is_ok() && set_aside->second.empty()) adopted_[work.original_index] = *tensor;
  return tensor;
}

// Puts the bytes into the Consts of the pruned output: those of input Consts
// that survive go back to them, folded values are written out; bytes of
// Consts that were pruned are released first, so that a folded value that
// shared them (an Identity of a Const) takes them over without a copy.
void ConstantFolder::fill_contents(tensorflow::GraphDef* out) {
  std::unordered_map<std::string, int> output_index;
  for (int i = 0; i < out->node_size(); ++i) output_index[out->node(i).name()] = i;
  auto content_of = [&](int index) {
    return (*out->mutable_node(index)->mutable_attr())["value"].mutable_tensor()->mutable_tensor_content();
  };
  std::vector<std::pair<int, int>> kept;  // (input index, output index) of surviving Consts
  std::vector<int> pruned;
  for (const auto& [index, bytes] : set_aside_) {
    auto found = output_index.find(original_.node(index).name());
    if (found != output_index.end()) {
      kept.emplace_back(index, found->second);
    } else {
      pruned.push_back(index);
    }
  }
  for (int index : pruned) {
    set_aside_.erase(index);
    adopted_.erase(index);
  }
  for (auto& [name, value] : pending_contents_) {
    auto found = output_index.find(name);
    if (found != output_index.end()) *content_of(found->second) = Tensor::take_bytes(std::move(value));
  }
  pending_contents_.clear();
  for (const auto& [index, at] : kept) {
    auto adopted = adopted_.find(index);
    if (adopted != adopted_.end()) {
      *content_of(at) = Tensor::take_bytes(std::move(adopted->second));
    } else {
      content_of(at)->swap(set_aside_[index]);
    }
  }
  set_aside_.clear();
  adopted_.clear();
}

Status ConstantFolder::run(tensorflow::GraphDef* out) {
  MQ_RETURN_IF_ERROR(read_parameters());
  set_aside_contents();
  Status status = [&]() -> Status {
    MQ_RETURN_IF_ERROR(import());
    MQ_RETURN_IF_ERROR(add_feeds_and_fetches());
    remove_nodes_without_fetch();
    MQ_RETURN_IF_ERROR(find_foldable_nodes());
    MQ_RETURN_IF_ERROR(replace_folded_tensors());
    // The evaluated values are no longer needed (the pending contents and
    // the adopted bytes hold what is still to be written).
    for (FoldState& state : states_) state.values.clear();
    return undo_feeds_and_prune(export_graph(), out);
  }();
  if (!status.is_ok()) {
    pending_contents_.clear();
    states_.clear();
    restore_contents();
    out->Clear();
    return status;
  }
  fill_contents(out);
  report(*out);
  return Status::ok();
}

}  // namespace

Status fold_constants(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return fold_constants(GraphDef(in), ctx, out);
}

// The input's Consts lend their bytes to the output; when folding fails they
// are given back, so `in` is left as it was.
Status fold_constants(GraphDef&& in, TransformContext& ctx, GraphDef* out) {
  ConstantFolder folder(in, ctx);
  return folder.run(out);
}

}  // namespace mq::transforms
