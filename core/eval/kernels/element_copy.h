// Moving elements between tensors of one dtype without looking at their
// values (fixed-size bytes or strings): the data movement of the array
// kernels (Transpose, Slice, StridedSlice, Tile, Pad, Concat, Gather, ...).
#pragma once

#include <vector>

#include "core/eval/tensor.h"

namespace mq {

// Copies `count` consecutive elements src[src_index...] to dst[dst_index...].
void copy_elements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index, int64_t count);

// For every multi-index m of `shape`:
//   dst[dst_offset + sum m[d]*dst_strides[d]] = src[src_offset + sum m[d]*src_strides[d]]
// (strides in elements; a source stride of 0 repeats, a negative one reverses).
void copy_strided(const Tensor& src, int64_t src_offset, std::vector<int64_t> src_strides, Tensor& dst,
                  int64_t dst_offset, std::vector<int64_t> dst_strides, Shape shape);

// Row-major strides of a dense tensor of `shape`.
std::vector<int64_t> dense_strides(const Shape& shape);

}  // namespace mq
