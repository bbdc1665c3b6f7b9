#include "core/eval/kernel.h"

#include <algorithm>

#ifdef __EMSCRIPTEN__
#include <malloc.h>
#endif

namespace mq {

unsigned long long default_memory_limit() {
  constexpr unsigned long long kNativeLimit = 4ULL << 30;
#ifdef __EMSCRIPTEN__
  // The module's memory stops at 4 GB (MAXIMUM_MEMORY in wasm/CMakeLists.txt);
  // keep 256 MiB for the graphs, copies and results around the tensors.
  constexpr unsigned long long kCeiling = 4ULL << 30, kMargin = 256ULL << 20;
  const unsigned long long in_use = static_cast<unsigned long long>(mallinfo().uordblks);
  return in_use + kMargin >= kCeiling ? 0 : std::min(kNativeLimit, kCeiling - kMargin - in_use);
#else
  return kNativeLimit;
#endif
}

Status MemoryBudget::reserve(unsigned long long bytes, const std::string& what) {
  if (bytes > limit_ || used_ > limit_ - bytes) {
    return Status::resource_exhausted(what + " would need " + std::to_string(bytes) + " bytes, over the budget of " +
                                      std::to_string(limit_) + " bytes (" + std::to_string(used_) +
                                      " bytes already in use)");
  }
  used_ += bytes;
  peak_ = std::max(peak_, used_);
  return Status::ok();
}

namespace {

const tensorflow::AttrValue* find_attr(const tensorflow::NodeDef& node, const std::string& name) {
  auto it = node.attr().find(name);
  return it == node.attr().end() ? nullptr : &it->second;
}

}  // namespace

Status KernelContext::error(const std::string& message) const {
  return Status::error("node '" + node.name() + "' (op " + node.op() + "): " + message);
}

Status KernelContext::check_input_count(size_t count) const {
  if (inputs.size() >= count) return Status::ok();
  return error("needs " + std::to_string(count) + " data input" + (count == 1 ? "" : "s") + ", the node has " +
               std::to_string(inputs.size()));
}

StatusOr<Tensor> KernelContext::allocate(DataType dtype, Shape shape) const {
  int64_t count = num_elements(shape);
  if (count < 0) return error("cannot allocate an output of invalid shape " + shape_string(shape));
  unsigned long long per_element =
      dtype == tensorflow::DT_STRING ? sizeof(std::string) : static_cast<unsigned long long>(dtype_size(dtype));
  if (dtype != tensorflow::DT_STRING && per_element == 0)
    return error("cannot allocate an output of dtype " + dtype_name(dtype));
  if (count > 0 && static_cast<unsigned long long>(count) > ~0ULL / per_element)
    return error("an output of shape " + shape_string(shape) + " is too large");
  unsigned long long bytes = static_cast<unsigned long long>(count) * per_element;
  Status reserved = budget.reserve(bytes, "node '" + node.name() + "' (op " + node.op() + "): an output of shape " +
                                              shape_string(shape));
  if (!reserved.is_ok()) return reserved;
  return Tensor(dtype, std::move(shape));
}

Status KernelContext::reserve_temporary(unsigned long long bytes, const std::string& what) const {
  return budget.reserve(bytes, "node '" + node.name() + "' (op " + node.op() + "): " + what);
}

StatusOr<DataType> KernelContext::attr_type(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kType) return error("attribute '" + name + "' is not a type");
  return value->type();
}

StatusOr<int64_t> KernelContext::attr_int(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kI) return error("attribute '" + name + "' is not an int");
  return value->i();
}

StatusOr<float> KernelContext::attr_float(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kF) return error("attribute '" + name + "' is not a float");
  return value->f();
}

StatusOr<bool> KernelContext::attr_bool(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kB) return error("attribute '" + name + "' is not a bool");
  return value->b();
}

StatusOr<std::string> KernelContext::attr_string(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kS) return error("attribute '" + name + "' is not a string");
  return value->s();
}

StatusOr<std::vector<int64_t>> KernelContext::attr_int_list(const std::string& name) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  if (!value) return error("attribute '" + name + "' is missing");
  if (value->value_case() != tensorflow::AttrValue::kList)
    return error("attribute '" + name + "' is not a list of ints");
  return std::vector<int64_t>(value->list().i().begin(), value->list().i().end());
}

int64_t KernelContext::attr_int_or(const std::string& name, int64_t fallback) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  return value && value->value_case() == tensorflow::AttrValue::kI ? value->i() : fallback;
}

float KernelContext::attr_float_or(const std::string& name, float fallback) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  return value && value->value_case() == tensorflow::AttrValue::kF ? value->f() : fallback;
}

bool KernelContext::attr_bool_or(const std::string& name, bool fallback) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  return value && value->value_case() == tensorflow::AttrValue::kB ? value->b() : fallback;
}

std::string KernelContext::attr_string_or(const std::string& name, const std::string& fallback) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  return value && value->value_case() == tensorflow::AttrValue::kS ? value->s() : fallback;
}

DataType KernelContext::attr_type_or(const std::string& name, DataType fallback) const {
  const tensorflow::AttrValue* value = find_attr(node, name);
  return value && value->value_case() == tensorflow::AttrValue::kType ? value->type() : fallback;
}

std::vector<std::string> KernelTable::ops() const {
  std::vector<std::string> out;
  out.reserve(kernels_.size());
  for (const auto& entry : kernels_) out.push_back(entry.first);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mq
