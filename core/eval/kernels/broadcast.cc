#include "core/eval/kernels/broadcast.h"

#include <algorithm>

namespace mq {

StatusOr<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      return Status::error("incompatible shapes: " + shape_string(a) + " vs. " + shape_string(b));
    }
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out_shape) {
  size_t rank = out_shape.size();
  size_t lead = rank - shape.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = rank; i-- > lead;) {
    int64_t dim = shape[i - lead];
    strides[i] = dim == 1 && out_shape[i] != 1 ? 0 : stride;
    stride *= dim;
  }
  return strides;
}

BinaryBroadcast::BinaryBroadcast(const Shape& x_shape, const Shape& y_shape, const Shape& out_shape) {
  size_t rank = out_shape.size();
  auto dim_of = [rank](const Shape& shape, size_t i) {
    size_t lead = rank - shape.size();
    return i < lead ? int64_t{1} : shape[i - lead];
  };
  // Merge neighbouring dimensions where each operand is broadcast the same way.
  struct Group {
    int64_t size;
    bool x_broadcast;
    bool y_broadcast;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < rank; ++i) {
    if (out_shape[i] == 1) continue;
    bool xb = dim_of(x_shape, i) == 1;
    bool yb = dim_of(y_shape, i) == 1;
    if (!groups.empty() && groups.back().x_broadcast == xb && groups.back().y_broadcast == yb) {
      groups.back().size *= out_shape[i];
    } else {
      groups.push_back({out_shape[i], xb, yb});
    }
  }
  if (groups.empty()) return;  // one element
  inner_ = groups.back().size;
  x_repeats_ = groups.back().x_broadcast;
  y_repeats_ = groups.back().y_broadcast;
  int64_t x_stride = x_repeats_ ? 1 : inner_;
  int64_t y_stride = y_repeats_ ? 1 : inner_;
  size_t outer = groups.size() - 1;
  outer_sizes_.resize(outer);
  x_strides_.resize(outer);
  y_strides_.resize(outer);
  for (size_t k = outer; k-- > 0;) {
    outer_sizes_[k] = groups[k].size;
    x_strides_[k] = groups[k].x_broadcast ? 0 : x_stride;
    y_strides_[k] = groups[k].y_broadcast ? 0 : y_stride;
    if (!groups[k].x_broadcast) x_stride *= groups[k].size;
    if (!groups[k].y_broadcast) y_stride *= groups[k].size;
  }
  rows_ = 1;
  for (int64_t size : outer_sizes_) rows_ *= size;
  for (const Group& g : groups)
    if (g.size == 0) rows_ = 0;
}

}  // namespace mq
