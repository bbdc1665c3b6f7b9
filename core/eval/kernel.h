// The kernel table: op name → CPU kernel. Used by the evaluator (`run`,
// `compare`) and by fold_constants. Kernels are plain functions grouped in
// core/eval/kernels/<group>.cc; each group has one register function listed
// in kernel_table.cc (an explicit table, no static initialisers).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// The budget an evaluation gets when nobody names one: 4 GiB natively; in
// the WebAssembly build, whose memory cannot grow past 4 GB, what is left of
// that (less a margin for the graphs and results) at the time of the call,
// so that running out is a message and not an abort of the module.
unsigned long long default_memory_limit();

// Caps how many bytes of tensors an evaluation may hold at once; a kernel
// asks before allocating a large result so it can fail with a message
// instead of being killed.
class MemoryBudget {
 public:
  MemoryBudget() : MemoryBudget(default_memory_limit()) {}
  explicit MemoryBudget(unsigned long long limit_bytes) : limit_(limit_bytes) {}
  // Fails with "… would need N bytes, over the budget of M" when too large.
  Status reserve(unsigned long long bytes, const std::string& what);
  void release(unsigned long long bytes) { used_ = bytes > used_ ? 0 : used_ - bytes; }
  unsigned long long used() const { return used_; }
  // The most bytes held at once since construction.
  unsigned long long peak() const { return peak_; }
  unsigned long long limit() const { return limit_; }

 private:
  unsigned long long limit_;
  unsigned long long used_ = 0;
  unsigned long long peak_ = 0;
};

struct KernelContext {
  const tensorflow::NodeDef& node;
  const std::vector<Tensor>& inputs;  // data inputs in order
  // The kernel fills one tensor per output port. The evaluator passes it
  // holding one empty Tensor; a kernel with several outputs resizes it.
  std::vector<Tensor>& outputs;
  MemoryBudget& budget;

  // Fails unless the node has at least `count` data inputs (a malformed
  // graph must not make a kernel read past `inputs`).
  Status check_input_count(size_t count) const;

  // Attribute accessors; errors name the node and the attribute.
  StatusOr<DataType> attr_type(const std::string& name) const;
  StatusOr<int64_t> attr_int(const std::string& name) const;
  StatusOr<float> attr_float(const std::string& name) const;
  StatusOr<bool> attr_bool(const std::string& name) const;
  StatusOr<std::string> attr_string(const std::string& name) const;
  StatusOr<std::vector<int64_t>> attr_int_list(const std::string& name) const;
  // With a default when the attribute is absent.
  int64_t attr_int_or(const std::string& name, int64_t fallback) const;
  float attr_float_or(const std::string& name, float fallback) const;
  bool attr_bool_or(const std::string& name, bool fallback) const;
  std::string attr_string_or(const std::string& name, const std::string& fallback) const;
  DataType attr_type_or(const std::string& name, DataType fallback) const;

  // An error that names this node: "node 'conv1/Conv2D' (op Conv2D): <message>".
  Status error(const std::string& message) const;
  // Allocates a zero-filled output after checking the budget.
  StatusOr<Tensor> allocate(DataType dtype, Shape shape) const;
  // Charges the budget for temporary copies a kernel makes (a layout change,
  // operands widened to float, a transposed input) before it makes them; the
  // evaluator gives the bytes back when the kernel returns.
  Status reserve_temporary(unsigned long long bytes, const std::string& what) const;
};

using KernelFn = Status (*)(KernelContext& context);

class KernelTable {
 public:
  // The table with every kernel this build has.
  static const KernelTable& global();

  void add(const std::string& op, KernelFn fn) { kernels_[op] = fn; }
  KernelFn find(std::string_view op) const {
    auto it = kernels_.find(std::string(op));
    return it == kernels_.end() ? nullptr : it->second;
  }
  std::vector<std::string> ops() const;  // sorted

 private:
  std::unordered_map<std::string, KernelFn> kernels_;
};

}  // namespace mq
