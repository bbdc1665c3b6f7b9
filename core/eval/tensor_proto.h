// The one place where TensorProto and Tensor are converted into each other,
// following TensorFlow's rules: tensor_content takes precedence over the
// typed fields; a typed field with fewer values than elements repeats its
// last value; int_val is truncated for narrow types; half and bfloat16 are
// 16-bit patterns in half_val. Errors say what is wrong with the proto; the
// caller adds the node or file it came from.
#pragma once

#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// A fully known shape: fails on unknown rank, negative dims and element
// counts that overflow int64.
StatusOr<Shape> shape_from_proto(const tensorflow::TensorShapeProto& proto);
void shape_to_proto(const Shape& shape, tensorflow::TensorShapeProto* proto);

// The most bytes a decoded tensor may take (strings: their std::string
// slots): what a GraphDef can hold. A TensorProto whose few typed values
// stand for more ("repeat the last value") is refused with
// resource_exhausted before anything is allocated.
inline constexpr unsigned long long kMaxDecodedTensorBytes = 2147483647ULL;

// Decodes a tensor. tensor_content bytes are copied once with memcpy.
StatusOr<Tensor> tensor_from_proto(const tensorflow::TensorProto& proto);
// Decodes a tensor that the caller no longer needs: a tensor_content of the
// right size is moved into the Tensor without copying (the proto's
// tensor_content is left empty).
StatusOr<Tensor> tensor_from_proto(tensorflow::TensorProto&& proto);

// TensorFlow's AsProtoTensorContent (how GTT stores the Consts it creates):
// dtype, tensor_shape and raw little-endian bytes in tensor_content; nothing
// but dtype and shape for an empty tensor. Clears `proto` first.
void tensor_to_proto_content(const Tensor& tensor, tensorflow::TensorProto* proto);
// TensorFlow's AsProtoField: every value in the dtype's typed field
// (float_val, int_val, half_val, ...). Clears `proto` first.
void tensor_to_proto_field(const Tensor& tensor, tensorflow::TensorProto* proto);
// What TensorFlow's SetNodeAttr(name, Tensor) writes: tensor_content for
// more than one element, the typed field otherwise.
void tensor_to_proto_for_attr(const Tensor& tensor, tensorflow::TensorProto* proto);

}  // namespace mq
