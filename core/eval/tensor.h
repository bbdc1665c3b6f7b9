// Tensor: dtype + shape + an owned byte buffer (shared, so Identity/Reshape
// never copy), with Eigen views for the math. Strings are kept as a vector
// of std::string. Conversion to and from TensorProto lives in tensor_proto.h.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

using tensorflow::DataType;
using Shape = std::vector<int64_t>;

// Bytes per element in tensor_content; 0 for variable-size or unsupported types.
size_t dtype_size(DataType dtype);
// TensorFlow's DataTypeString: "float", "int32", "quint8", "float_ref"...
std::string dtype_name(DataType dtype);
// TensorFlow's DataTypeFromString; false when the name is not accepted.
bool dtype_from_name(const std::string& name, DataType* dtype);

// Number of elements, or -1 when a dim is negative or the product of the
// non-zero dims overflows (an empty tensor cannot have a larger shape either).
int64_t num_elements(const Shape& shape);
// "[1,224,224,3]"
std::string shape_string(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor. The shape must be valid (callers check sizes against
  // the memory budget before allocating large results).
  Tensor(DataType dtype, Shape shape);

  // A tensor of the same dtype sharing this one's bytes, with a new shape of
  // the same element count (Reshape, Squeeze, ExpandDims, Identity).
  Tensor reshaped(Shape shape) const;

  // A tensor that adopts `bytes` as its element storage without copying.
  // The caller guarantees bytes.size() == num_elements(shape) * dtype_size(dtype).
  static Tensor adopt_bytes(DataType dtype, Shape shape, std::string&& bytes);
  // The element bytes of a tensor the caller no longer needs (not DT_STRING):
  // moved out when no other tensor shares them, else copied.
  static std::string take_bytes(Tensor&& tensor);
  // A DT_STRING tensor holding `values` (one per element, row-major).
  static Tensor from_strings(Shape shape, std::vector<std::string> values);

  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[static_cast<size_t>(i)]; }
  int64_t num_elements() const { return elements_; }
  size_t byte_size() const;  // element bytes (strings: sum of lengths)
  bool is_valid() const { return dtype_ != tensorflow::DT_INVALID; }

  // Raw element storage (not for DT_STRING).
  template <typename T>
  T* data() { return reinterpret_cast<T*>(bytes_ ? bytes_->data() : nullptr); }
  template <typename T>
  const T* data() const { return reinterpret_cast<const T*>(bytes_ ? bytes_->data() : nullptr); }
  char* raw() { return bytes_ ? bytes_->data() : nullptr; }
  const char* raw() const { return bytes_ ? bytes_->data() : nullptr; }

  // 1-D Eigen view over all elements.
  template <typename T>
  Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> flat() {
    return Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>(data<T>(), static_cast<Eigen::Index>(elements_));
  }
  template <typename T>
  Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> flat() const {
    return Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(data<T>(), static_cast<Eigen::Index>(elements_));
  }

  // DT_STRING elements.
  std::vector<std::string>& strings() { return *strings_; }
  const std::vector<std::string>& strings() const { return *strings_; }

  // Scalar convenience: the first element converted to double / int64
  // (for shape, axis and size arguments). Fails for non-numeric dtypes.
  StatusOr<double> scalar_as_double() const;
  // All elements of an integer (or float) tensor as int64 (shape vectors, axes).
  StatusOr<std::vector<int64_t>> as_int64_vector() const;

  // True when both share the same buffer (used by tests of the no-copy paths).
  bool shares_buffer_with(const Tensor& other) const { return bytes_ && bytes_ == other.bytes_; }
  // Identifies the storage (element bytes or strings) so that tensors sharing
  // it are counted once against a memory budget; null for an empty tensor.
  const void* buffer_id() const {
    return bytes_ ? static_cast<const void*>(bytes_.get()) : static_cast<const void*>(strings_.get());
  }

 private:
  DataType dtype_ = tensorflow::DT_INVALID;
  Shape shape_;
  int64_t elements_ = 0;
  // A std::string rather than a vector so that tensor_content can be moved in
  // from a TensorProto without copying.
  std::shared_ptr<std::string> bytes_;
  std::shared_ptr<std::vector<std::string>> strings_;
};

// Calls f(T{}) with T the C++ type of a numeric dtype (float, double, int32,
// int64, uint8, int8, int16, uint16, bool, Eigen::half, Eigen::bfloat16,
// uint32, uint64). Returns false for other dtypes.
template <typename F>
bool dispatch_numeric(DataType dtype, F&& f) {
  switch (dtype) {
    case tensorflow::DT_FLOAT: f(float{}); return true;
    case tensorflow::DT_DOUBLE: f(double{}); return true;
    case tensorflow::DT_INT32: f(int32_t{}); return true;
    case tensorflow::DT_INT64: f(int64_t{}); return true;
    case tensorflow::DT_UINT8: f(uint8_t{}); return true;
    case tensorflow::DT_INT8: f(int8_t{}); return true;
    case tensorflow::DT_INT16: f(int16_t{}); return true;
    case tensorflow::DT_UINT16: f(uint16_t{}); return true;
    case tensorflow::DT_UINT32: f(uint32_t{}); return true;
    case tensorflow::DT_UINT64: f(uint64_t{}); return true;
    case tensorflow::DT_BOOL: f(bool{}); return true;
    case tensorflow::DT_HALF: f(Eigen::half{}); return true;
    case tensorflow::DT_BFLOAT16: f(Eigen::bfloat16{}); return true;
    default: return false;
  }
}

}  // namespace mq
