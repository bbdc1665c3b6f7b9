// Small helpers for the evaluator and kernel tests: building tensors from
// values, reading them back, building nodes, and running one kernel.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "tests/test_support.h"

namespace mq::test {

template <typename T>
Tensor make_tensor(DataType dtype, Shape shape, const std::vector<T>& values) {
  Tensor tensor(dtype, std::move(shape));
  REQUIRE(static_cast<int64_t>(values.size()) == tensor.num_elements());
  for (size_t i = 0; i < values.size(); ++i) tensor.data<T>()[i] = values[i];
  return tensor;
}

inline Tensor floats(Shape shape, const std::vector<float>& values) {
  return make_tensor(tensorflow::DT_FLOAT, std::move(shape), values);
}
inline Tensor ints(Shape shape, const std::vector<int32_t>& values) {
  return make_tensor(tensorflow::DT_INT32, std::move(shape), values);
}
inline Tensor int64s(Shape shape, const std::vector<int64_t>& values) {
  return make_tensor(tensorflow::DT_INT64, std::move(shape), values);
}
inline Tensor bools(Shape shape, const std::vector<bool>& values) {
  Tensor tensor(tensorflow::DT_BOOL, std::move(shape));
  REQUIRE(static_cast<int64_t>(values.size()) == tensor.num_elements());
  for (size_t i = 0; i < values.size(); ++i) tensor.data<bool>()[i] = values[i];
  return tensor;
}
inline Tensor scalar_int(int32_t value) { return ints({}, {value}); }
inline Tensor scalar_float(float value) { return floats({}, {value}); }

template <typename T>
std::vector<T> values_of(const Tensor& tensor) {
  return std::vector<T>(tensor.data<T>(), tensor.data<T>() + tensor.num_elements());
}
inline std::vector<bool> bool_values(const Tensor& tensor) {
  return std::vector<bool>(tensor.data<bool>(), tensor.data<bool>() + tensor.num_elements());
}

// Node attributes for a kernel under test: int_attr("axis", 1) +
// bool_attr("keep_dims", true).
struct Attrs {
  std::vector<std::pair<std::string, tensorflow::AttrValue>> entries;
};
inline Attrs operator+(Attrs a, const Attrs& b) {
  a.entries.insert(a.entries.end(), b.entries.begin(), b.entries.end());
  return a;
}
inline Attrs attr(const std::string& name, const tensorflow::AttrValue& value) { return Attrs{{{name, value}}}; }
inline Attrs int_attr(const std::string& name, int64_t value) {
  tensorflow::AttrValue v;
  v.set_i(value);
  return attr(name, v);
}
inline Attrs float_attr(const std::string& name, float value) {
  tensorflow::AttrValue v;
  v.set_f(value);
  return attr(name, v);
}
inline Attrs bool_attr(const std::string& name, bool value) {
  tensorflow::AttrValue v;
  v.set_b(value);
  return attr(name, v);
}
inline Attrs string_attr(const std::string& name, const std::string& value) {
  tensorflow::AttrValue v;
  v.set_s(value);
  return attr(name, v);
}
inline Attrs type_attr(const std::string& name, DataType value) {
  tensorflow::AttrValue v;
  v.set_type(value);
  return attr(name, v);
}
inline Attrs int_list_attr(const std::string& name, const std::vector<int64_t>& values) {
  tensorflow::AttrValue v;
  for (int64_t value : values) v.mutable_list()->add_i(value);
  return attr(name, v);
}
inline Attrs tensor_attr(const std::string& name, const tensorflow::TensorProto& value) {
  tensorflow::AttrValue v;
  *v.mutable_tensor() = value;
  return attr(name, v);
}

inline tensorflow::NodeDef make_node(const std::string& name, const std::string& op,
                                     const std::vector<std::string>& inputs = {}, const Attrs& attrs = {}) {
  tensorflow::NodeDef node;
  node.set_name(name);
  node.set_op(op);
  for (const std::string& input : inputs) node.add_input(input);
  for (const auto& [key, value] : attrs.entries) (*node.mutable_attr())[key] = value;
  return node;
}

// Runs the kernel for `op` on `inputs` in a node named 'n'.
inline StatusOr<std::vector<Tensor>> run_kernel(const std::string& op, const std::vector<Tensor>& inputs,
                                                const Attrs& attrs = {}) {
  tensorflow::NodeDef node = make_node("n", op, {}, attrs);
  KernelFn kernel = KernelTable::global().find(op);
  if (!kernel) return Status::error("no kernel for " + op);
  MemoryBudget budget;
  std::vector<Tensor> outputs(1);
  KernelContext context{node, inputs, outputs, budget};
  Status status = kernel(context);
  if (!status.is_ok()) return status;
  return outputs;
}

// The first output of a kernel that must succeed.
inline Tensor run_ok(const std::string& op, const std::vector<Tensor>& inputs, const Attrs& attrs = {}) {
  StatusOr<std::vector<Tensor>> outputs = run_kernel(op, inputs, attrs);
  INFO(op << ": " << outputs.status().message());
  REQUIRE(outputs.is_ok());
  REQUIRE(!outputs->empty());
  return (*outputs)[0];
}

// The message of a kernel that must fail.
inline std::string run_error(const std::string& op, const std::vector<Tensor>& inputs, const Attrs& attrs = {}) {
  StatusOr<std::vector<Tensor>> outputs = run_kernel(op, inputs, attrs);
  REQUIRE_FALSE(outputs.is_ok());
  return outputs.status().message();
}

}  // namespace mq::test
