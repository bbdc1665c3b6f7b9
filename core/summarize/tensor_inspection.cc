#include "core/summarize/tensor_inspection.h"

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "core/eval/tensor.h"

namespace mq {
namespace {

using tensorflow::DataType;
using tensorflow::TensorProto;

// TensorShape allows at most this many dimensions.
constexpr int kMaxDims = 254;
// Tensor DebugString prints at most this many values.
constexpr int64_t kDebugValueLimit = 3;

// Dtypes Tensor::FromProto knows. Ref types, DT_INVALID and the newest 2-bit
// and 4-bit float types (encoding not established) are refused.
bool decodable_dtype(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_STRING:
    case tensorflow::DT_RESOURCE:
    case tensorflow::DT_VARIANT:
      return true;
    default:
      return dtype_size(dtype) > 0;
  }
}

// Reads a varint32 as protobuf encodes string lengths; false when cut off.
bool read_varint32(const std::string& bytes, size_t* pos, uint32_t* value) {
  uint32_t result = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*pos >= bytes.size()) return false;
    uint8_t b = static_cast<uint8_t>(bytes[(*pos)++]);
    result |= static_cast<uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

// The strings of a DT_STRING tensor_content: N varint32 lengths, then the
// bytes. False when the lengths do not add up to the content.
bool split_string_content(const std::string& content, int64_t count, std::vector<std::string>* first,
                          size_t keep, unsigned long long* total) {
  std::vector<uint32_t> lengths;
  size_t pos = 0;
  unsigned long long sum = 0;
  for (int64_t i = 0; i < count; ++i) {
    uint32_t length;
    if (!read_varint32(content, &pos, &length)) return false;
    if (lengths.size() < keep) lengths.push_back(length);
    sum += length;
    if (sum > content.size()) return false;
  }
  if (pos + sum != content.size()) return false;
  if (total) *total = sum;
  if (first) {
    for (uint32_t length : lengths) {
      first->push_back(content.substr(pos, length));
      pos += length;
    }
  }
  return true;
}

// Bytes of `count` strings from string_val, repeating the last one.
unsigned long long string_val_bytes(const TensorProto& tensor, int64_t count) {
  int64_t present = tensor.string_val_size();
  if (present == 0) return 0;
  unsigned long long sum = 0;
  int64_t used = std::min(present, count);
  for (int64_t i = 0; i < used; ++i) sum += tensor.string_val(static_cast<int>(i)).size();
  if (count > present)
    sum += static_cast<unsigned long long>(count - present) * tensor.string_val(static_cast<int>(present - 1)).size();
  return sum;
}

// TensorFlow's CEscape: C escapes for quotes, backslash and \n \r \t; other
// unprintable bytes as three octal digits.
std::string c_escape(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char octal[5];
          std::snprintf(octal, sizeof octal, "\\%03o", c);
          out += octal;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// The typed field of a tensor, element `i`, following the "repeat the last
// value; zero when there are none" rule.
template <typename Field>
auto typed_element(const Field& field, int64_t i) -> typename std::decay<decltype(field.Get(0))>::type {
  if (field.size() == 0) return {};
  int64_t index = std::min<int64_t>(i, field.size() - 1);
  return field.Get(static_cast<int>(index));
}

template <typename T>
T content_element(const std::string& content, int64_t i) {
  T value;
  std::memcpy(&value, content.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return value;
}

// Element `i` printed as TensorFlow's SummarizeValue prints it.
std::string element_text(const TensorProto& tensor, int64_t i) {
  const std::string& content = tensor.tensor_content();
  bool raw = !content.empty();
  switch (tensor.dtype()) {
    case tensorflow::DT_FLOAT:
      return float_text(raw ? content_element<float>(content, i) : typed_element(tensor.float_val(), i));
    case tensorflow::DT_DOUBLE:
      return double_text(raw ? content_element<double>(content, i) : typed_element(tensor.double_val(), i));
    case tensorflow::DT_HALF: {
      uint16_t bits = raw ? content_element<uint16_t>(content, i)
                          : static_cast<uint16_t>(typed_element(tensor.half_val(), i));
      return float_text(static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits)));
    }
    case tensorflow::DT_BFLOAT16: {
      uint16_t bits = raw ? content_element<uint16_t>(content, i)
                          : static_cast<uint16_t>(typed_element(tensor.half_val(), i));
      return float_text(static_cast<float>(Eigen::numext::bit_cast<Eigen::bfloat16>(bits)));
    }
    case tensorflow::DT_INT32:
      return std::to_string(raw ? content_element<int32_t>(content, i) : typed_element(tensor.int_val(), i));
    case tensorflow::DT_INT16:
    case tensorflow::DT_QINT16:
      return std::to_string(raw ? content_element<int16_t>(content, i)
                                : static_cast<int16_t>(typed_element(tensor.int_val(), i)));
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QUINT16:
      return std::to_string(raw ? content_element<uint16_t>(content, i)
                                : static_cast<uint16_t>(typed_element(tensor.int_val(), i)));
    case tensorflow::DT_INT8:
    case tensorflow::DT_QINT8:
      return std::to_string(raw ? content_element<int8_t>(content, i)
                                : static_cast<int8_t>(typed_element(tensor.int_val(), i)));
    case tensorflow::DT_UINT8:
    case tensorflow::DT_QUINT8:
      return std::to_string(raw ? content_element<uint8_t>(content, i)
                                : static_cast<uint8_t>(typed_element(tensor.int_val(), i)));
    case tensorflow::DT_INT64:
      return std::to_string(raw ? content_element<int64_t>(content, i) : typed_element(tensor.int64_val(), i));
    case tensorflow::DT_UINT32:
      return std::to_string(raw ? content_element<uint32_t>(content, i) : typed_element(tensor.uint32_val(), i));
    case tensorflow::DT_UINT64:
      return std::to_string(raw ? content_element<uint64_t>(content, i) : typed_element(tensor.uint64_val(), i));
    case tensorflow::DT_BOOL:
      return (raw ? content_element<uint8_t>(content, i) != 0 : typed_element(tensor.bool_val(), i)) ? "1" : "0";
    default:
      return "?";
  }
}

// The recursive part of SummarizeValue for rank ≥ 1: rows of the last
// dimension as space-separated values, outer dimensions in brackets; stops
// at `limit` values.
void print_dimension(const std::vector<int64_t>& shape, size_t dim, int64_t limit,
                     const std::vector<std::string>& values, int64_t* next, std::string* out) {
  if (*next >= limit) return;
  int64_t size = shape[dim];
  if (dim + 1 == shape.size()) {
    for (int64_t i = 0; i < size; ++i) {
      if (*next >= limit) {
        if (dim != 0) *out += "...";
        return;
      }
      if (i > 0) *out += ' ';
      *out += values[static_cast<size_t>((*next)++)];
    }
    return;
  }
  for (int64_t i = 0; i < size; ++i) {
    bool opened = false;
    if (*next < limit) {
      *out += '[';
      opened = true;
    }
    print_dimension(shape, dim + 1, limit, values, next, out);
    if (*next < limit || opened) *out += ']';
  }
}

}  // namespace

