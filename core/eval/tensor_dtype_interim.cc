// Interim definitions of the dtype helpers declared in tensor.h, until the
// shared implementation (core/eval/tensor_dtype.cc) is on this branch.
#include <limits>

#include "core/eval/tensor.h"

namespace mq {

size_t dtype_size(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_FLOAT: case tensorflow::DT_INT32: case tensorflow::DT_QINT32: case tensorflow::DT_UINT32:
      return 4;
    case tensorflow::DT_DOUBLE: case tensorflow::DT_INT64: case tensorflow::DT_UINT64: case tensorflow::DT_COMPLEX64:
      return 8;
    case tensorflow::DT_UINT8: case tensorflow::DT_INT8: case tensorflow::DT_BOOL: case tensorflow::DT_QINT8:
    case tensorflow::DT_QUINT8:
      return 1;
    case tensorflow::DT_INT16: case tensorflow::DT_UINT16: case tensorflow::DT_QINT16: case tensorflow::DT_QUINT16:
    case tensorflow::DT_HALF: case tensorflow::DT_BFLOAT16:
      return 2;
    case tensorflow::DT_COMPLEX128: return 16;
    default: return 0;
  }
}

std::string dtype_name(DataType dtype) {
  switch (dtype) {
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
    case tensorflow::DT_UINT32: return "uint32";
    case tensorflow::DT_UINT64: return "uint64";
    default: return "unknown dtype enum (" + std::to_string(static_cast<int>(dtype)) + ")";
  }
}

bool dtype_from_name(const std::string& name, DataType* dtype) {
  for (int value = 1; value <= 23; ++value) {
    DataType candidate = static_cast<DataType>(value);
    if (dtype_name(candidate) == name) {
      *dtype = candidate;
      return true;
    }
  }
  return false;
}

int64_t num_elements(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return -1;
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim) return -1;
    count *= dim;
  }
  return count;
}

std::string shape_string(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace mq
