// The dtype and shape helpers declared in tensor.h: element sizes, TensorFlow's
// DataTypeString / DataTypeFromString, element counts and shape text
// (facts: spec/graphdef-schema.md §3). The Tensor class itself lives in tensor.cc.
#include <limits>

#include "core/eval/tensor.h"

namespace mq {
namespace {

constexpr int kRefOffset = 100;

bool is_ref(DataType dtype) { return static_cast<int>(dtype) > kRefOffset; }

DataType base_of(DataType dtype) {
  return is_ref(dtype) ? static_cast<DataType>(static_cast<int>(dtype) - kRefOffset) : dtype;
}

// The names TensorFlow's DataTypeString prints for non-ref types; empty for
// the enum values it has no name for.
const char* base_dtype_name(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_INVALID: return "INVALID";
    case tensorflow::DT_FLOAT: return "float";
    case tensorflow::DT_DOUBLE: return "double";
    case tensorflow::DT_INT32: return "int32";
    case tensorflow::DT_UINT8: return "uint8";
    case tensorflow::DT_INT16: return "int16";
    case tensorflow::DT_INT8: return "int8";
    case tensorflow::DT_STRING: return "string";
    case tensorflow::DT_COMPLEX64: return "complex64";
    case tensorflow::DT_INT64: return "int64";
    case tensorflow::DT_BOOL: return "bool";
    case tensorflow::DT_QINT8: return "qint8";
    case tensorflow::DT_QUINT8: return "quint8";
    case tensorflow::DT_QINT32: return "qint32";
    case tensorflow::DT_BFLOAT16: return "bfloat16";
    case tensorflow::DT_QINT16: return "qint16";
    case tensorflow::DT_QUINT16: return "quint16";
    case tensorflow::DT_UINT16: return "uint16";
    case tensorflow::DT_COMPLEX128: return "complex128";
    case tensorflow::DT_HALF: return "half";
    case tensorflow::DT_RESOURCE: return "resource";
    case tensorflow::DT_VARIANT: return "variant";
    case tensorflow::DT_UINT32: return "uint32";
    case tensorflow::DT_UINT64: return "uint64";
    case tensorflow::DT_FLOAT8_E5M2: return "float8_e5m2";
    case tensorflow::DT_FLOAT8_E4M3FN: return "float8_e4m3fn";
    default: return "";
  }
}

}  // namespace

size_t dtype_size(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_FLOAT: return 4;
    case tensorflow::DT_DOUBLE: return 8;
    case tensorflow::DT_INT32: return 4;
    case tensorflow::DT_UINT8: return 1;
    case tensorflow::DT_INT16: return 2;
    case tensorflow::DT_INT8: return 1;
    case tensorflow::DT_COMPLEX64: return 8;
    case tensorflow::DT_INT64: return 8;
    case tensorflow::DT_BOOL: return 1;
    case tensorflow::DT_QINT8: return 1;
    case tensorflow::DT_QUINT8: return 1;
    case tensorflow::DT_QINT32: return 4;
    case tensorflow::DT_BFLOAT16: return 2;
    case tensorflow::DT_QINT16: return 2;
    case tensorflow::DT_QUINT16: return 2;
    case tensorflow::DT_UINT16: return 2;
    case tensorflow::DT_COMPLEX128: return 16;
    case tensorflow::DT_HALF: return 2;
    case tensorflow::DT_UINT32: return 4;
    case tensorflow::DT_UINT64: return 8;
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
    case tensorflow::DT_FLOAT8_E4M3FNUZ:
    case tensorflow::DT_FLOAT8_E4M3B11FNUZ:
    case tensorflow::DT_FLOAT8_E5M2FNUZ:
    case tensorflow::DT_INT4:
    case tensorflow::DT_UINT4:
      return 1;
    default:
      // Strings, resources, variants, the 2-bit and 4-bit float types whose
      // layout is not established, and every ref type.
      return 0;
  }
}

std::string dtype_name(DataType dtype) {
  DataType base = base_of(dtype);
  std::string name = base_dtype_name(base);
  if (name.empty() || (is_ref(dtype) && base == tensorflow::DT_INVALID))
    name = "unknown dtype enum (" + std::to_string(static_cast<int>(base)) + ")";
  if (is_ref(dtype)) name += "_ref";
  return name;
}

bool dtype_from_name(const std::string& name, DataType* dtype) {
  struct Entry {
    const char* name;
    DataType dtype;
  };
  static const Entry kNames[] = {
      {"float", tensorflow::DT_FLOAT},         {"float32", tensorflow::DT_FLOAT},
      {"double", tensorflow::DT_DOUBLE},       {"float64", tensorflow::DT_DOUBLE},
      {"int32", tensorflow::DT_INT32},         {"uint32", tensorflow::DT_UINT32},
      {"uint8", tensorflow::DT_UINT8},         {"uint16", tensorflow::DT_UINT16},
      {"int16", tensorflow::DT_INT16},         {"int8", tensorflow::DT_INT8},
      {"string", tensorflow::DT_STRING},       {"complex64", tensorflow::DT_COMPLEX64},
      {"complex128", tensorflow::DT_COMPLEX128}, {"int64", tensorflow::DT_INT64},
      {"uint64", tensorflow::DT_UINT64},       {"bool", tensorflow::DT_BOOL},
      {"qint8", tensorflow::DT_QINT8},         {"quint8", tensorflow::DT_QUINT8},
      {"qint16", tensorflow::DT_QINT16},       {"quint16", tensorflow::DT_QUINT16},
      {"qint32", tensorflow::DT_QINT32},       {"bfloat16", tensorflow::DT_BFLOAT16},
      {"half", tensorflow::DT_HALF},           {"float16", tensorflow::DT_HALF},
      {"float8_e5m2", tensorflow::DT_FLOAT8_E5M2}, {"float8_e4m3fn", tensorflow::DT_FLOAT8_E4M3FN},
      {"resource", tensorflow::DT_RESOURCE},   {"variant", tensorflow::DT_VARIANT},
  };
  static const std::string kRefSuffix = "_ref";
  std::string base = name;
  bool ref = false;
  if (base.size() > kRefSuffix.size() &&
      base.compare(base.size() - kRefSuffix.size(), kRefSuffix.size(), kRefSuffix) == 0) {
    base.resize(base.size() - kRefSuffix.size());
    ref = true;
  }
  for (const Entry& entry : kNames) {
    if (base == entry.name) {
      *dtype = ref ? static_cast<DataType>(static_cast<int>(entry.dtype) + kRefOffset) : entry.dtype;
      return true;
    }
  }
  return false;
}

int64_t num_elements(const Shape& shape) {
  // The product of the non-zero dims must fit too, even when a 0 makes the
  // tensor empty: kernels compute strides and loop counts over spans of the
  // shape, so [0, 2^40, 2^40] is refused like [2^40, 2^40, 2].
  int64_t nonzero = 1;
  bool empty = false;
  for (int64_t dim : shape) {
    if (dim < 0) return -1;
    if (dim == 0) {
      empty = true;
      continue;
    }
    if (nonzero > std::numeric_limits<int64_t>::max() / dim) return -1;
    nonzero *= dim;
  }
  return empty ? 0 : nonzero;
}

std::string shape_string(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(shape[i]);
  }
  out += ']';
  return out;
}

}  // namespace mq
