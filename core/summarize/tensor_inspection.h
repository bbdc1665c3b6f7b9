// Looking at a TensorProto without decoding it: is it decodable by
// TensorFlow's rules (spec/graphdef-schema.md §4), how many elements and bytes
// does it hold, and what are its first few values. Counting the parameters of
// a 500 MB model this way reads only shapes and lengths; full decoding into a
// Tensor lives with the evaluator (core/eval).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/proto/graph.pb.h"

namespace mq {

struct TensorProtoFacts {
  bool decodable = false;  // TensorFlow's Tensor::FromProto would accept it
  tensorflow::DataType dtype = tensorflow::DT_INVALID;
  std::vector<int64_t> shape;
  int64_t elements = 0;
  unsigned long long bytes = 0;  // element bytes (strings: sum of their lengths)
};

TensorProtoFacts inspect_tensor_proto(const tensorflow::TensorProto& tensor);

// TensorFlow's Tensor::DebugString with at most three values:
// "Tensor<type: float shape: [4,2] values: [1 2][3...]...>". Only for
// tensors whose facts say decodable.
std::string tensor_debug_string(const tensorflow::TensorProto& tensor, const TensorProtoFacts& facts);

// How TensorFlow prints one float (%.6g, or %.9g when that does not read
// back as the same float) and one double (%.15g / %.17g).
std::string float_text(float value);
std::string double_text(double value);

}  // namespace mq
