// Reading the value of a Const node the way the Graph Transform Tool's weight
// transforms do (quantize_weights, round_weights): its `dtype` and `value`
// attrs must be there, the value must decode, and a float value is looked at
// in place — straight out of tensor_content or float_val, without decoding
// it into a separate buffer — so that a 100 MB model's weights are read once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// The `dtype` and `value` attrs of a Const, with GTT's errors:
// "No 'dtype' attribute for Const node <name>",
// "No 'value' attribute for Const node <name>".
struct ConstAttrs {
  tensorflow::DataType dtype = tensorflow::DT_INVALID;
  const tensorflow::TensorProto* value = nullptr;
};
StatusOr<ConstAttrs> const_attrs(const tensorflow::NodeDef& node);

// Checks that `value` decodes (graphdef-schema.md §4) without copying any
// tensor_content; fails with GTT's "Decoding Tensor failed for node<name>"
// followed by what is wrong.
Status check_const_value_decodes(const tensorflow::NodeDef& node, const tensorflow::TensorProto& value);

// The elements of a float tensor, in row-major order. Points into the
// TensorProto when it can (tensor_content of the right size, or a float_val
// with every element); otherwise (a short float_val that repeats its last
// value, an unaligned buffer) holds a decoded copy. The TensorProto must
// outlive the view.
class FloatValues {
 public:
  const float* data() const { return data_; }
  int64_t size() const { return count_; }
  const Shape& shape() const { return shape_; }
  bool points_into_proto() const { return storage_.empty() || data_ != storage_.data(); }

  // Fails naming the node when the value is not a decodable float tensor.
  static StatusOr<FloatValues> of(const tensorflow::NodeDef& node, const tensorflow::TensorProto& value);

 private:
  const float* data_ = nullptr;
  int64_t count_ = 0;
  Shape shape_;
  std::vector<float> storage_;
};

// The values of a Const that a weight transform rewrites: a float tensor of
// at least `minimum_size` elements. nullopt for a Const to keep as it is,
// after checking that a value of another dtype decodes.
StatusOr<std::optional<FloatValues>> float_weights_to_rewrite(const tensorflow::NodeDef& node, int64_t minimum_size);

}  // namespace mq