std::string float_text(float value) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", static_cast<double>(value));
  if (std::strtof(buffer, nullptr) != value) std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  return buffer;
}

std::string double_text(double value) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

TensorProtoFacts inspect_tensor_proto(const TensorProto& tensor) {
  TensorProtoFacts facts;
  facts.dtype = tensor.dtype();
  const tensorflow::TensorShapeProto& shape = tensor.tensor_shape();
  if (shape.unknown_rank() || shape.dim_size() > kMaxDims) return facts;
  for (const auto& dim : shape.dim()) {
    if (dim.size() < 0) return facts;
    facts.shape.push_back(dim.size());
  }
  facts.elements = num_elements(facts.shape);
  if (facts.elements < 0) {
    facts.elements = 0;
    return facts;
  }
  if (!decodable_dtype(facts.dtype)) return facts;
  if (facts.elements == 0) {
    facts.decodable = true;
    return facts;
  }
  const std::string& content = tensor.tensor_content();
  size_t element_size = dtype_size(facts.dtype);
  if (facts.dtype == tensorflow::DT_STRING) {
    if (!content.empty()) {
      if (!split_string_content(content, facts.elements, nullptr, 0, &facts.bytes)) return facts;
    } else {
      facts.bytes = string_val_bytes(tensor, facts.elements);
    }
  } else if (element_size > 0) {
    unsigned long long expected = static_cast<unsigned long long>(facts.elements);
    if (expected > std::numeric_limits<unsigned long long>::max() / element_size) return facts;
    expected *= element_size;
    if (!content.empty() && content.size() != expected) return facts;
    facts.bytes = expected;
  }
  facts.decodable = true;
  return facts;
}

std::string tensor_debug_string(const TensorProto& tensor, const TensorProtoFacts& facts) {
  int64_t limit = std::min<int64_t>(kDebugValueLimit, facts.elements);
  std::vector<std::string> values;
  if (facts.dtype == tensorflow::DT_STRING) {
    std::vector<std::string> strings;
    if (!tensor.tensor_content().empty()) {
      split_string_content(tensor.tensor_content(), facts.elements, &strings, static_cast<size_t>(limit), nullptr);
    } else {
      for (int64_t i = 0; i < limit; ++i) strings.push_back(typed_element(tensor.string_val(), i));
    }
    for (const std::string& s : strings) values.push_back(c_escape(s));
  } else {
    for (int64_t i = 0; i < limit; ++i) values.push_back(element_text(tensor, i));
  }
  values.resize(static_cast<size_t>(limit));

  std::string text;
  if (facts.shape.empty()) {
    for (int64_t i = 0; i < limit; ++i) {
      if (i > 0) text += ' ';
      text += values[static_cast<size_t>(i)];
    }
  } else {
    int64_t next = 0;
    print_dimension(facts.shape, 0, limit, values, &next, &text);
  }
  if (facts.elements > limit) text += "...";
  return "Tensor<type: " + dtype_name(facts.dtype) + " shape: " + shape_string(facts.shape) + " values: " + text + ">";
}

}  // namespace mq
