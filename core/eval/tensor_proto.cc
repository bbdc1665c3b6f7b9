#include "core/eval/tensor_proto.h"

#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace mq {

using tensorflow::TensorProto;

StatusOr<Shape> shape_from_proto(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return Status::error("the tensor shape has unknown rank");
  Shape shape;
  shape.reserve(static_cast<size_t>(proto.dim_size()));
  for (int i = 0; i < proto.dim_size(); ++i) {
    int64_t size = proto.dim(i).size();
    if (size < 0)
      return Status::error("dimension " + std::to_string(i) + " of the tensor shape is " + std::to_string(size) +
                           " (only sizes >= 0 are allowed)");
    shape.push_back(size);
  }
  if (num_elements(shape) < 0)
    return Status::error("the tensor shape " + shape_string(shape) + " has more elements than fit in an int64");
  return shape;
}

void shape_to_proto(const Shape& shape, tensorflow::TensorShapeProto* proto) {
  proto->Clear();
  for (int64_t dim : shape) proto->add_dim()->set_size(dim);
}

namespace {

// Bytes per element in tensor_content (0 when the dtype has no fixed size
// this build knows).
size_t element_size(DataType dtype) { return dtype_size(dtype); }

// Fills `count` elements of type T from `in_n` source values with
// TensorFlow's rule: extra values are ignored, missing ones repeat the last.
template <typename T, typename Get>
void fill_repeating_last(T* out, int64_t count, int64_t in_n, Get get) {
  if (in_n <= 0) return;  // already zero
  int64_t copied = std::min(count, in_n);
  for (int64_t i = 0; i < copied; ++i) out[i] = get(i);
  for (int64_t i = copied; i < count; ++i) out[i] = out[copied - 1];
}

// Stores an int_val-backed element: truncation to the element's width.
template <typename T>
void fill_from_int_val(Tensor& tensor, const TensorProto& proto) {
  fill_repeating_last(tensor.data<T>(), tensor.num_elements(), proto.int_val_size(),
                      [&](int64_t i) { return static_cast<T>(proto.int_val(static_cast<int>(i))); });
}

Status decode_string_content(const std::string& content, Tensor& tensor) {
  int64_t count = tensor.num_elements();
  std::vector<uint64_t> lengths(static_cast<size_t>(count));
  size_t pos = 0;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t value = 0;
    int shift = 0;
    while (true) {
      if (pos >= content.size() || shift > 28)
        return Status::error("tensor_content of a string tensor ends inside the length of element " +
                             std::to_string(i));
      uint8_t byte = static_cast<uint8_t>(content[pos++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    lengths[static_cast<size_t>(i)] = value;
  }
  std::vector<std::string>& strings = tensor.strings();
  for (int64_t i = 0; i < count; ++i) {
    uint64_t length = lengths[static_cast<size_t>(i)];
    if (length > content.size() - pos)
      return Status::error("tensor_content of a string tensor is too short for element " + std::to_string(i));
    strings[static_cast<size_t>(i)] = content.substr(pos, length);
    pos += length;
  }
  if (pos != content.size())
    return Status::error("tensor_content of a string tensor has " + std::to_string(content.size() - pos) +
                         " bytes after its " + std::to_string(count) + " elements");
  return Status::ok();
}

Status decode_typed_field(const TensorProto& proto, Tensor& tensor) {
  int64_t count = tensor.num_elements();
  DataType dtype = tensor.dtype();
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      if (proto.float_val_size() >= count) {
        std::memcpy(tensor.raw(), proto.float_val().data(), static_cast<size_t>(count) * sizeof(float));
      } else {
        fill_repeating_last(tensor.data<float>(), count, proto.float_val_size(),
                            [&](int64_t i) { return proto.float_val(static_cast<int>(i)); });
      }
      return Status::ok();
    case tensorflow::DT_DOUBLE:
      fill_repeating_last(tensor.data<double>(), count, proto.double_val_size(),
                          [&](int64_t i) { return proto.double_val(static_cast<int>(i)); });
      return Status::ok();
    case tensorflow::DT_INT32:
    case tensorflow::DT_QINT32:
      fill_from_int_val<int32_t>(tensor, proto);
      return Status::ok();
    case tensorflow::DT_INT16:
    case tensorflow::DT_QINT16:
      fill_from_int_val<int16_t>(tensor, proto);
      return Status::ok();
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QUINT16:
      fill_from_int_val<uint16_t>(tensor, proto);
      return Status::ok();
    case tensorflow::DT_INT8:
    case tensorflow::DT_QINT8:
    case tensorflow::DT_INT4:
      fill_from_int_val<int8_t>(tensor, proto);
      return Status::ok();
    case tensorflow::DT_UINT8:
    case tensorflow::DT_QUINT8:
    case tensorflow::DT_UINT4:
      fill_from_int_val<uint8_t>(tensor, proto);
      return Status::ok();
    case tensorflow::DT_INT64:
      fill_repeating_last(tensor.data<int64_t>(), count, proto.int64_val_size(),
                          [&](int64_t i) { return static_cast<int64_t>(proto.int64_val(static_cast<int>(i))); });
      return Status::ok();
    case tensorflow::DT_UINT32:
      fill_repeating_last(tensor.data<uint32_t>(), count, proto.uint32_val_size(),
                          [&](int64_t i) { return proto.uint32_val(static_cast<int>(i)); });
      return Status::ok();
    case tensorflow::DT_UINT64:
      fill_repeating_last(tensor.data<uint64_t>(), count, proto.uint64_val_size(),
                          [&](int64_t i) { return static_cast<uint64_t>(proto.uint64_val(static_cast<int>(i))); });
      return Status::ok();
    case tensorflow::DT_BOOL:
      fill_repeating_last(tensor.data<bool>(), count, proto.bool_val_size(),
                          [&](int64_t i) { return proto.bool_val(static_cast<int>(i)); });
      return Status::ok();
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      fill_repeating_last(tensor.data<uint16_t>(), count, proto.half_val_size(), [&](int64_t i) {
        return static_cast<uint16_t>(static_cast<uint32_t>(proto.half_val(static_cast<int>(i))) & 0xffffu);
      });
      return Status::ok();
    case tensorflow::DT_COMPLEX64: {
      // Two floats (re, im) per element; the count rule applies to elements.
      using Pair = std::pair<float, float>;
      auto* out = reinterpret_cast<Pair*>(tensor.raw());
      fill_repeating_last(out, count, proto.scomplex_val_size() / 2, [&](int64_t i) {
        return Pair(proto.scomplex_val(static_cast<int>(2 * i)), proto.scomplex_val(static_cast<int>(2 * i + 1)));
      });
      return Status::ok();
    }
    case tensorflow::DT_COMPLEX128: {
      using Pair = std::pair<double, double>;
      auto* out = reinterpret_cast<Pair*>(tensor.raw());
      fill_repeating_last(out, count, proto.dcomplex_val_size() / 2, [&](int64_t i) {
        return Pair(proto.dcomplex_val(static_cast<int>(2 * i)), proto.dcomplex_val(static_cast<int>(2 * i + 1)));
      });
      return Status::ok();
    }
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
    case tensorflow::DT_FLOAT8_E4M3FNUZ:
    case tensorflow::DT_FLOAT8_E4M3B11FNUZ:
    case tensorflow::DT_FLOAT8_E5M2FNUZ: {
      const std::string& values = proto.float8_val();
      fill_repeating_last(tensor.data<char>(), count, static_cast<int64_t>(values.size()),
                          [&](int64_t i) { return values[static_cast<size_t>(i)]; });
      return Status::ok();
    }
    case tensorflow::DT_STRING: {
      std::vector<std::string>& strings = tensor.strings();
      fill_repeating_last(strings.data(), count, proto.string_val_size(),
                          [&](int64_t i) { return proto.string_val(static_cast<int>(i)); });
      return Status::ok();
    }
    default:
      return Status::unsupported("tensors of dtype " + dtype_name(dtype) + " cannot be decoded");
  }
}

// Everything but the element bytes: dtype and shape checks, and the
// allocated (zero-filled) tensor when the values are not in tensor_content.
struct DecodePlan {
  DataType dtype;
  Shape shape;
  int64_t count = 0;
  size_t expected_content_bytes = 0;  // fixed-size dtypes
};

StatusOr<DecodePlan> plan_decode(const TensorProto& proto) {
  DecodePlan plan;
  plan.dtype = proto.dtype();
  if (plan.dtype == tensorflow::DT_INVALID) return Status::error("the tensor has dtype DT_INVALID");
  if (static_cast<int>(plan.dtype) > 100)
    return Status::error("the tensor has a reference dtype (" + dtype_name(plan.dtype) + "), not a value dtype");
  if (plan.dtype == tensorflow::DT_RESOURCE || plan.dtype == tensorflow::DT_VARIANT)
    return Status::unsupported("tensors of dtype " + dtype_name(plan.dtype) + " cannot be decoded");
  if (plan.dtype != tensorflow::DT_STRING && element_size(plan.dtype) == 0)
    return Status::unsupported("tensors of dtype " + dtype_name(plan.dtype) + " cannot be decoded");
  MQ_ASSIGN_OR_RETURN(plan.shape, shape_from_proto(proto.tensor_shape()));
  plan.count = num_elements(plan.shape);
  if (plan.dtype != tensorflow::DT_STRING) {
    size_t size = element_size(plan.dtype);
    if (static_cast<uint64_t>(plan.count) > std::numeric_limits<uint64_t>::max() / 2 / size)
      return Status::error("the tensor of shape " + shape_string(plan.shape) + " is too large");
    plan.expected_content_bytes = static_cast<size_t>(plan.count) * size;
  }
  // A few typed values can stand for a huge tensor ("repeat the last value");
  // a value no GraphDef could hold once written out is refused before it is
  // allocated.
  unsigned long long decoded_bytes =
      plan.dtype == tensorflow::DT_STRING
          ? (static_cast<uint64_t>(plan.count) > kMaxDecodedTensorBytes ? ~0ULL
                                                                        : static_cast<unsigned long long>(plan.count) * sizeof(std::string))
          : plan.expected_content_bytes;
  if (decoded_bytes > kMaxDecodedTensorBytes)
    return Status::resource_exhausted("the " + dtype_name(plan.dtype) + " tensor of shape " + shape_string(plan.shape) +
                                      " would take " + std::to_string(decoded_bytes) +
                                      " bytes once decoded, more than a GraphDef can hold (2 GiB)");
  return plan;
}

Status content_size_error(const DecodePlan& plan, size_t actual) {
  return Status::error("tensor_content has " + std::to_string(actual) + " bytes but a " + dtype_name(plan.dtype) +
                       " tensor of shape " + shape_string(plan.shape) + " needs " +
                       std::to_string(plan.expected_content_bytes));
}

// The cases where no tensor_content bytes are adopted.
StatusOr<Tensor> decode_without_adopting(const TensorProto& proto, const DecodePlan& plan) {
  Tensor tensor(plan.dtype, plan.shape);
  if (plan.count == 0) return tensor;
  const std::string& content = proto.tensor_content();
  if (!content.empty()) {
    if (plan.dtype == tensorflow::DT_STRING) {
      MQ_RETURN_IF_ERROR(decode_string_content(content, tensor));
      return tensor;
    }
    if (content.size() != plan.expected_content_bytes) return content_size_error(plan, content.size());
    std::memcpy(tensor.raw(), content.data(), content.size());
    if (plan.dtype == tensorflow::DT_BOOL) {
      // Any non-zero byte is true; keep bools canonical (0 or 1).
      for (int64_t i = 0; i < plan.count; ++i) tensor.raw()[i] = tensor.raw()[i] != 0;
    }
    return tensor;
  }
  MQ_RETURN_IF_ERROR(decode_typed_field(proto, tensor));
  return tensor;
}

}  // namespace

StatusOr<Tensor> tensor_from_proto(const TensorProto& proto) {
  MQ_ASSIGN_OR_RETURN(DecodePlan plan, plan_decode(proto));
  return decode_without_adopting(proto, plan);
}

StatusOr<Tensor> tensor_from_proto(TensorProto&& proto) {
  MQ_ASSIGN_OR_RETURN(DecodePlan plan, plan_decode(proto));
  if (plan.count > 0 && plan.dtype != tensorflow::DT_STRING && plan.dtype != tensorflow::DT_BOOL &&
      !proto.tensor_content().empty()) {
    if (proto.tensor_content().size() != plan.expected_content_bytes)
      return content_size_error(plan, proto.tensor_content().size());
    std::string bytes;
    bytes.swap(*proto.mutable_tensor_content());
    return Tensor::adopt_bytes(plan.dtype, std::move(plan.shape), std::move(bytes));
  }
  return decode_without_adopting(proto, plan);
}

namespace {

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void start_proto(const Tensor& tensor, TensorProto* proto) {
  proto->Clear();
  proto->set_dtype(tensor.dtype());
  shape_to_proto(tensor.shape(), proto->mutable_tensor_shape());
}

template <typename T, typename Add>
void add_each(const Tensor& tensor, Add add) {
  const T* values = tensor.data<T>();
  for (int64_t i = 0; i < tensor.num_elements(); ++i) add(values[i]);
}

}  // namespace

void tensor_to_proto_content(const Tensor& tensor, TensorProto* proto) {
  start_proto(tensor, proto);
  if (tensor.num_elements() == 0) return;
  if (tensor.dtype() == tensorflow::DT_STRING) {
    std::string content;
    for (const std::string& s : tensor.strings()) append_varint(content, s.size());
    for (const std::string& s : tensor.strings()) content += s;
    proto->set_tensor_content(std::move(content));
    return;
  }
  proto->set_tensor_content(tensor.raw(), tensor.byte_size());
}

void tensor_to_proto_field(const Tensor& tensor, TensorProto* proto) {
  start_proto(tensor, proto);
  if (tensor.num_elements() == 0) return;
  switch (tensor.dtype()) {
    case tensorflow::DT_FLOAT:
      proto->mutable_float_val()->Add(tensor.data<float>(), tensor.data<float>() + tensor.num_elements());
      return;
    case tensorflow::DT_DOUBLE:
      add_each<double>(tensor, [&](double v) { proto->add_double_val(v); });
      return;
    case tensorflow::DT_INT32: case tensorflow::DT_QINT32:
      add_each<int32_t>(tensor, [&](int32_t v) { proto->add_int_val(v); });
      return;
    case tensorflow::DT_INT16: case tensorflow::DT_QINT16:
      add_each<int16_t>(tensor, [&](int16_t v) { proto->add_int_val(v); });
      return;
    case tensorflow::DT_UINT16: case tensorflow::DT_QUINT16:
      add_each<uint16_t>(tensor, [&](uint16_t v) { proto->add_int_val(v); });
      return;
    case tensorflow::DT_INT8: case tensorflow::DT_QINT8: case tensorflow::DT_INT4:
      add_each<int8_t>(tensor, [&](int8_t v) { proto->add_int_val(v); });
      return;
    case tensorflow::DT_UINT8: case tensorflow::DT_QUINT8: case tensorflow::DT_UINT4:
      add_each<uint8_t>(tensor, [&](uint8_t v) { proto->add_int_val(v); });
      return;
    case tensorflow::DT_INT64:
      add_each<int64_t>(tensor, [&](int64_t v) { proto->add_int64_val(v); });
      return;
    case tensorflow::DT_UINT32:
      add_each<uint32_t>(tensor, [&](uint32_t v) { proto->add_uint32_val(v); });
      return;
    case tensorflow::DT_UINT64:
      add_each<uint64_t>(tensor, [&](uint64_t v) { proto->add_uint64_val(v); });
      return;
    case tensorflow::DT_BOOL:
      add_each<bool>(tensor, [&](bool v) { proto->add_bool_val(v); });
      return;
    case tensorflow::DT_HALF: case tensorflow::DT_BFLOAT16:
      add_each<uint16_t>(tensor, [&](uint16_t v) { proto->add_half_val(v); });
      return;
    case tensorflow::DT_COMPLEX64:
      for (int64_t i = 0; i < 2 * tensor.num_elements(); ++i) proto->add_scomplex_val(tensor.data<float>()[i]);
      return;
    case tensorflow::DT_COMPLEX128:
      for (int64_t i = 0; i < 2 * tensor.num_elements(); ++i) proto->add_dcomplex_val(tensor.data<double>()[i]);
      return;
    case tensorflow::DT_STRING:
      for (const std::string& s : tensor.strings()) proto->add_string_val(s);
      return;
    default:
      // float8: one byte per element.
      proto->set_float8_val(tensor.raw(), tensor.byte_size());
      return;
  }
}

void tensor_to_proto_for_attr(const Tensor& tensor, TensorProto* proto) {
  if (tensor.num_elements() > 1) {
    tensor_to_proto_content(tensor, proto);
  } else {
    tensor_to_proto_field(tensor, proto);
  }
}

}  // namespace mq
