// TensorFlow (NumPy) broadcasting for elementwise kernels: the output shape
// of two or more operands, and a row plan that lets a binary op work on
// contiguous runs with Eigen (same-shape and scalar operands are one row).
#pragma once

#include <vector>

#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq {

// The broadcast shape of a and b, or an error naming both shapes.
StatusOr<Shape> broadcast_shapes(const Shape& a, const Shape& b);

// Strides (in elements) that read a tensor of `shape` at the multi-indices of
// `out_shape`: 0 on the dimensions it is broadcast along. `shape` must
// broadcast to `out_shape`.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out_shape);

// A binary broadcast reduced to rows: the output is `rows` runs of `inner`
// elements; in each run an operand is either `inner` contiguous elements or
// one value repeated.
class BinaryBroadcast {
 public:
  BinaryBroadcast(const Shape& x_shape, const Shape& y_shape, const Shape& out_shape);

  int64_t rows() const { return rows_; }
  int64_t inner() const { return inner_; }
  bool x_repeats() const { return x_repeats_; }
  bool y_repeats() const { return y_repeats_; }

  // Calls f(out_offset, x_offset, y_offset) for each row, in order.
  template <typename F>
  void for_each_row(F&& f) const {
    if (rows_ == 0 || inner_ == 0) return;
    std::vector<int64_t> index(outer_sizes_.size(), 0);
    int64_t x_offset = 0, y_offset = 0;
    for (int64_t row = 0; row < rows_; ++row) {
      f(row * inner_, x_offset, y_offset);
      for (int d = static_cast<int>(outer_sizes_.size()) - 1; d >= 0; --d) {
        x_offset += x_strides_[d];
        y_offset += y_strides_[d];
        if (++index[d] < outer_sizes_[d]) break;
        x_offset -= x_strides_[d] * outer_sizes_[d];
        y_offset -= y_strides_[d] * outer_sizes_[d];
        index[d] = 0;
      }
    }
  }

 private:
  int64_t rows_ = 1;
  int64_t inner_ = 1;
  bool x_repeats_ = false;
  bool y_repeats_ = false;
  std::vector<int64_t> outer_sizes_;
  std::vector<int64_t> x_strides_;
  std::vector<int64_t> y_strides_;
};

}  // namespace mq
