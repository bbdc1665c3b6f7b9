#include "core/eval/tensor.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mq {

Tensor::Tensor(DataType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  elements_ = mq::num_elements(shape_);
  if (elements_ < 0) elements_ = 0;
  if (dtype_ == tensorflow::DT_STRING) {
    strings_ = std::make_shared<std::vector<std::string>>(static_cast<size_t>(elements_));
  } else {
    bytes_ = std::make_shared<std::string>(static_cast<size_t>(elements_) * dtype_size(dtype_), '\0');
  }
}

Tensor Tensor::reshaped(Shape shape) const {
  Tensor out = *this;
  out.shape_ = std::move(shape);
  return out;
}

Tensor Tensor::adopt_bytes(DataType dtype, Shape shape, std::string&& bytes) {
  Tensor out;
  out.dtype_ = dtype;
  out.shape_ = std::move(shape);
  out.elements_ = std::max<int64_t>(0, mq::num_elements(out.shape_));
  out.bytes_ = std::make_shared<std::string>(std::move(bytes));
  return out;
}

std::string Tensor::take_bytes(Tensor&& tensor) {
  std::string bytes;
  if (tensor.bytes_) bytes = tensor.bytes_.use_count() == 1 ? std::move(*tensor.bytes_) : *tensor.bytes_;
  tensor = Tensor();
  return bytes;
}

Tensor Tensor::from_strings(Shape shape, std::vector<std::string> values) {
  Tensor out;
  out.dtype_ = tensorflow::DT_STRING;
  out.shape_ = std::move(shape);
  out.elements_ = std::max<int64_t>(0, mq::num_elements(out.shape_));
  values.resize(static_cast<size_t>(out.elements_));
  out.strings_ = std::make_shared<std::vector<std::string>>(std::move(values));
  return out;
}

size_t Tensor::byte_size() const {
  if (strings_) {
    size_t total = 0;
    for (const std::string& s : *strings_) total += s.size();
    return total;
  }
  return bytes_ ? bytes_->size() : 0;
}

namespace {

// Element `index` of a numeric tensor converted to double.
bool element_as_double(const Tensor& tensor, int64_t index, double* value) {
  return dispatch_numeric(tensor.dtype(), [&](auto type) {
    using T = decltype(type);
    *value = static_cast<double>(tensor.data<T>()[index]);
  });
}

}  // namespace

StatusOr<double> Tensor::scalar_as_double() const {
  if (elements_ < 1) return Status::error("expected a scalar, got an empty tensor of shape " + shape_string(shape_));
  double value = 0;
  if (!element_as_double(*this, 0, &value))
    return Status::error("expected a numeric scalar, got dtype " + dtype_name(dtype_));
  return value;
}

StatusOr<std::vector<int64_t>> Tensor::as_int64_vector() const {
  std::vector<int64_t> out(static_cast<size_t>(elements_));
  switch (dtype_) {
    case tensorflow::DT_INT32:
      for (int64_t i = 0; i < elements_; ++i) out[i] = data<int32_t>()[i];
      return out;
    case tensorflow::DT_INT64:
      for (int64_t i = 0; i < elements_; ++i) out[i] = data<int64_t>()[i];
      return out;
    default:
      break;
  }
  for (int64_t i = 0; i < elements_; ++i) {
    double value = 0;
    if (!element_as_double(*this, i, &value) || dtype_ == tensorflow::DT_BOOL)
      return Status::error("expected an integer tensor, got dtype " + dtype_name(dtype_));
    if (!std::isfinite(value) || value < -9.2e18 || value > 9.2e18)
      return Status::error("value " + std::to_string(value) + " does not fit an int64");
    out[i] = static_cast<int64_t>(value);
  }
  return out;
}

}  // namespace mq
